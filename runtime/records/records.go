// Package records reads the run records of a workspace (the manifests under
// runs/<id>/) and answers the questions of experiment tracking: which runs
// exist and how they went, what one run did stage by stage, and how two runs
// differ in parameters and metrics. It only reads; nothing here writes to a
// workspace.
package records

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
)

// Latest is the run reference that names the newest run of a selection.
const Latest = "latest"

// ErrNoRun reports a run reference that names no recorded run, or more than one.
var ErrNoRun = errors.New("no such run")

// Selection is the runs a command looks at: every run of a workspace, or
// only those of one definition file (a workspace beside several
// definitions holds the runs of each).
type Selection struct {
	// Workspace holds the runs; nil when runs are named by path only.
	Workspace *runtime.Workspace
	// Definition, when set, is the definition file whose runs are selected.
	Definition string
}

// IDs lists the selected runs, newest first. With a definition, a run is
// selected when its manifest names that file (so a manifest that cannot be
// read is not; listing the whole workspace shows it).
func (s Selection) IDs() ([]string, error) {
	if s.Workspace == nil {
		return nil, nil
	}
	ids, err := s.Workspace.RunIDs()
	if err != nil || s.Definition == "" {
		return ids, err
	}
	want, err := filepath.Abs(s.Definition)
	if err != nil {
		return nil, fmt.Errorf("resolving definition %s: %w", s.Definition, err)
	}
	var out []string
	for _, id := range ids {
		m, err := artifacts.ReadManifest(s.Workspace.ManifestPath(id))
		if err == nil && DefinitionFile(m) == want {
			out = append(out, id)
		}
	}
	return out, nil
}

// DefinitionFile is the absolute path of the definition a run compiled.
func DefinitionFile(m *artifacts.Manifest) string {
	p := m.Definition.Path
	if !filepath.IsAbs(p) {
		p = filepath.Join(m.Definition.Dir, filepath.Base(p))
	}
	return filepath.Clean(p)
}

// where says which runs a selection holds, for messages.
func (s Selection) where() string {
	if s.Definition != "" {
		return fmt.Sprintf("the runs of %s in %s", s.Definition, s.Workspace.Root)
	}
	return s.Workspace.Root
}

// Resolve maps a run reference to a selected run id: `latest`, `latest~N`
// (the N-th before the newest), a whole id, a run's name (`run --name`; the
// newest run of that name), or a prefix or suffix (the part after the dash,
// or at least 4 of its last characters) of exactly one id.
func Resolve(s Selection, ref string) (string, error) {
	if s.Workspace == nil {
		return "", fmt.Errorf("resolving run %q: %w: no workspace given", ref, ErrNoRun)
	}
	ids, err := s.IDs()
	if err != nil {
		return "", fmt.Errorf("resolving run %q in %s: %w", ref, s.Workspace.Root, err)
	}
	if len(ids) == 0 {
		return "", fmt.Errorf("resolving run %q: %w: no recorded runs in %s", ref, ErrNoRun, s.where())
	}
	if ref == Latest {
		return ids[0], nil
	}
	if n, ok := strings.CutPrefix(ref, Latest+"~"); ok {
		back, err := strconv.Atoi(n)
		if err != nil || back < 0 {
			return "", fmt.Errorf("resolving run %q: %w: `latest~N` takes a whole number N", ref, ErrNoRun)
		}
		if back >= len(ids) {
			return "", fmt.Errorf("resolving run %q: %w: only %d runs are recorded in %s", ref, ErrNoRun, len(ids), s.where())
		}
		return ids[back], nil
	}
	if ref == "" {
		return "", fmt.Errorf("resolving run: %w: empty run id", ErrNoRun)
	}
	for _, id := range ids {
		if id == ref {
			return id, nil
		}
	}
	// A run's name (the newest run of that name; names start with a letter,
	// ids with a digit).
	if r := ref[0]; (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') {
		for _, id := range ids {
			if m, err := artifacts.ReadManifest(s.Workspace.ManifestPath(id)); err == nil && m.Name == ref {
				return id, nil
			}
		}
	}
	var matches []string
	for _, id := range ids {
		// A prefix (the time) or a suffix (the random part after the dash).
		if strings.HasPrefix(id, ref) || strings.HasSuffix(id, "-"+ref) || (len(ref) >= 4 && strings.HasSuffix(id, ref)) {
			matches = append(matches, id)
		}
	}
	switch len(matches) {
	case 0:
		return "", fmt.Errorf("resolving run %q: %w among %s (newest: %s)", ref, ErrNoRun, s.where(), ids[0])
	case 1:
		return matches[0], nil
	}
	shown := strings.Join(matches, ", ")
	if len(matches) > 5 {
		shown = strings.Join(matches[:5], ", ") + ", …"
	}
	return "", fmt.Errorf("resolving run %q: %w: the prefix matches %d runs (%s)", ref, ErrNoRun, len(matches), shown)
}

// Load reads the manifest a run reference names. ref may also be the path of
// a manifest.json or of a run directory; then the workspace it belongs to
// (three levels up from the manifest) is returned in place of the selection's.
func Load(s Selection, ref string) (*artifacts.Manifest, *runtime.Workspace, error) {
	if path, ok := manifestFile(ref); ok {
		m, err := artifacts.ReadManifest(path)
		if err != nil {
			return nil, nil, err
		}
		owner, err := runtime.OpenWorkspace(runtime.WorkspaceOfManifest(path))
		if err != nil {
			return nil, nil, err
		}
		return m, owner, nil
	}
	id, err := Resolve(s, ref)
	if err != nil {
		return nil, nil, err
	}
	m, err := artifacts.ReadManifest(s.Workspace.ManifestPath(id))
	if err != nil {
		return nil, nil, fmt.Errorf("loading run %s: %w", id, err)
	}
	return m, s.Workspace, nil
}

// manifestFile reports whether ref is a path to a manifest file or a run
// directory holding one, and returns the manifest's path.
func manifestFile(ref string) (string, bool) {
	if !strings.ContainsRune(ref, filepath.Separator) && !strings.HasSuffix(ref, ".json") {
		return "", false
	}
	info, err := os.Stat(ref)
	if err != nil {
		return "", false
	}
	if info.IsDir() {
		p := filepath.Join(ref, "manifest.json")
		if _, err := os.Stat(p); err != nil {
			return "", false
		}
		ref = p
	}
	abs, err := filepath.Abs(ref)
	if err != nil {
		return "", false
	}
	return abs, true
}
