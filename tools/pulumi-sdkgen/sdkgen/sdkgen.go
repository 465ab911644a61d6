// Package sdkgen generates a Pulumi package's SDKs with the generators of
// github.com/pulumi/pulumi/pkg/v3 at the engine's pin, in-process: the one copy of the
// generation code, used by `make sdk` (the pulumi-sdkgen command) and meant for language
// hosts' GeneratePackage.
package sdkgen

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/blang/semver"
	"github.com/hashicorp/hcl/v2"
	"golang.org/x/mod/modfile"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// Languages are the SDKs pkg/v3 generates (it has no .NET or Java generator).
var Languages = []string{"nodejs", "python", "go"}

// SDKModule is the Go module of the Pulumi SDK that a generated Go SDK requires.
const SDKModule = "github.com/pulumi/pulumi/sdk/v3"

// Request says what to generate.
type Request struct {
	// Schema is the package schema as `pulumi package get-schema` prints it.
	Schema []byte
	// Language is one of Languages.
	Language string
	// Tool is named in the header of every generated file.
	Tool string
	// Local asks for a local SDK (`pulumi package add`): the Node.js one compiles on install.
	Local bool
	// LocalDependencies maps a package name to a local path (e.g. "pulumi" to an SDK checkout).
	LocalDependencies map[string]string
	// ExtraFiles are written into the SDK as they are.
	ExtraFiles map[string][]byte
	// Loader loads the schema's dependencies; nil for a schema with none.
	Loader schema.ReferenceLoader
}

// Generate binds the schema and runs the language's generator: the files of one SDK, by path.
// Every SDK is generated as `pulumi package add` generates it (SupportPack): its version is the
// schema's, and the Go SDK has a go.mod, which requires the SDK module at this build's pin.
func Generate(req Request) (map[string][]byte, error) {
	loader := req.Loader
	if loader == nil {
		loader = noDependencies{}
	}
	pkg, err := bind(req.Schema, loader)
	if err != nil {
		return nil, err
	}
	pkg.SupportPack = true
	switch req.Language {
	case "nodejs":
		return nodejs.GeneratePackage(req.Tool, pkg, req.ExtraFiles, req.LocalDependencies, req.Local, loader)
	case "python":
		return python.GeneratePackage(req.Tool, pkg, req.ExtraFiles, loader)
	case "go":
		files, err := gogen.GeneratePackage(req.Tool, pkg, req.LocalDependencies)
		if err != nil {
			return nil, err
		}
		return files, pinSDK(files)
	}
	return nil, fmt.Errorf("language %q: pkg/v3 generates only %s", req.Language,
		strings.Join(Languages, ", "))
}

func bind(raw []byte, loader schema.ReferenceLoader) (*schema.Package, error) {
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("the schema is not a package schema in JSON: %w", err)
	}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("the schema does not bind: %w", err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("the schema does not bind: %s", said(diags))
	}
	return pkg, nil
}

// said is the errors of diags, one after another: what is wrong, and where.
func said(diags hcl.Diagnostics) string {
	var lines []string
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		line := d.Summary
		if d.Detail != "" && d.Detail != d.Summary {
			line += " (" + d.Detail + ")"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "; ")
}

// pinSDK makes the Go SDK's go.mod require the SDK module at the version this program was
// built with (the engine's pin), not the generator's own default.
func pinSDK(files map[string][]byte) error {
	version := BuiltWith(SDKModule)
	if files["go.mod"] == nil || version == "" {
		return nil
	}
	mod, err := modfile.Parse("go.mod", files["go.mod"], nil)
	if err != nil {
		return fmt.Errorf("the generated go.mod: %w", err)
	}
	if err := mod.AddRequire(SDKModule, version); err != nil {
		return fmt.Errorf("the generated go.mod: %w", err)
	}
	files["go.mod"], err = mod.Format()
	return err
}

// BuiltWith is the version of module this program was built with ("" when unknown).
func BuiltWith(module string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, dep := range info.Deps {
		if dep.Path == module {
			return dep.Version
		}
	}
	return ""
}

// Write puts the files under dir (created when missing); a path outside it is refused.
func Write(dir string, files map[string][]byte) error {
	paths := make([]string, 0, len(files))
	for path := range files {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		if !filepath.IsLocal(path) {
			return fmt.Errorf("generated file %q is outside the SDK folder", path)
		}
		target := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, files[path], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// noDependencies is the loader of a schema that names no other package.
type noDependencies struct{}

func (noDependencies) refuse(name string) error {
	return fmt.Errorf("the schema depends on package %q: generating it needs a schema loader", name)
}

func (l noDependencies) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refuse(name)
}

func (l noDependencies) LoadPackageV2(
	_ context.Context, d *schema.PackageDescriptor,
) (*schema.Package, error) {
	return nil, l.refuse(d.Name)
}

func (l noDependencies) LoadPackageReference(
	name string, _ *semver.Version,
) (schema.PackageReference, error) {
	return nil, l.refuse(name)
}

func (l noDependencies) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, l.refuse(d.Name)
}
