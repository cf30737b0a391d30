package gc

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/mlpipe/pipeline/runtime"
)

// ErrBusy is returned (wrapped) when a pipeline holds the workspace, so
// nothing may be deleted from it now.
var ErrBusy = errors.New("a pipeline is running in the workspace")

// lockExclusive takes the workspace lock exclusively without waiting.
func lockExclusive(root string) (*runtime.WorkspaceLock, error) {
	l, ok, err := runtime.TryLockWorkspace(root, true)
	if err != nil {
		return nil, fmt.Errorf("locking workspace %s: %w", root, err)
	}
	if !ok {
		return nil, fmt.Errorf("%w (%s holds %s): garbage collection deletes nothing while a run may read the store; try again when it finishes",
			ErrBusy, root, runtime.WorkspaceLockFile(root))
	}
	return l, nil
}

// busy reports, without creating anything, whether a pipeline holds the
// workspace now.
func busy(root string) bool {
	if _, err := os.Stat(runtime.WorkspaceLockFile(root)); errors.Is(err, fs.ErrNotExist) {
		return false
	}
	l, ok, err := runtime.TryLockWorkspace(root, true)
	if err != nil || !ok {
		return err == nil
	}
	l.Unlock()
	return false
}
