// Package pysdk embeds the mlpipe Python package (python/src/mlpipe), so
// that the engine can put the very version that speaks its environment
// contract on a Python stage's path without an install.
package pysdk

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/zeebo/xxh3"
)

//go:embed src/mlpipe/*.py src/mlpipe/py.typed
var files embed.FS

// Package is the import name of the embedded package.
const Package = "mlpipe"

var digest = sync.OnceValue(func() string {
	h := xxh3.New()
	names, err := fs.Glob(files, "src/"+Package+"/*")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(h, "%s %d\n", n, len(b))
		h.Write(b)
	}
	s := h.Sum128().Bytes()
	return fmt.Sprintf("%x", s[:8])
})

// Digest identifies the embedded package's content.
func Digest() string { return digest() }

// Install writes the package under root/<digest>/mlpipe (once: an existing
// copy is kept) and returns root/<digest>, the directory to put on
// PYTHONPATH. The copy is made beside its place and renamed into it, so a
// concurrent or interrupted install never leaves half a package.
func Install(root string) (string, error) {
	dir := filepath.Join(root, Digest())
	if _, err := os.Stat(filepath.Join(dir, Package, "__init__.py")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("installing the %s package: %w", Package, err)
	}
	tmp, err := os.MkdirTemp(root, ".install-")
	if err != nil {
		return "", fmt.Errorf("installing the %s package: %w", Package, err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Mkdir(filepath.Join(tmp, Package), 0o755); err != nil {
		return "", fmt.Errorf("installing the %s package: %w", Package, err)
	}
	names, _ := fs.Glob(files, "src/"+Package+"/*")
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(tmp, Package, filepath.Base(n)), b, 0o644); err != nil {
			return "", fmt.Errorf("installing the %s package: %w", Package, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, Package, "__init__.py")); statErr == nil {
			return dir, nil // another stage installed it first
		}
		return "", fmt.Errorf("installing the %s package: %w", Package, err)
	}
	return dir, nil
}
