package sysmetrics

import (
	"bytes"
	"os"
	"strconv"
)

// userHZ is the unit of the times in /proc/<pid>/stat: the kernel reports
// them in USER_HZ, 100 per second on every architecture Go supports on Linux.
const userHZ = 100

// waitedCPU returns the user and system seconds of the descendants a process
// waited for (cutime and cstime in /proc/<pid>/stat), or 0 when unreadable.
func waitedCPU(pid int32) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(int(pid)) + "/stat")
	if err != nil {
		return 0
	}
	// The command name may hold spaces and parentheses: fields start after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	fields := bytes.Fields(b[i+1:])
	// fields[0] is the state (field 3); cutime and cstime are fields 16 and 17.
	if len(fields) < 15 {
		return 0
	}
	cu, err1 := strconv.ParseInt(string(fields[13]), 10, 64)
	cs, err2 := strconv.ParseInt(string(fields[14]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return float64(cu+cs) / userHZ
}

// highWater returns a process's peak resident memory (VmHWM), or 0 when unreadable.
func highWater(pid int32) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(int(pid)) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte{'\n'}) {
		rest, ok := bytes.CutPrefix(line, []byte("VmHWM:"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) == 0 {
			return 0
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0
		}
		return kb * 1024
	}
	return 0
}
