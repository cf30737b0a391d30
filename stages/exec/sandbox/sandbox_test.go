//go:build linux

package sandbox

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// start runs sh -c script in a sandbox and returns its output, or the error
// from starting it.
func start(t *testing.T, spec Spec, script string) (string, error) {
	t.Helper()
	spec.Args = []string{"sh", "-c", script}
	if spec.TempDir == "" {
		spec.TempDir = t.TempDir()
	}
	var lastErr error
	for _, userNS := range []bool{os.Geteuid() != 0, os.Geteuid() == 0} {
		cmd, err := Command(spec, userNS)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.Env = EnvWithSpec(cmd, os.Environ())
		if err := cmd.Start(); err != nil {
			lastErr = err
			if Unavailable(err) && !errors.Is(err, ErrSetup) {
				continue
			}
			return "", err
		}
		_ = cmd.Wait()
		return out.String(), nil
	}
	t.Skipf("this system cannot make the sandbox's namespaces: %v", lastErr)
	return "", nil
}

// The command runs as PID 1 of its own PID namespace, with the read-only
// directory refusing writes and the writable one taking them.
func TestSandboxMounts(t *testing.T) {
	ro, rw := t.TempDir(), t.TempDir()
	out, err := start(t, Spec{Mode: ReadOnly, ReadOnly: []string{ro}, Writable: []string{rw}},
		"echo pid=$$; touch "+ro+"/x 2>&1; touch "+rw+"/y && echo wrote")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"pid=1", "Read-only file system", "wrote"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// A sandbox whose mounts cannot be made says so before anything runs, as
// ErrSetup, so the caller can run the command plain instead.
func TestSetupFailureIsReportedBeforeTheCommandRuns(t *testing.T) {
	marker := t.TempDir() + "/ran"
	_, err := start(t, Spec{Mode: ReadOnly, ReadOnly: []string{"/nonexistent/dir"}}, "touch "+marker)
	if !errors.Is(err, ErrSetup) || !strings.Contains(err.Error(), "/nonexistent/dir") {
		t.Fatalf("error %v, want ErrSetup naming the directory", err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the command ran although the sandbox failed")
	}
}
