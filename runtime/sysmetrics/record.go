package sysmetrics

import "time"

// Record types, the "type" field of each line of the NDJSON file.
const (
	// TypeSample is a periodic measurement.
	TypeSample = "sample"
	// TypeUnavailable says once that a probe cannot measure here, and why.
	TypeUnavailable = "unavailable"
)

// Record is one line of the NDJSON file.
type Record struct {
	// Type is TypeSample or TypeUnavailable.
	Type string `json:"type"`
	// Time is when the record was taken.
	Time time.Time `json:"time"`
	// ElapsedS is seconds since the sampler started.
	ElapsedS float64 `json:"elapsed_s"`
	// Probe and Reason are set on TypeUnavailable records.
	Probe  string `json:"probe,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Process is the process tree's usage; nil when that probe is unavailable.
	Process *Usage `json:"process,omitempty"`
	// CPUPercent is the tree's CPU use since the previous sample (100 is one core busy).
	CPUPercent *float64 `json:"cpu_percent,omitempty"`
	// GPUs are the GPUs' latest readings; absent when the GPU probe is unavailable.
	GPUs []GPU `json:"gpus,omitempty"`
}

// Usage is the resource use of a process tree: a process and every
// descendant still running, plus what the descendants that ended and were
// waited for used.
type Usage struct {
	// Processes is the number of live processes in the tree.
	Processes int `json:"processes"`
	// CPUSeconds is user and system time, including that of waited-for descendants.
	CPUSeconds float64 `json:"cpu_seconds"`
	// RSSBytes is the resident memory of the live processes, summed.
	RSSBytes int64 `json:"rss_bytes"`
	// PeakRSSBytes is the larger of RSSBytes and the highest resident memory
	// any single live process ever had (its high-water mark).
	PeakRSSBytes int64 `json:"peak_rss_bytes"`
	// I/O of the live processes; nil when the kernel does not let this
	// process see it.
	IO *IO `json:"io,omitempty"`
}

// IO counts bytes read and written.
type IO struct {
	// ReadBytes and WriteBytes count every read and write call (files,
	// pipes, the page cache).
	ReadBytes  int64 `json:"read_bytes"`
	WriteBytes int64 `json:"write_bytes"`
	// DiskReadBytes and DiskWriteBytes count what reached storage.
	DiskReadBytes  int64 `json:"disk_read_bytes"`
	DiskWriteBytes int64 `json:"disk_write_bytes"`
}

// GPU is one GPU's reading.
type GPU struct {
	// Index is the GPU's index as the driver numbers it.
	Index int `json:"index"`
	// Name is the product name.
	Name string `json:"name"`
	// UtilizationPercent is the share of time a kernel ran over the driver's last period.
	UtilizationPercent *float64 `json:"utilization_percent,omitempty"`
	// MemoryUsedBytes and MemoryTotalBytes describe the GPU's memory.
	MemoryUsedBytes  *int64 `json:"memory_used_bytes,omitempty"`
	MemoryTotalBytes *int64 `json:"memory_total_bytes,omitempty"`
}
