package runtime

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
)

// An output view is the directory out/<definition>/ of a workspace: one
// read-only link out/<definition>/<stage>/<port> per output of the last
// successful run of that definition. Each definition sharing a workspace
// has its own view, and a view is swapped in whole at the end of a run, so
// it always shows exactly one run's outputs.

// viewDigestFile, in a view, holds the digest of the links it holds.
const viewDigestFile = ".view-digest"

// ViewName is the directory under out/ that holds a definition's view: the
// definition file's name without its extension, and when the definition
// does not sit beside the workspace, a short digest of its path too.
func (w *Workspace) ViewName(defPath string) string {
	abs, err := filepath.Abs(defPath)
	if err != nil {
		abs = defPath
	}
	base := filepath.Base(abs)
	name := strings.TrimSuffix(base, filepath.Ext(base))
	if filepath.Dir(abs) != filepath.Dir(w.Root) {
		name += "-" + strings.TrimPrefix(artifacts.HashBytes([]byte(abs)), artifacts.Algorithm+":")[:8]
	}
	return name
}

// ViewDir is the directory of a definition's output view.
func (w *Workspace) ViewDir(defPath string) string {
	return filepath.Join(w.ViewsRoot(), w.ViewName(defPath))
}

// OutPath returns where a definition's view shows a stage's port.
func (w *Workspace) OutPath(defPath, stage, port string) string {
	return filepath.Join(w.ViewDir(defPath), stage, port)
}

// publishView writes the view of a run's outputs beside the current one and
// swaps the two directories in one step (renameat2 RENAME_EXCHANGE), then
// removes the old one: a reader sees the previous run's view or this one's,
// never a mixture.
func publishView(ws *Workspace, g *pipeline.Graph, results map[*pipeline.Node]*StageResult) error {
	var entries []viewEntry
	for _, n := range g.Nodes {
		if res := results[n]; res != nil && len(res.Outputs) > 0 {
			entries = append(entries, viewEntry{name: n.Name, outputs: res.Outputs})
		}
	}
	return publishEntries(ws, g.Def.File(), entries)
}

// viewEntry is one stage instance's outputs in a view.
type viewEntry struct {
	name    string
	outputs map[string]artifacts.Output
}

// publishEntries switches the view of the definition at defPath to the
// entries (see publishView).
func publishEntries(ws *Workspace, defPath string, entries []viewEntry) error {
	dst := ws.ViewDir(defPath)
	// The view's contents in one line per link; a view that already holds
	// exactly these (a fully cached run) is left as it is.
	var lines []string
	for _, e := range entries {
		for port, o := range e.outputs {
			lines = append(lines, e.name+"/"+port+" "+o.Digest)
		}
	}
	sort.Strings(lines)
	digest := artifacts.HashBytes([]byte(strings.Join(lines, "\n")))
	if cur, err := os.ReadFile(filepath.Join(dst, viewDigestFile)); err == nil && string(cur) == digest {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(dst), err)
	}
	removeStaleViews(dst)
	tmp, err := os.MkdirTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".new-")
	if err != nil {
		return fmt.Errorf("creating the output view: %w", err)
	}
	defer artifacts.RemoveAll(tmp)
	for _, e := range entries {
		dir := filepath.Join(tmp, e.name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			return fmt.Errorf("creating the output view: %w", err)
		}
		for port, o := range e.outputs {
			obj := ws.Store.ObjectPath(o.Digest)
			target, err := filepath.Rel(filepath.Join(dst, e.name), obj)
			if err != nil {
				return err
			}
			if err := os.Symlink(target, filepath.Join(dir, port)); err != nil {
				return fmt.Errorf("creating the output view: %w", err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, viewDigestFile), []byte(digest), 0o444); err != nil {
		return fmt.Errorf("creating the output view: %w", err)
	}
	err = unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, dst, unix.RENAME_EXCHANGE)
	if errors.Is(err, fs.ErrNotExist) {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		return fmt.Errorf("switching the output view %s: %w", dst, err)
	}
	return nil
}

// staleViewAge is how old a view left half-built (by a killed run) must be
// before another run removes it; a younger one may be a concurrent run's.
const staleViewAge = time.Hour

// removeStaleViews removes the half-built views of dst that killed runs left.
func removeStaleViews(dst string) {
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".new-*"))
	for _, d := range left {
		if info, err := os.Lstat(d); err == nil && time.Since(info.ModTime()) > staleViewAge {
			_ = artifacts.RemoveAll(d)
		}
	}
}
