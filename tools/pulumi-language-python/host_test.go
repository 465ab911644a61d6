package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
)

func TestParseArgsTakesTheLastPositionalAsTheEngine(t *testing.T) {
	cases := []struct {
		args    []string
		engine  string
		verbose int
		stderr  bool
	}{
		{[]string{"127.0.0.1:1234"}, "127.0.0.1:1234", 0, false},
		// Unknown -key=value flags (older plugin loaders pass runtime options so) are ignored.
		{[]string{"-virtualenv=venv", "-root=/x", "127.0.0.1:1"}, "127.0.0.1:1", 0, false},
		// What the CLI passes with logging flowed and tracing on.
		{[]string{"--logtostderr", "-v=9", "--tracing", "http://zipkin", "127.0.0.1:2"}, "127.0.0.1:2", 9, true},
		{[]string{"--tracing=http://zipkin", "127.0.0.1:3"}, "127.0.0.1:3", 0, false},
	}
	for _, c := range cases {
		got, err := parseArgs(c.args)
		if err != nil {
			t.Fatalf("parseArgs(%q): %v", c.args, err)
		}
		if got.engine != c.engine || got.verbose != c.verbose || got.logToStderr != c.stderr {
			t.Errorf("parseArgs(%q) = %+v, want engine %q verbose %d logtostderr %v",
				c.args, got, c.engine, c.verbose, c.stderr)
		}
	}
}

func TestParseArgsWithoutAnEngineIsAUsageError(t *testing.T) {
	for _, args := range [][]string{nil, {"-v=3"}, {"--tracing", "http://zipkin"}} {
		if _, err := parseArgs(args); err == nil || !strings.Contains(err.Error(), "usage") {
			t.Errorf("parseArgs(%q) = %v, want a usage error", args, err)
		}
	}
}

func TestConfigEnvSendsAnEmptyObjectWithoutConfig(t *testing.T) {
	env, err := configEnv(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PULUMI_CONFIG={}", "PULUMI_CONFIG_SECRET_KEYS=[]"}
	if !slices.Equal(env, want) {
		t.Errorf("configEnv(nil, nil) = %q, want %q", env, want)
	}
}

func TestConfigEnvIsJSON(t *testing.T) {
	config := map[string]string{"proj:name": `a "quoted" value`, "aws:region": "us-east-1"}
	env, err := configEnv(config, []string{"proj:name"})
	if err != nil {
		t.Fatal(err)
	}
	var values map[string]string
	if err := json.Unmarshal([]byte(strings.TrimPrefix(env[0], "PULUMI_CONFIG=")), &values); err != nil {
		t.Fatal(err)
	}
	if len(values) != 2 || values["proj:name"] != config["proj:name"] {
		t.Errorf("PULUMI_CONFIG carried %v, want %v", values, config)
	}
	if env[1] != `PULUMI_CONFIG_SECRET_KEYS=["proj:name"]` {
		t.Errorf("secret keys: %q", env[1])
	}
}

func exitWith(t *testing.T, code string) error {
	t.Helper()
	return exec.Command("sh", "-c", "exit "+code).Run()
}

func TestRunResultMapsTheRunnersExitCode(t *testing.T) {
	if got := runResult(nil); got.GetBail() || got.GetError() != "" {
		t.Errorf("exit 0: %v, want an empty response", got)
	}
	if got := runResult(exitWith(t, "32")); !got.GetBail() || got.GetError() != "" {
		t.Errorf("exit 32: %v, want bail and no error", got)
	}
	got := runResult(exitWith(t, "3"))
	if got.GetBail() || got.GetError() != "Program exited with non-zero exit code: 3" {
		t.Errorf("exit 3: %v", got)
	}
	got = runResult(exec.Command(filepath.Join(t.TempDir(), "no-such-python")).Run())
	if got.GetBail() || !strings.Contains(got.GetError(), "could not run the Python program") {
		t.Errorf("no interpreter: %v", got)
	}
}

func TestPythonOptions(t *testing.T) {
	options, err := pythonOptions(map[string]any{"toolchain": "pip", "virtualenv": "venv", "typechecker": "mypy"})
	if err != nil {
		t.Fatal(err)
	}
	if options.Toolchain != toolchain.Pip || options.Virtualenv != "venv" || options.Typechecker != toolchain.TypeCheckerMypy {
		t.Errorf("options: %+v", options)
	}
	if options, _ := pythonOptions(nil); options.Toolchain != toolchain.Auto || options.Virtualenv != "" {
		t.Errorf("no options: %+v", options)
	}
	for _, bad := range []map[string]any{{"toolchain": "conda"}, {"virtualenv": 3.0}, {"typechecker": "pytype"}} {
		if _, err := pythonOptions(bad); err == nil {
			t.Errorf("pythonOptions(%v) accepted", bad)
		}
	}
}

func TestProgramPath(t *testing.T) {
	folder, err := newProgram(&pulumirpc.ProgramInfo{RootDirectory: "/p", ProgramDirectory: "/p/src", EntryPoint: "."}, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if folder.path() != "/p/src/." {
		t.Errorf("a folder entry point: %q", folder.path())
	}
	file, _ := newProgram(&pulumirpc.ProgramInfo{RootDirectory: "/p", ProgramDirectory: "/p", EntryPoint: "main.py"}, "", "")
	if file.path() != "/p/main.py" {
		t.Errorf("a file entry point: %q", file.path())
	}
	legacy, _ := newProgram(nil, "/old", "")
	if legacy.root != "/old" || legacy.path() != "/old/." {
		t.Errorf("no ProgramInfo: %+v %q", legacy, legacy.path())
	}
}

// The runner's flags are the ones the SDK module's pulumi-language-python-exec declares.
func TestRunnerArgsAreTheExecShimsFlags(t *testing.T) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/pulumi/pulumi/sdk/v3").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	shim, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "python", "cmd", execShimName))
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, match := range regexp.MustCompile(`add_argument\(\s*"(--[a-z_]+)"`).FindAllStringSubmatch(string(shim), -1) {
		declared[match[1]] = true
	}
	p, _ := newProgram(&pulumirpc.ProgramInfo{RootDirectory: "/p", ProgramDirectory: "/p", EntryPoint: "."}, "", "")
	req := &pulumirpc.RunRequest{Project: "proj", Stack: "dev", Organization: "org", Pwd: "/p", Parallel: 8,
		DryRun: true, MonitorAddress: "127.0.0.1:9", Args: []string{"extra"}}
	args := runnerArgs("/bin/exec-shim", req, p, "127.0.0.1:7")
	if args[0] != "-u" || args[1] != "/bin/exec-shim" {
		t.Fatalf("args start %q", args[:2])
	}
	values := map[string]string{}
	rest := args[2:]
	for len(rest) > 0 && strings.HasPrefix(rest[0], "--") {
		if !declared[rest[0]] {
			t.Errorf("the exec shim declares no %s (it declares %v)", rest[0], declared)
		}
		values[rest[0]], rest = rest[1], rest[2:]
	}
	want := map[string]string{"--project": "proj", "--stack": "dev", "--organization": "org", "--root_directory": "/p",
		"--pwd": "/p", "--parallel": "8", "--dry_run": "true", "--monitor": "127.0.0.1:9", "--engine": "127.0.0.1:7"}
	for flag, value := range want {
		if values[flag] != value {
			t.Errorf("%s = %q, want %q", flag, values[flag], value)
		}
	}
	if !slices.Equal(rest, []string{"/p/.", "extra"}) {
		t.Errorf("program and args: %q", rest)
	}
}
