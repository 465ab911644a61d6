package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
)

// execShimName is the SDK's program runner (sdk/v3 python/cmd/pulumi-language-python-exec),
// installed beside this binary by the build.
const execShimName = "pulumi-language-python-exec"

// bailExitCode is the runner's exit code for "the program failed and the message is shown".
const bailExitCode = 32

// program is where a program or plugin is and how its Python is chosen.
type program struct {
	root       string // the project's (or plugin's) folder: Pulumi.yaml, requirements.txt
	directory  string // the program's folder
	entryPoint string // relative to directory; "." is the folder itself (its __main__.py)
	options    toolchain.PythonOptions
}

// newProgram reads a ProgramInfo (older CLIs send only a working directory and a program).
func newProgram(info *pulumirpc.ProgramInfo, pwd, legacyProgram string) (program, error) {
	p := program{
		root:       info.GetRootDirectory(),
		directory:  info.GetProgramDirectory(),
		entryPoint: info.GetEntryPoint(),
	}
	if p.root == "" {
		p.root = pwd
	}
	if p.directory == "" {
		p.directory = p.root
	}
	if p.entryPoint == "" {
		p.entryPoint = legacyProgram
	}
	if p.entryPoint == "" {
		p.entryPoint = "."
	}
	options, err := pythonOptions(info.GetOptions().AsMap())
	if err != nil {
		return p, err
	}
	options.Root, options.ProgramDir = p.root, p.directory
	p.options = options
	return p, nil
}

// pythonOptions reads the runtime options of Pulumi.yaml / PulumiPlugin.yaml.
func pythonOptions(raw map[string]any) (toolchain.PythonOptions, error) {
	var options toolchain.PythonOptions
	text := func(key string) (string, error) {
		value, present := raw[key]
		if !present || value == nil {
			return "", nil
		}
		s, ok := value.(string)
		if !ok {
			return "", fmt.Errorf("the runtime option %q must be a string, not %v", key, value)
		}
		return s, nil
	}
	var err error
	if options.Virtualenv, err = text("virtualenv"); err != nil {
		return options, err
	}
	name, err := text("toolchain")
	if err != nil {
		return options, err
	}
	switch name {
	case "":
		options.Toolchain = toolchain.Auto
	case "pip":
		options.Toolchain = toolchain.Pip
	case "poetry":
		options.Toolchain = toolchain.Poetry
	case "uv":
		options.Toolchain = toolchain.Uv
	default:
		return options, fmt.Errorf("unknown runtime option toolchain: %q (pip, poetry or uv)", name)
	}
	checker, err := text("typechecker")
	if err != nil {
		return options, err
	}
	switch checker {
	case "":
		options.Typechecker = toolchain.TypeCheckerNone
	case "mypy":
		options.Typechecker = toolchain.TypeCheckerMypy
	case "pyright":
		options.Typechecker = toolchain.TypeCheckerPyright
	default:
		return options, fmt.Errorf("unknown runtime option typechecker: %q (mypy or pyright)", checker)
	}
	return options, nil
}

// path is the program's entry point as Python is given it: a folder ends in "/.".
func (p program) path() string {
	if p.entryPoint == "." {
		return p.directory + string(filepath.Separator) + "."
	}
	return filepath.Join(p.directory, p.entryPoint)
}

// python resolves the toolchain and checks the virtualenv it names.
func (p program) python(ctx context.Context) (toolchain.Toolchain, error) {
	tc, err := toolchain.ResolveToolchain(p.options)
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return nil, fmt.Errorf("%w\n\nOr run `pulumi install` in %s, which creates it.", err, p.root)
	}
	return tc, nil
}

// runnerArgs are the SDK runner's arguments for one Run.
func runnerArgs(shim string, req *pulumirpc.RunRequest, p program, engine string) []string {
	args := []string{
		"-u", shim,
		"--project", req.GetProject(),
		"--stack", req.GetStack(),
		"--organization", req.GetOrganization(),
		"--root_directory", p.root,
		"--pwd", req.GetPwd(),
		"--parallel", strconv.Itoa(int(req.GetParallel())),
		"--dry_run", strconv.FormatBool(req.GetDryRun()),
		"--monitor", req.GetMonitorAddress(),
		"--engine", engine,
		p.path(),
	}
	return append(args, req.GetArgs()...)
}

// configEnv is the program's config as the SDK reads it: PULUMI_CONFIG, a JSON object of
// "project:key" -> string (`{}` when empty: the SDK cannot read `null`), and
// PULUMI_CONFIG_SECRET_KEYS, a JSON list.
func configEnv(config map[string]string, secretKeys []string) ([]string, error) {
	if config == nil {
		config = map[string]string{}
	}
	if secretKeys == nil {
		secretKeys = []string{}
	}
	values, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	keys, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	return []string{"PULUMI_CONFIG=" + string(values), "PULUMI_CONFIG_SECRET_KEYS=" + string(keys)}, nil
}

// runResult maps the runner's exit to the protocol: 32 means the program failed and said so.
func runResult(err error) *pulumirpc.RunResponse {
	if err == nil {
		return &pulumirpc.RunResponse{}
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the Python program: %v", err)}
	}
	switch code := exit.ExitCode(); code {
	case bailExitCode:
		return &pulumirpc.RunResponse{Bail: true}
	case -1:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program was terminated: %v", exit)}
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}
	}
}

// findExecShim is the runner beside this binary, else on PATH.
func findExecShim() (string, error) {
	if self, err := os.Executable(); err == nil {
		if resolved, err := filepath.EvalSymlinks(self); err == nil {
			candidate := filepath.Join(filepath.Dir(resolved), execShimName)
			if info, err := os.Stat(candidate); err == nil && !info.IsDir() {
				return candidate, nil
			}
		}
	}
	if found, err := exec.LookPath(execShimName); err == nil {
		return found, nil
	}
	return "", fmt.Errorf("%s is neither beside this language host nor on PATH "+
		"(it is installed with the host by `make engine`)", execShimName)
}

// typecheck runs the type checker the runtime options name, if any.
func typecheck(ctx context.Context, tc toolchain.Toolchain, p program) error {
	var module string
	switch p.options.Typechecker {
	case toolchain.TypeCheckerMypy:
		module = "mypy"
	case toolchain.TypeCheckerPyright:
		module = "pyright"
	default:
		return nil
	}
	cmd, err := tc.ModuleCommand(ctx, module, p.directory)
	if err != nil {
		return err
	}
	cmd.Dir = p.root
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s type checking failed: %w", module, err)
	}
	return nil
}

// environ is a command's environment: the toolchain's (its virtualenv activated) or ours.
func environ(cmd *exec.Cmd) []string {
	if cmd.Env != nil {
		return cmd.Env
	}
	return os.Environ()
}
