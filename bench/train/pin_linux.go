package main

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// pinToOneCPU confines every thread of this process, and so every thread it
// starts later, to the first CPU it may run on. XLA's CPU client sizes its
// thread pool by the CPUs it may use, so a pinned child computes on one
// thread however XLA_FLAGS are set.
func pinToOneCPU() error {
	var allowed unix.CPUSet
	if err := unix.SchedGetaffinity(0, &allowed); err != nil {
		return fmt.Errorf("reading the CPU affinity: %w", err)
	}
	var one unix.CPUSet
	for c := range 1024 {
		if allowed.IsSet(c) {
			one.Set(c)
			break
		}
	}
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return fmt.Errorf("listing this process's threads: %w", err)
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		if err := unix.SchedSetaffinity(tid, &one); err != nil {
			return fmt.Errorf("pinning thread %d: %w", tid, err)
		}
	}
	return nil
}
