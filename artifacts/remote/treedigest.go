package remote

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
)

// treeOf computes a directory's Tree from its members exactly as
// artifacts.HashPath does (sorted members; "type path\x00digest\n" lines), so
// a tree streamed from the remote can be checked without hashing it twice.
func treeOf(entries []artifacts.Entry) artifacts.Tree {
	sort.Slice(entries, func(i, j int) bool { return entries[i].Path < entries[j].Path })
	t := artifacts.Tree{Dir: true}
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "%s %s\x00%s\n", e.Type, e.Path, e.Digest)
		if e.Type == "f" || e.Type == "x" {
			t.Size += e.Size
			t.Files++
		}
	}
	t.Digest = artifacts.HashBytes([]byte(b.String()))
	return t
}

// checkTree refuses got when it is not the tree want describes.
func checkTree(want, got artifacts.Tree) error {
	if got.Digest != want.Digest {
		return fmt.Errorf("content hashes to %s, want %s", got.Digest, want.Digest)
	}
	if got.Dir != want.Dir || got.Size != want.Size || (want.Dir && got.Files != want.Files) {
		return fmt.Errorf("shape differs from the record (dir %v size %d files %d, want dir %v size %d files %d)",
			got.Dir, got.Size, got.Files, want.Dir, want.Size, want.Files)
	}
	return nil
}
