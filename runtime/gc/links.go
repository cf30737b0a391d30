package gc

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mlpipe/pipeline/runtime"
)

// outLink is one `out/<definition>/<stage>/<port>` link and the object it points to.
type outLink struct {
	// stage is the stage instance name (the link's directory in its view).
	stage string
	// object is the id of the object the link points into.
	object string
}

// listOutLinks returns the links under out/ that point into objects/, so that
// the current outputs of every stage are kept. Links pointing elsewhere are
// ignored.
func listOutLinks(ws *runtime.Workspace) ([]outLink, error) {
	base := ws.ViewsRoot()
	objects := ws.Store.ObjectsDir()
	var links []outLink
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		target, err := os.Readlink(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		rel, err := filepath.Rel(objects, filepath.Clean(target))
		if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
			return nil
		}
		parts := strings.SplitN(filepath.ToSlash(rel), "/", 3)
		if len(parts) < 2 {
			return nil
		}
		// out/<definition>/<stage>/<port>: the stage is the path below the view.
		stage, _ := filepath.Rel(base, filepath.Dir(p))
		stage = filepath.ToSlash(stage)
		if _, inView, ok := strings.Cut(stage, "/"); ok {
			stage = inView
		}
		links = append(links, outLink{stage: stage, object: parts[0] + "/" + parts[1]})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing current outputs under %s: %w", base, err)
	}
	return links, nil
}
