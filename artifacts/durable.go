package artifacts

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The store's durability order: an object's files are synced before it is
// moved into place and its directory after, an action record is synced
// before the rename that makes it visible and its directory after, and a
// manifest likewise; so after a power loss a visible record never names an
// object whose bytes were lost, and a visible manifest never names a record
// that was.

// syncDir flushes a directory's entries (a rename or create in it) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}

// syncTree flushes every file and directory of the file or tree at root.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() && !d.IsDir() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("syncing %s: %w", p, err)
		}
		defer f.Close()
		if err := f.Sync(); err != nil {
			return fmt.Errorf("syncing %s: %w", p, err)
		}
		return nil
	})
}
