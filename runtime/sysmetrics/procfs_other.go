//go:build !linux

package sysmetrics

// waitedCPU is not known outside Linux.
func waitedCPU(int32) float64 { return 0 }

// highWater is not known outside Linux.
func highWater(int32) int64 { return 0 }
