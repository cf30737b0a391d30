package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// keyLock is an exclusive advisory lock on one stage key, held by a process
// while it runs that stage. Locks are per key, not per workspace, so two runs
// of one pipeline share work instead of failing. The kernel drops the lock if
// the process dies.
type keyLock struct {
	f *os.File
}

func lockPath(root, key string) string {
	return filepath.Join(root, locksDir, strings.ReplaceAll(key, ":", "-")+".lock")
}

// lockKey blocks until the lock on key is held.
func lockKey(root, key string) (*keyLock, error) {
	return lockKeyMode(root, key, syscall.LOCK_EX)
}

// tryLockKey takes the lock if it is free; ok is false if another holds it.
func tryLockKey(root, key string) (l *keyLock, ok bool, err error) {
	l, err = lockKeyMode(root, key, syscall.LOCK_EX|syscall.LOCK_NB)
	if err == syscall.EWOULDBLOCK {
		return nil, false, nil
	}
	return l, err == nil, err
}

func lockKeyMode(root, key string, how int) (*keyLock, error) {
	f, err := flockFile(lockPath(root, key), how)
	if err != nil {
		return nil, err
	}
	return &keyLock{f: f}, nil
}

// flockFile opens (creating) path and takes a flock on it; EWOULDBLOCK is
// returned as is for non-blocking attempts.
func flockFile(path string, how int) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening lock %s: %w", path, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		if err == syscall.EWOULDBLOCK {
			return nil, err
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return f, nil
}

// unlock releases the lock.
func (l *keyLock) unlock() {
	if l != nil && l.f != nil {
		_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
		l.f.Close()
	}
}

// WorkspaceLock is held shared by every run of a workspace and exclusively by
// commands that delete from the store (gc), so they never remove what a
// running pipeline may read.
type WorkspaceLock struct{ f *os.File }

// LockWorkspace takes the workspace lock, shared or exclusive, waiting for it.
func LockWorkspace(root string, exclusive bool) (*WorkspaceLock, error) {
	return lockWorkspace(root, exclusive, 0)
}

// TryLockWorkspace takes the workspace lock without waiting; ok is false when
// another process holds it in a conflicting mode.
func TryLockWorkspace(root string, exclusive bool) (l *WorkspaceLock, ok bool, err error) {
	l, err = lockWorkspace(root, exclusive, syscall.LOCK_NB)
	if err == syscall.EWOULDBLOCK {
		return nil, false, nil
	}
	return l, err == nil, err
}

func lockWorkspace(root string, exclusive bool, flags int) (*WorkspaceLock, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("creating workspace %s: %w", root, err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	f, err := flockFile(WorkspaceLockFile(root), how|flags)
	if err != nil {
		return nil, err
	}
	return &WorkspaceLock{f: f}, nil
}

// Unlock releases the lock.
func (l *WorkspaceLock) Unlock() {
	if l != nil && l.f != nil {
		_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
		l.f.Close()
	}
}
