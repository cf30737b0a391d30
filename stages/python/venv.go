package python

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/zeebo/xxh3"
)

// completeMarker is written last into a built environment: a directory
// without it is half-built (a killed install) and is built again.
const completeMarker = ".pipeline-env-complete"

// envDigest names the environment built from a lock file by an interpreter.
func envDigest(it *interpreter, l *lockFile) string {
	h := xxh3.New()
	fmt.Fprintf(h, "interpreter %s %s\nformat %s\n", it.Executable, it.Version, l.Format)
	h.Write(l.Data)
	s := h.Sum128().Bytes()
	return fmt.Sprintf("%x", s[:10])
}

// ensureEnv returns the python of the virtual environment built from l by
// it under cacheDir/envs, building it first when there is none. Builds of
// one environment by concurrent stages wait for each other; pip's output
// goes to out.
func ensureEnv(ctx context.Context, cacheDir string, it *interpreter, l *lockFile, out io.Writer) (string, error) {
	root := filepath.Join(cacheDir, "envs")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("creating the environments directory: %w", err)
	}
	dir := filepath.Join(root, envDigest(it, l))
	py := filepath.Join(dir, "bin", "python")
	lock, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", fmt.Errorf("locking environment %s: %w", dir, err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("locking environment %s: %w", dir, err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	marker := filepath.Join(dir, completeMarker)
	if _, err := os.Stat(marker); err == nil {
		now := time.Now()
		_ = os.Chtimes(marker, now, now) // last use, for gc
		return py, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("removing the half-built environment %s: %w", dir, err)
	}
	fmt.Fprintf(out, "building a Python %s environment from %s in %s\n", it.Version, filepath.Base(l.Path), dir)
	if err := run(ctx, out, "", it.Path, "-m", "venv", dir); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("creating a virtual environment with %s: %w", it.Path, err)
	}
	reqPath, reqDir := l.Path, filepath.Dir(l.Path)
	args := []string{"-m", "pip", "install", "--disable-pip-version-check", "--no-input"}
	if l.Format != lockRequirements {
		// The lock holds every package of the environment: install exactly those.
		var pins bytes.Buffer
		for _, r := range l.Reqs {
			fmt.Fprintf(&pins, "%s==%s\n", r.Name, r.Version)
		}
		reqPath = filepath.Join(dir, "requirements.lock.txt")
		if err := os.WriteFile(reqPath, pins.Bytes(), 0o644); err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("writing the pins of %s: %w", l.Path, err)
		}
		args = append(args, "--no-deps")
	}
	args = append(args, "-r", reqPath)
	var pipOut bytes.Buffer
	if err := run(ctx, io.MultiWriter(out, &pipOut), reqDir, py, args...); err != nil {
		os.RemoveAll(dir)
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", installError(l, err, pipOut.String())
	}
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("marking environment %s complete: %w", dir, err)
	}
	return py, nil
}

func run(ctx context.Context, out io.Writer, dir, name string, args ...string) error {
	cmd := osexec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return cmd.Run()
}

// pipUnresolved finds the requirement pip could not satisfy in its output.
var pipUnresolved = regexp.MustCompile(`(?:No matching distribution found for|Could not find a version that satisfies the requirement) ([A-Za-z0-9][A-Za-z0-9._-]*)`)

// installError says which line of the lock file pip could not install.
func installError(l *lockFile, err error, pipOut string) error {
	name := filepath.Base(l.Path)
	if m := pipUnresolved.FindStringSubmatch(pipOut); m != nil {
		if r, ok := l.lineFor(m[1]); ok {
			return fmt.Errorf("with.requirements: %s:%d: `%s` does not resolve (pip: %s)", name, r.Line, r.Text, lastLine(grepLine(pipOut, m[0])))
		}
	}
	var ee *osexec.ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("with.requirements: pip could not install %s (exit status %d): %s", name, ee.ExitCode(), lastLine(pipOut))
	}
	return fmt.Errorf("with.requirements: running pip for %s: %w", name, err)
}

func grepLine(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(l)
		}
	}
	return sub
}
