// Command pulumi-sdkgen writes a Pulumi package's SDKs (Node.js, Python, Go) from its schema
// with pkg/v3's generators at the engine's pin (package sdkgen): `make sdk` runs it on the
// plugin's schema.
//
//	pulumi-sdkgen -out DIR [-schema FILE] [LANGUAGE...]
//
// The schema is read from FILE, or from stdin when FILE is "-" (the default). Each language's
// SDK goes to DIR/LANGUAGE, which is emptied first; without LANGUAGE, all of sdkgen.Languages.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"bulk-publish-gate/tools/pulumi-sdkgen/sdkgen"
)

// version is linked in by the build (-ldflags "-X main.version=...").
var version = "0.0.0-dev"

// errUsage marks a bad command line (exit code 2).
var errUsage = errors.New("usage: pulumi-sdkgen -out DIR [-schema FILE|-] [nodejs|python|go...]")

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-sdkgen: %v\n", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	flags := flag.NewFlagSet("pulumi-sdkgen", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	out := flags.String("out", "", "the folder that receives one SDK folder per language")
	from := flags.String("schema", "-", "the package schema (JSON); - for stdin")
	showVersion := flags.Bool("version", false, "print the version")
	if err := flags.Parse(args); err != nil {
		return fmt.Errorf("%w (%v)", errUsage, err)
	}
	if *showVersion {
		_, err := fmt.Fprintf(stdout, "%s (pkg/v3 %s)\n", version, sdkgen.BuiltWith(pkgModule))
		return err
	}
	languages := flags.Args()
	if len(languages) == 0 {
		languages = sdkgen.Languages
	}
	if *out == "" {
		return fmt.Errorf("%w: -out is required", errUsage)
	}
	for _, language := range languages {
		if !slices.Contains(sdkgen.Languages, language) {
			return fmt.Errorf("%w: no generator for %q", errUsage, language)
		}
	}
	raw, err := readSchema(*from, stdin)
	if err != nil {
		return err
	}
	sdks := map[string]map[string][]byte{} // every SDK generated before any is written
	for _, language := range languages {
		if sdks[language], err = generate(raw, language); err != nil {
			return fmt.Errorf("%s SDK: %w", language, err)
		}
	}
	for _, language := range languages {
		dir := filepath.Join(*out, language)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		if err := sdkgen.Write(dir, sdks[language]); err != nil {
			return fmt.Errorf("%s SDK: %w", language, err)
		}
		fmt.Fprintf(stdout, "pulumi-sdkgen: wrote the %s SDK into %s\n", language, dir)
	}
	return nil
}

const pkgModule = "github.com/pulumi/pulumi/pkg/v3"

func readSchema(from string, stdin io.Reader) ([]byte, error) {
	if from == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(from)
}

func generate(raw []byte, language string) (map[string][]byte, error) {
	return sdkgen.Generate(sdkgen.Request{Schema: raw, Language: language, Tool: "pulumi-sdkgen"})
}
