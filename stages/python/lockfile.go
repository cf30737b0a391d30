package python

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Lock file formats.
const (
	lockRequirements = "requirements"
	lockUV           = "uv.lock"
	lockPoetry       = "poetry.lock"
)

// maxLockBytes bounds a requirements or lock file.
const maxLockBytes = 16 << 20

// requirement is one package a requirements or lock file names.
type requirement struct {
	Name    string // normalized
	Version string // the pinned version; "" when not pinned with ==
	Line    int    // where it is written (1-based)
	Text    string // the line as written (without hashes)
}

// lockFile is a parsed requirements.txt, uv.lock or poetry.lock.
type lockFile struct {
	Path   string
	Format string
	Data   []byte
	Reqs   []requirement
}

// Locked reports whether every requirement is pinned to one version.
func (l *lockFile) Locked() bool {
	for _, r := range l.Reqs {
		if r.Version == "" {
			return false
		}
	}
	return true
}

// Unpinned names the requirements not pinned to one version.
func (l *lockFile) Unpinned() []string {
	var s []string
	for _, r := range l.Reqs {
		if r.Version == "" {
			s = append(s, r.Name)
		}
	}
	return s
}

// lineFor returns the requirement a pip message names, if any.
func (l *lockFile) lineFor(name string) (requirement, bool) {
	n := NormalizeName(name)
	for _, r := range l.Reqs {
		if r.Name == n {
			return r, true
		}
	}
	return requirement{}, false
}

var (
	// reqName is a requirement's distribution name (PEP 508) at the start of a line.
	reqName = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)`)
	// reqPin is an exact pin `== version` (not `===` or a wildcard).
	reqPin = regexp.MustCompile(`^\s*(?:\[[^\]]*\])?\s*==\s*([A-Za-z0-9.+!_-]+)\s*(?:;.*)?$`)
	// tomlString is `key = "value"` on one line of a lock file.
	tomlString = regexp.MustCompile(`^([a-z_-]+)\s*=\s*"([^"]*)"`)
)

// readLockFile reads and parses path; its format comes from its name.
func readLockFile(path string) (*lockFile, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("with.requirements: %w", err)
	}
	if fi.Size() > maxLockBytes {
		return nil, fmt.Errorf("with.requirements: %s is larger than %d bytes", path, maxLockBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("with.requirements: %w", err)
	}
	l := &lockFile{Path: path, Data: data}
	switch filepath.Base(path) {
	case lockUV:
		l.Format = lockUV
		l.Reqs, err = parseTOMLPackages(data, true)
	case lockPoetry:
		l.Format = lockPoetry
		l.Reqs, err = parseTOMLPackages(data, false)
	default:
		l.Format = lockRequirements
		l.Reqs, err = parseRequirements(data)
	}
	if err != nil {
		return nil, fmt.Errorf("with.requirements: %s:%w", filepath.Base(path), err)
	}
	return l, nil
}

// parseRequirements reads pip's requirements format: one requirement a line,
// `\` continuing a line, `#` comments, `--hash` and other options kept for
// pip. `-r`/`-c` includes are refused, as their content would not be in
// the key.
func parseRequirements(data []byte) ([]requirement, error) {
	var reqs []requirement
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		start := i + 1
		line := lines[i]
		for strings.HasSuffix(strings.TrimRight(line, " \t\r"), `\`) && i+1 < len(lines) {
			line = strings.TrimSuffix(strings.TrimRight(line, " \t\r"), `\`) + " " + lines[i+1]
			i++
		}
		if j := strings.Index(line, " #"); j >= 0 {
			line = line[:j]
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "-") {
			f := strings.Fields(line)[0]
			switch {
			case f == "-r" || f == "-c" || strings.HasPrefix(f, "--requirement") || strings.HasPrefix(f, "--constraint"):
				return nil, fmt.Errorf("%d: includes another file (%s); list its requirements here so that they enter the stage key", start, f)
			case f == "-e" || strings.HasPrefix(f, "--editable"):
				return nil, fmt.Errorf("%d: an editable requirement cannot be locked; install it as a pinned version", start)
			}
			continue // an option for pip: --index-url, --find-links, --no-index...
		}
		spec := line
		if j := strings.Index(spec, " --"); j >= 0 {
			spec = strings.TrimSpace(spec[:j]) // --hash=...
		}
		m := reqName.FindString(spec)
		if m == "" {
			return nil, fmt.Errorf("%d: %q is not a requirement (NAME[extras]==VERSION)", start, truncate(spec, 60))
		}
		r := requirement{Name: NormalizeName(m), Line: start, Text: spec}
		if p := reqPin.FindStringSubmatch(spec[len(m):]); p != nil && !strings.Contains(p[1], "*") {
			r.Version = p[1]
		}
		reqs = append(reqs, r)
	}
	return reqs, nil
}

// parseTOMLPackages reads the `[[package]]` tables of a uv.lock or a
// poetry.lock: their name and version lines. In a uv.lock the project itself
// (an editable, virtual or directory source) is not a package to install.
func parseTOMLPackages(data []byte, uv bool) ([]requirement, error) {
	var reqs []requirement
	var cur *requirement
	local := false
	flush := func() {
		if cur != nil && cur.Name != "" && !local {
			reqs = append(reqs, *cur)
		}
		cur, local = nil, false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(t, "[") {
			if t == "[[package]]" {
				flush()
				cur = &requirement{Line: line}
				continue
			}
			if !strings.HasPrefix(t, "[package.") && !strings.HasPrefix(t, "[[package.") {
				flush()
			}
			continue
		}
		if cur == nil {
			continue
		}
		if m := tomlString.FindStringSubmatch(t); m != nil {
			switch m[1] {
			case "name":
				cur.Name = NormalizeName(m[2])
			case "version":
				cur.Version = m[2]
			}
		}
		if uv && strings.HasPrefix(t, "source") && (strings.Contains(t, "editable") || strings.Contains(t, "virtual") || strings.Contains(t, "directory")) {
			local = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%d: %w", line+1, err)
	}
	flush()
	for i := range reqs {
		r := &reqs[i]
		if r.Version == "" {
			return nil, fmt.Errorf("%d: package %s has no version", r.Line, r.Name)
		}
		r.Text = r.Name + "==" + r.Version
	}
	return reqs, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
