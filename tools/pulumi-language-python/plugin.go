package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
)

// RunPlugin runs a plugin folder's Python program (`python -u <folder>/. <args>`, in that
// folder, with the request's environment), streams its stdout and stderr, then its exit code.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetAttachDebugger() {
		return status.Error(codes.Unimplemented, "this stand-in Python language host cannot attach a debugger")
	}
	p, err := newProgram(req.GetInfo(), req.GetPwd(), req.GetProgram())
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	ctx, cancel := h.childContext(server.Context())
	defer cancel()
	tc, err := p.python(ctx)
	if err != nil {
		return status.Error(codes.FailedPrecondition, err.Error())
	}
	cmd, err := tc.Command(ctx, append([]string{"-u", p.path()}, req.GetArgs()...)...)
	if err != nil {
		return status.Error(codes.Internal, err.Error())
	}
	env := req.GetEnv()
	if len(env) == 0 {
		env = os.Environ()
	}
	if venv, _ := tc.VirtualEnvPath(ctx); venv != "" {
		env = toolchain.ActivateVirtualEnv(env, venv)
	}
	cmd.Env = env
	cmd.Dir = p.directory
	cmd.WaitDelay = 10 * time.Second

	out := &stream[*pulumirpc.RunPluginResponse]{
		send: server.Send,
		stdoutMessage: func(b []byte) *pulumirpc.RunPluginResponse {
			return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
		},
		stderrMessage: func(b []byte) *pulumirpc.RunPluginResponse {
			return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
		},
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return status.Error(codes.Internal, err.Error())
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return status.Error(codes.Internal, err.Error())
	}
	if err := cmd.Start(); err != nil {
		return status.Errorf(codes.Internal, "starting the plugin: %v", err)
	}
	var pumps sync.WaitGroup
	for _, pipe := range []struct {
		from io.Reader
		to   io.Writer
	}{{stdout, out.stdout()}, {stderr, out.stderr()}} {
		pumps.Add(1)
		go func() {
			defer pumps.Done()
			_, _ = io.Copy(ignoreErrors{pipe.to}, pipe.from)
		}()
	}
	pumps.Wait() // all output is read before Wait closes the pipes
	code := 0
	if err := cmd.Wait(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return status.Errorf(codes.Unknown, "the plugin: %v", err)
		}
		code = exit.ExitCode()
	}
	if ctx.Err() != nil {
		return status.FromContextError(ctx.Err()).Err()
	}
	return out.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}
