package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
)

// host serves the language-runtime protocol. Methods the CLI does not need for running Python
// programs and plugins (code generation, packing, linking, templates) answer Unimplemented.
type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	root   context.Context // done when the engine is gone: every child process dies with it
	engine string          // the engine's address, passed on to programs
}

func newHost(root context.Context, engine string) *host {
	return &host{root: root, engine: engine}
}

// childContext is done when the request ends or the engine is gone, whichever comes first.
func (h *host) childContext(request context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(request)
	stop := context.AfterFunc(h.root, cancel)
	return ctx, func() { stop(); cancel() }
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPackages reports none: plugins are found when the program registers resources
// (the project's dynamic provider needs none).
func (h *host) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{Packages: []*pulumirpc.PackageDependency{}}, nil
}

// Cancel has nothing to do: running programs and plugins end with their requests.
func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	p, err := newProgram(req.GetInfo(), "", "")
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	tc, err := p.python(ctx)
	if err != nil {
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	about, err := tc.About(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &pulumirpc.AboutResponse{
		Executable: about.PythonExecutable,
		Version:    about.PythonVersion.String(),
		Metadata: map[string]string{
			"toolchain":        toolchain.Name(p.options.Toolchain),
			"toolchainVersion": about.ToolchainVersion.String(),
			"host":             "bulk-publish-gate stand-in for pulumi-language-python",
		},
	}, nil
}

// Run runs the program once (a preview when DryRun) through the SDK's runner.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	if req.GetAttachDebugger() {
		return &pulumirpc.RunResponse{Error: "this stand-in Python language host cannot attach a debugger"}, nil
	}
	p, err := newProgram(req.GetInfo(), req.GetPwd(), req.GetProgram())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	ctx, cancel := h.childContext(ctx)
	defer cancel()
	tc, err := p.python(ctx)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	shim, err := findExecShim()
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	if err := typecheck(ctx, tc, p); err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	config, err := configEnv(req.GetConfig(), req.GetConfigSecretKeys())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	cmd, err := tc.Command(ctx, runnerArgs(shim, req, p, h.engine)...)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	cmd.Env = append(environ(cmd), config...)
	cmd.Dir = req.GetPwd()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr // shown by the CLI as the program's output
	cmd.WaitDelay = 10 * time.Second
	return runResult(cmd.Run()), nil
}

// InstallDependencies creates the virtualenv and installs requirements.txt into it, unless the
// virtualenv is already valid (the toolchain would re-run `python -m venv` over it).
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	p, err := newProgram(req.GetInfo(), req.GetDirectory(), "")
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	ctx, cancel := h.childContext(server.Context())
	defer cancel()
	tc, err := toolchain.ResolveToolchain(p.options)
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	out := &stream[*pulumirpc.InstallDependenciesResponse]{
		send: server.Send,
		stdoutMessage: func(b []byte) *pulumirpc.InstallDependenciesResponse {
			return &pulumirpc.InstallDependenciesResponse{Stdout: b}
		},
		stderrMessage: func(b []byte) *pulumirpc.InstallDependenciesResponse {
			return &pulumirpc.InstallDependenciesResponse{Stderr: b}
		},
	}
	if tc.ValidateVenv(ctx) == nil {
		venv, _ := tc.VirtualEnvPath(ctx)
		if venv == "" {
			fmt.Fprintln(out.stdout(), "No virtualenv is configured (runtime option virtualenv): "+
				"nothing is installed into the ambient Python.")
		} else {
			fmt.Fprintf(out.stdout(), "The virtualenv %s is in place: nothing to install "+
				"(remove it to have it created again).\n", venv)
		}
		return nil
	}
	err = tc.InstallDependencies(ctx, p.root, req.GetUseLanguageVersionTools(), true, out.stdout(), out.stderr())
	if err != nil {
		return status.Error(codes.Unknown, err.Error())
	}
	return nil
}
