package runtime

import (
	"context"
	"fmt"
	"maps"
	"os/exec"
	"regexp"
	"strings"
	"time"

	"github.com/mlpipe/pipeline/artifacts"
)

// Label is what the user says of a run: a name to refer to it by, tags to
// filter runs on, and a free note.
type Label struct {
	Name string
	Tags map[string]string
	Note string
}

// runName is a valid run name: it must not be mistaken for an id, a path
// or `latest~N`.
var runName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,99}$`)

// tagKey is a valid tag key.
var tagKey = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// maxNote bounds a run's note.
const maxNote = 4 << 10

// ParseLabel checks a run's name, `k=v` tags and note.
func ParseLabel(name string, tags []string, note string) (Label, error) {
	l := Label{Name: name, Note: note}
	if name != "" && (!runName.MatchString(name) || name == "latest" || strings.HasPrefix(name, "latest~")) {
		return Label{}, fmt.Errorf("--name %q: a run name starts with a letter and holds letters, digits, `.`, `_` and `-` (at most 100), and is not `latest`", name)
	}
	if len(note) > maxNote {
		return Label{}, fmt.Errorf("--note: %d bytes, over the %d KiB a note may hold", len(note), maxNote>>10)
	}
	for _, t := range tags {
		k, v, ok := strings.Cut(t, "=")
		if !ok || !tagKey.MatchString(k) {
			return Label{}, fmt.Errorf("--tag %q: expected KEY=VALUE, KEY of letters, digits, `.`, `_` and `-`", t)
		}
		if len(v) > 256 {
			return Label{}, fmt.Errorf("--tag %s: the value is over 256 bytes", k)
		}
		if l.Tags == nil {
			l.Tags = map[string]string{}
		}
		l.Tags[k] = v
	}
	return l, nil
}

// apply records the label in a manifest.
func (l Label) apply(m *artifacts.Manifest) {
	m.Name, m.Note = l.Name, l.Note
	if len(l.Tags) > 0 {
		m.Tags = maps.Clone(l.Tags)
	}
}

// lookUpGit finds the git state of dir in the background (a few git
// commands, while the stages run).
func lookUpGit(dir string) chan *artifacts.GitState {
	c := make(chan *artifacts.GitState, 1)
	go func() { c <- GitStateOf(dir) }()
	return c
}

// gitTimeout bounds each git command.
const gitTimeout = 5 * time.Second

// GitStateOf returns the state of the git repository holding dir, or nil
// when dir is in none (or git is not installed).
func GitStateOf(dir string) *artifacts.GitState {
	run := func(args ...string) (string, bool) {
		ctx, cancel := context.WithTimeout(context.Background(), gitTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), err == nil
	}
	commit, ok := run("rev-parse", "--verify", "--quiet", "HEAD")
	if !ok || commit == "" {
		return nil
	}
	st := &artifacts.GitState{Commit: commit}
	if b, ok := run("symbolic-ref", "--quiet", "--short", "HEAD"); ok {
		st.Branch = b
	}
	// The whole repository counts; workspaces (.pipeline) do not, ignored or
	// not, or every run would be dirty.
	if out, ok := run("status", "--porcelain", "--untracked-files=normal", "--", ":/", ":(top,exclude,glob)**/.pipeline/**"); !ok || out != "" {
		st.Dirty = true
	}
	return st
}
