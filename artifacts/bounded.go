package artifacts

import (
	"fmt"
	"io"
	"os"
)

// Bounds on the records read back from a workspace: a file larger than its
// bound is refused before it is parsed.
const (
	// MaxManifestBytes bounds a run's manifest (a 10,000-stage run writes
	// a few tens of MiB).
	MaxManifestBytes = 256 << 20
	// MaxActionBytes bounds an action record.
	MaxActionBytes = 64 << 20
)

// ReadFileBounded reads the file at path, refusing one larger than max
// bytes with an error naming it and the bound.
func ReadFileBounded(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return b, nil
}
