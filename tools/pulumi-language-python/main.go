// Command pulumi-language-python is a small Python language host for the Pulumi CLI, written
// for this project from the language-runtime protocol (pulumirpc.LanguageRuntimeServer). It is
// a stand-in for the official host, which cannot be had where its Go module is not served.
//
// The CLI starts it with the engine's address as the last argument and reads the port it
// serves on from the first line of its stdout. It exits when the engine stops answering.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
)

// version is linked in by the build (-ldflags "-X main.version=...").
var version = "0.0.0-dev"

// healthInterval is how often the engine is asked whether it is still there.
const healthInterval = 2 * time.Second

// arguments is what the command line carries.
type arguments struct {
	engine      string
	logToStderr bool
	verbose     int
}

// valueFlags take their value as the next argument (the CLI passes `--tracing <endpoint>`).
var valueFlags = map[string]bool{"tracing": true}

// parseArgs reads argv by hand: the SDK registers glog's flags on the flag package, and
// plugin loaders pass flags we do not know (`-virtualenv=venv`, ...), which are ignored.
func parseArgs(args []string) (arguments, error) {
	var parsed arguments
	var positional []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			positional = append(positional, arg)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		switch {
		case name == "logtostderr":
			parsed.logToStderr = !hasValue || value == "true"
		case name == "v" && hasValue:
			if level, err := strconv.Atoi(value); err == nil {
				parsed.verbose = level
			}
		case valueFlags[name] && !hasValue:
			i++ // its value is the next argument
		}
	}
	if len(positional) == 0 {
		return parsed, errors.New("usage: pulumi-language-python [flags] ENGINE_ADDRESS")
	}
	parsed.engine = positional[len(positional)-1]
	return parsed, nil
}

func main() {
	args, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	logging.InitLogging(args.logToStderr, args.verbose, false)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := rpcutil.Healthcheck(ctx, args.engine, healthInterval, cancel); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: cannot watch the engine at %s: %v\n", args.engine, err)
		os.Exit(1)
	}

	stop := make(chan bool)
	go func() {
		<-ctx.Done() // the engine is gone: stop serving (children are killed through ctx)
		close(stop)
	}()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, newHost(ctx, args.engine))
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port) // the first line of stdout: the CLI waits for it
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: %v\n", err)
		os.Exit(1)
	}
}
