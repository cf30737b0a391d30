//go:build !xla || !linux || !cgo

package backend

// ReleaseFreeMemory does nothing in a build without XLA's CPU client: Go's
// own allocator returns memory by itself.
func ReleaseFreeMemory() {}
