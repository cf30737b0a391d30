// Package sysmetrics samples what a run costs the machine: CPU time, resident
// memory and disk I/O of this process and every process it started, and the
// utilisation and memory of NVIDIA GPUs when the driver's nvidia-smi is
// present. A Sampler writes one JSON line per sample to a file (a run's
// system.ndjson) and sums the run up when stopped; Tree measures one process
// tree, for per-stage figures. A probe that cannot work here (no GPU, no
// /proc/<pid>/io) is reported once and the others go on.
package sysmetrics
