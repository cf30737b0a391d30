package python

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"time"
)

// probeTimeout bounds how long an interpreter may take to describe itself.
const probeTimeout = 60 * time.Second

// probeScript prints the interpreter's version and, unless given
// --no-packages, its installed distributions, as JSON.
const probeScript = `import json, sys
pk = {}
if "--no-packages" not in sys.argv:
    import importlib.metadata as md
    for d in md.distributions():
        n = d.metadata["Name"]
        if n:
            pk[n] = d.version
print(json.dumps({"version": "%d.%d.%d" % sys.version_info[:3], "executable": sys.executable, "packages": pk}))`

// interpreter is what a Python interpreter says of itself.
type interpreter struct {
	// Path is the interpreter as found (absolute).
	Path string `json:"-"`
	// Version is its version, as 3.11.7.
	Version string `json:"version"`
	// Executable is sys.executable.
	Executable string `json:"executable"`
	// Packages maps each installed distribution's normalized name to its version.
	Packages map[string]string `json:"packages"`
}

// findInterpreter resolves name (a path, or a command on PATH) and asks the
// interpreter for its version and, when packages is set, its packages, with
// the stage's extra environment (a PYTHONPATH there changes what it sees).
func findInterpreter(name string, extraEnv []string, packages bool) (*interpreter, error) {
	path, err := osexec.LookPath(name)
	if err != nil {
		return nil, fmt.Errorf("with.python: %s is not an interpreter found on PATH: %w", name, err)
	}
	if path, err = filepath.Abs(path); err != nil {
		return nil, fmt.Errorf("with.python: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	args := []string{"-c", probeScript}
	if !packages {
		args = append(args, "--no-packages")
	}
	cmd := osexec.CommandContext(ctx, path, args...)
	cmd.Env = append(cmd.Environ(), extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("with.python: asking %s for its version and packages: %w: %s", path, err, lastLine(stderr.String()))
	}
	var it interpreter
	if err := json.Unmarshal(stdout.Bytes(), &it); err != nil {
		return nil, fmt.Errorf("with.python: %s is not a Python 3.8+ interpreter (its answer is not JSON: %v)", path, err)
	}
	it.Path = path
	pk := make(map[string]string, len(it.Packages))
	for n, v := range it.Packages {
		pk[NormalizeName(n)] = v
	}
	it.Packages = pk
	return &it, nil
}

// NormalizeName is a distribution name as PEP 503 compares them: lower case,
// runs of `-`, `_` and `.` as one `-`.
func NormalizeName(n string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(strings.TrimSpace(n)) {
		if r == '-' || r == '_' || r == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
