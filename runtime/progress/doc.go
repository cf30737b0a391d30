// Package progress shows the progress of a run's stages: on a terminal, one
// live bar per running stage in the stage's own unit (rows, bytes, steps,
// tokens) with its rate and time left; elsewhere, a log line per stage at
// most every few seconds. Both are sinks the runtime hands each running
// stage a stages.Progress from.
package progress
