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
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
)

// Latest is the run reference that names the newest run of a workspace.
const Latest = "latest"

// ErrNoRun reports a run reference that names no recorded run, or more than one.
var ErrNoRun = errors.New("no such run")

// Resolve maps a run reference to a run id of the workspace: `latest`, a
// whole id, or a prefix of exactly one id.
func Resolve(ws *runtime.Workspace, ref string) (string, error) {
	ids, err := ws.RunIDs()
	if err != nil {
		return "", fmt.Errorf("resolving run %q in %s: %w", ref, ws.Root, err)
	}
	if len(ids) == 0 {
		return "", fmt.Errorf("resolving run %q: %w: workspace %s has no recorded runs", ref, ErrNoRun, ws.Root)
	}
	if ref == Latest {
		return ids[0], nil
	}
	if ref == "" {
		return "", fmt.Errorf("resolving run: %w: empty run id", ErrNoRun)
	}
	var matches []string
	for _, id := range ids {
		if id == ref {
			return id, nil
		}
		if strings.HasPrefix(id, ref) {
			matches = append(matches, id)
		}
	}
	switch len(matches) {
	case 0:
		return "", fmt.Errorf("resolving run %q: %w in %s (newest: %s)", ref, ErrNoRun, ws.Root, ids[0])
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
// (three levels up from the manifest) is returned in place of ws.
func Load(ws *runtime.Workspace, ref string) (*artifacts.Manifest, *runtime.Workspace, error) {
	if path, ok := manifestFile(ref); ok {
		m, err := artifacts.ReadManifest(path)
		if err != nil {
			return nil, nil, err
		}
		owner, err := runtime.OpenWorkspace(filepath.Dir(filepath.Dir(filepath.Dir(path))))
		if err != nil {
			return nil, nil, err
		}
		return m, owner, nil
	}
	if ws == nil {
		return nil, nil, fmt.Errorf("resolving run %q: %w: no workspace given", ref, ErrNoRun)
	}
	id, err := Resolve(ws, ref)
	if err != nil {
		return nil, nil, err
	}
	m, err := artifacts.ReadManifest(ws.ManifestPath(id))
	if err != nil {
		return nil, nil, fmt.Errorf("loading run %s: %w", id, err)
	}
	return m, ws, nil
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
