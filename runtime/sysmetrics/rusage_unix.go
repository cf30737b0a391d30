//go:build unix

package sysmetrics

import (
	"os"
	"runtime"
	"syscall"
)

// FromProcessState returns what a finished child and the descendants it
// waited for used, from the kernel's accounting: exact CPU seconds, and as
// PeakRSSBytes the largest resident memory any one of them reached.
func FromProcessState(ps *os.ProcessState) Usage {
	u := Usage{CPUSeconds: (ps.UserTime() + ps.SystemTime()).Seconds()}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		rss := int64(ru.Maxrss)
		if runtime.GOOS != "darwin" {
			rss *= 1024 // kilobytes everywhere but macOS, where it is bytes
		}
		u.PeakRSSBytes = rss
	}
	return u
}
