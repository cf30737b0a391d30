package sysmetrics

import (
	"context"
	"fmt"
	"math"

	"github.com/shirou/gopsutil/v4/process"
)

// Tree measures the process pid and its live descendants now.
func Tree(pid int) (Usage, error) {
	u, _, err := measureTree(context.Background(), int32(pid), nil)
	return u, err
}

// measureTree returns the usage of root's tree, leaving out the processes in
// exclude and their descendants. ioErr says why I/O counters could not be
// read (the usage then has none); err is set when root cannot be read.
func measureTree(ctx context.Context, root int32, exclude map[int32]bool) (u Usage, ioErr, err error) {
	rootProc, err := process.NewProcessWithContext(ctx, root)
	if err != nil {
		return Usage{}, nil, fmt.Errorf("reading process %d: %w", root, err)
	}
	members, err := descendants(ctx, rootProc, exclude)
	if err != nil {
		return Usage{}, nil, err
	}
	var io IO
	for i, p := range members {
		times, err := p.TimesWithContext(ctx)
		if err != nil {
			if i == 0 {
				return Usage{}, nil, fmt.Errorf("reading the CPU time of process %d: %w", root, err)
			}
			continue // ended meanwhile
		}
		u.Processes++
		u.CPUSeconds += times.User + times.System + waitedCPU(p.Pid)
		if mem, err := p.MemoryInfoWithContext(ctx); err == nil {
			u.RSSBytes += int64(mem.RSS)
		}
		u.PeakRSSBytes = max(u.PeakRSSBytes, highWater(p.Pid))
		if ioErr == nil {
			c, err := p.IOCountersWithContext(ctx)
			switch {
			case err != nil && i == 0:
				ioErr = err
			case err == nil:
				io.ReadBytes += int64(c.ReadBytes)
				io.WriteBytes += int64(c.WriteBytes)
				io.DiskReadBytes += int64(c.DiskReadBytes)
				io.DiskWriteBytes += int64(c.DiskWriteBytes)
			}
		}
	}
	u.PeakRSSBytes = max(u.PeakRSSBytes, u.RSSBytes)
	// The kernel counts CPU time in ticks of 1/100 s; a sum of them stays a multiple.
	u.CPUSeconds = math.Round(u.CPUSeconds*userTicks) / userTicks
	if ioErr == nil {
		u.IO = &io
	}
	return u, ioErr, nil
}

// descendants returns root followed by every live descendant, breadth first.
func descendants(ctx context.Context, root *process.Process, exclude map[int32]bool) ([]*process.Process, error) {
	all, err := process.ProcessesWithContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing processes: %w", err)
	}
	children := map[int32][]*process.Process{}
	for _, p := range all {
		ppid, err := p.PpidWithContext(ctx)
		if err != nil || p.Pid == root.Pid {
			continue
		}
		children[ppid] = append(children[ppid], p)
	}
	out := []*process.Process{root}
	for i := 0; i < len(out); i++ {
		for _, c := range children[out[i].Pid] {
			if !exclude[c.Pid] {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// userTicks is the resolution of CPU times, per second.
const userTicks = 100
