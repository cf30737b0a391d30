//go:build !linux

package main

// pinToOneCPU does nothing where thread affinity is not set by this
// benchmark; GOMAXPROCS=1 and XLA's flags are then all that limit threads.
func pinToOneCPU() error { return nil }
