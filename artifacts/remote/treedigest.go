package remote

import (
	"fmt"

	"github.com/mlpipe/pipeline/artifacts"
)

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
