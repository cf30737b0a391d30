package scan

import (
	"errors"
	"fmt"
)

// ErrUsage marks errors in how the scanner was invoked: a bad flag value, a
// missing path, an invalid config file. The command maps it to exit status 2.
var ErrUsage = errors.New("usage error")

// usagef returns an error wrapping ErrUsage.
func usagef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUsage, fmt.Sprintf(format, args...))
}

// FindingsError is returned when a scan found secrets; the command maps it to
// exit status 1.
type FindingsError struct {
	// N is the number of findings.
	N int
	// Kept names the output ports written before failing (the findings
	// table), for the runtime to keep with the failed stage.
	Kept []string
}

// KeptOutputs implements stages.OutputsKept.
func (e *FindingsError) KeptOutputs() []string { return e.Kept }

// Error implements error.
func (e *FindingsError) Error() string {
	if e.N == 1 {
		return "scan found 1 secret"
	}
	return fmt.Sprintf("scan found %d secrets", e.N)
}

// ExitCode is the command's exit status for a scan that found secrets.
func (e *FindingsError) ExitCode() int { return 1 }

// IncompleteError is returned when a limit (depth, size, ratio, entries)
// stopped reading part of the input, so the scan cannot vouch for it; the
// command maps it to exit status 1, like findings, unless incomplete scans
// are allowed.
type IncompleteError struct {
	// N is the number of places a limit stopped reading.
	N int
}

// Error implements error.
func (e *IncompleteError) Error() string {
	return fmt.Sprintf("scan incomplete: limits stopped reading %d part(s) of the input (see the warnings); allow it with --allow-incomplete (allow_incomplete: true in a stage)", e.N)
}

// ExitCode is the command's exit status for an incomplete scan.
func (e *IncompleteError) ExitCode() int { return 1 }
