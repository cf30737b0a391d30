package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// stageInputs turns an instance's inputs by slot (see pipeline.Input.Slot)
// into what the stage sees by port: a plain port's object path, and for a
// fan-in port a directory, made under dir, holding one symbolic link per
// member (named by the member's sweep point) to its object.
func stageInputs(slots map[string]string, dir string) (map[string]string, error) {
	out := make(map[string]string, len(slots))
	for slot, path := range slots {
		port, member, fan := strings.Cut(slot, "/")
		if !fan {
			out[slot] = path
			continue
		}
		pdir := filepath.Join(dir, "fan-in", port)
		if _, ok := out[port]; !ok {
			if err := os.RemoveAll(pdir); err != nil {
				return nil, fmt.Errorf("preparing fan-in input `%s`: %w", port, err)
			}
			if err := os.MkdirAll(pdir, 0o755); err != nil {
				return nil, fmt.Errorf("preparing fan-in input `%s`: %w", port, err)
			}
			out[port] = pdir
		}
		if err := os.Symlink(path, filepath.Join(pdir, member)); err != nil {
			return nil, fmt.Errorf("preparing fan-in input `%s`: %w", slot, err)
		}
	}
	return out, nil
}
