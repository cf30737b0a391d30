package distributed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime"
)

// SharedStore is a remote store that can also carry a project to other
// machines: the source files a definition reads and the specs of the stages
// they execute. Distributed executors need it; a plain remote cache does not.
type SharedStore interface {
	runtime.RemoteStore
	// PushPath uploads the file or directory at path as the object t.
	PushPath(ctx context.Context, path string, t artifacts.Tree) error
	// PutSpec stores the execution spec of a stage key (create-only).
	PutSpec(ctx context.Context, key string, spec []byte) error
	// GetSpec returns the spec of a stage key, or nil when there is none.
	GetSpec(ctx context.Context, key string) ([]byte, error)
}

// Bundle is everything another machine needs to rebuild a run's graph: the
// definition, the --set overrides, and every file its stages declare (deps
// and the sources their kinds plan to read), each by digest. The files travel
// through the remote store as ordinary objects, so a bundle is a few hundred
// bytes and every machine that rebuilds it computes the same stage keys.
type Bundle struct {
	// Definition is the definition file's path in the project (slash-separated).
	Definition string `json:"definition"`
	// Sets are the --set overrides as written.
	Sets []string `json:"sets,omitempty"`
	// Files are the project's files, sorted by path; the definition is one of them.
	Files []BundleFile `json:"files"`
}

// BundleFile is one file or directory of a bundle.
type BundleFile struct {
	// Path is relative to the definition's directory, slash-separated.
	Path string `json:"path"`
	artifacts.Tree
}

// MakeBundle lists what g needs. Every file must lie inside the definition's
// directory: a path outside it would be rebuilt elsewhere under another name,
// giving the stage another key there.
func MakeBundle(g *pipeline.Graph, ws *runtime.Workspace, sets []string) (*Bundle, error) {
	if names := g.InlineSecrets(); len(names) > 0 {
		return nil, fmt.Errorf("the value of %s looks secret and would travel to other machines in the run's bundle; "+
			"pass it as ${secret:NAME} and set NAME on every machine (workers read it from their own environment)", strings.Join(names, ", "))
	}
	dir := g.Def.Dir
	b := &Bundle{Sets: sets}
	seen := map[string]bool{}
	add := func(what, p string) error {
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(dir, p)
		}
		rel, err := filepath.Rel(dir, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
			return fmt.Errorf("%s %s lies outside the definition's directory %s; a distributed run carries only files inside it", what, p, dir)
		}
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return fmt.Errorf("%s %s is the definition's whole directory; name the files or folders it needs", what, p)
		}
		if seen[rel] {
			return nil
		}
		seen[rel] = true
		t, err := ws.Stats.HashPath(abs)
		if err != nil {
			return fmt.Errorf("hashing %s %s: %w", what, p, err)
		}
		b.Files = append(b.Files, BundleFile{Path: rel, Tree: t})
		return nil
	}
	defPath, err := filepath.Abs(g.Def.Path) // as given: relative to the working directory
	if err != nil {
		return nil, fmt.Errorf("resolving the definition's path: %w", err)
	}
	if err := add("the definition", defPath); err != nil {
		return nil, err
	}
	b.Definition = b.Files[0].Path
	for _, n := range g.Nodes {
		for i, d := range n.DepPaths {
			if err := add(fmt.Sprintf("dep of stage %s", n.Name), d); err != nil {
				return nil, fmt.Errorf("%w (written `%s`)", err, n.Deps[i])
			}
		}
		if n.Plan != nil {
			for _, s := range n.Plan.Sources {
				if err := add(fmt.Sprintf("source of stage %s", n.Name), s); err != nil {
					return nil, err
				}
			}
		}
	}
	sort.Slice(b.Files, func(i, j int) bool { return b.Files[i].Path < b.Files[j].Path })
	return b, nil
}

// PushBundle uploads the bundle's files and then the bundle itself, and
// returns the bundle's object, which names it to other machines.
func PushBundle(ctx context.Context, g *pipeline.Graph, ws *runtime.Workspace, remote SharedStore, b *Bundle) (artifacts.Tree, error) {
	if err := ws.Init(); err != nil {
		return artifacts.Tree{}, err
	}
	for _, f := range b.Files {
		if err := remote.PushPath(ctx, filepath.Join(g.Def.Dir, filepath.FromSlash(f.Path)), f.Tree); err != nil {
			return artifacts.Tree{}, fmt.Errorf("uploading %s: %w", f.Path, err)
		}
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return artifacts.Tree{}, fmt.Errorf("encoding the bundle: %w", err)
	}
	tmp, err := ws.Store.TempDir("bundle")
	if err != nil {
		return artifacts.Tree{}, err
	}
	defer artifacts.RemoveAll(tmp)
	path := filepath.Join(tmp, "bundle.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return artifacts.Tree{}, fmt.Errorf("writing the bundle: %w", err)
	}
	t, err := ws.Store.Publish(path, nil)
	if err != nil {
		return artifacts.Tree{}, fmt.Errorf("storing the bundle: %w", err)
	}
	if err := remote.Push(ctx, artifacts.Output{Tree: t}, ws.Store); err != nil {
		return artifacts.Tree{}, fmt.Errorf("uploading the bundle: %w", err)
	}
	return t, nil
}

// Materialized is a bundle rebuilt on this machine.
type Materialized struct {
	// Definition is the absolute path of the rebuilt definition file.
	Definition string
	// Bundle is what was rebuilt.
	Bundle *Bundle
}

// Compile loads and compiles the rebuilt definition with the bundle's
// overrides.
func (m *Materialized) Compile() (*pipeline.Graph, error) {
	def, err := pipeline.Load(m.Definition)
	if err != nil {
		return nil, err
	}
	var sets []pipeline.Override
	for _, s := range m.Bundle.Sets {
		o, err := pipeline.ParseOverride(s)
		if err != nil {
			return nil, err
		}
		sets = append(sets, o)
	}
	return pipeline.Compile(def, sets)
}

// MaterializeBundle rebuilds the project a bundle describes under the
// workspace's bundles/ folder, fetching what the local store lacks from the
// remote, and links each file from the store (read-only). A project is
// rebuilt once per machine: it is assembled aside and renamed into place.
func MaterializeBundle(ctx context.Context, ws *runtime.Workspace, remote runtime.RemoteStore, bundle artifacts.Tree) (*Materialized, error) {
	if err := ws.Init(); err != nil {
		return nil, err
	}
	hex := strings.ReplaceAll(bundle.Digest, ":", "-")
	dir := filepath.Join(ws.BundlesDir(), hex)
	b, err := readBundle(filepath.Join(dir, "bundle.json"))
	if err == nil {
		return &Materialized{Definition: filepath.Join(dir, "project", filepath.FromSlash(b.Definition)), Bundle: b}, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := runtime.FetchMissing(ctx, ws, remote, bundle); err != nil {
		return nil, fmt.Errorf("fetching bundle %s: %w", artifacts.ShortDigest(bundle.Digest), err)
	}
	b, err = readBundle(ws.Store.ObjectPath(bundle.Digest))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("creating bundles folder: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-")
	if err != nil {
		return nil, fmt.Errorf("creating bundles folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	project := filepath.Join(tmp, "project")
	for _, f := range b.Files {
		if !filepath.IsLocal(filepath.FromSlash(f.Path)) {
			return nil, fmt.Errorf("bundle %s names %q, which is not a path inside the project", artifacts.ShortDigest(bundle.Digest), f.Path)
		}
		if err := runtime.FetchMissing(ctx, ws, remote, f.Tree); err != nil {
			return nil, fmt.Errorf("fetching %s: %w", f.Path, err)
		}
		dst := filepath.Join(project, filepath.FromSlash(f.Path))
		if _, err := os.Lstat(dst); err == nil {
			continue // inside a folder placed before it
		}
		if err := linkTree(ws.Store.ObjectPath(f.Digest), dst); err != nil {
			return nil, fmt.Errorf("placing %s: %w", f.Path, err)
		}
	}
	if err := linkTree(ws.Store.ObjectPath(bundle.Digest), filepath.Join(tmp, "bundle.json")); err != nil {
		return nil, fmt.Errorf("placing bundle %s: %w", artifacts.ShortDigest(bundle.Digest), err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another process rebuilt it first; theirs is identical.
		if _, serr := os.Stat(filepath.Join(dir, "bundle.json")); serr != nil {
			return nil, fmt.Errorf("placing bundle %s: %w", artifacts.ShortDigest(bundle.Digest), err)
		}
	}
	return &Materialized{Definition: filepath.Join(dir, "project", filepath.FromSlash(b.Definition)), Bundle: b}, nil
}

func readBundle(path string) (*Bundle, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var b Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("parsing bundle %s: %w", path, err)
	}
	if b.Definition == "" || len(b.Files) == 0 {
		return nil, fmt.Errorf("bundle %s names no definition", path)
	}
	for _, f := range b.Files {
		if err := artifacts.CheckDigest(f.Digest); err != nil {
			return nil, fmt.Errorf("bundle %s: file %s: %w", path, f.Path, err)
		}
	}
	return &b, nil
}

// linkTree places the file or directory src at dst by hard links, copying
// where links are impossible (another file system).
func linkTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			return os.Symlink(link, target)
		default:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := os.Link(p, target); err == nil {
				return nil
			}
			return artifacts.CopyFile(p, target)
		}
	})
}
