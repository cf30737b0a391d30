// Command pipeline runs content-addressed ML pipelines described in one YAML
// file: only what changed re-runs, and every run leaves a provenance manifest
// that can be audited and re-executed.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/mlpipe/pipeline/pipeline"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // a stage failed, an audit found a mismatch, a scan gate tripped
	exitUsage   = 2 // a usage or definition error
	// exitInterrupted is a run stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
	exitInterrupted = 130
)

// exitError carries an exit status out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// failure returns an error that exits with status 1.
func failure(format string, args ...any) error {
	return &exitError{code: exitFailure, err: fmt.Errorf(format, args...)}
}

// usageError returns an error that exits with status 2.
func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

func main() {
	relaxGC()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// gcPercent is the collector's setting before relaxGC.
var gcPercent = -2

// relaxGC lets the heap grow more between collections: most commands are
// short (a fully cached run spends a quarter of its CPU collecting
// otherwise). A GOGC set by the user is left alone. restoreGC undoes it
// before real work starts, so long stages keep the usual memory bounds.
func relaxGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		gcPercent = debug.SetGCPercent(400)
	}
}

// restoreGC restores the collector's setting from before relaxGC.
func restoreGC() {
	if gcPercent != -2 {
		debug.SetGCPercent(gcPercent)
	}
}

// run executes the CLI with args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	if msg := err.Error(); msg != "" {
		fmt.Fprintln(stderr, "error: "+msg)
	}
	return code
}

// exitCode maps an error to the exit status it stands for.
func exitCode(err error) int {
	var ee *exitError
	var de *pipeline.Error
	var des pipeline.Errors
	var ce codedError
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &des), errors.As(err, &de):
		return exitUsage
	case errors.As(err, &ce):
		return ce.ExitCode()
	}
	return exitUsage
}

// codedError is an error that knows its exit status (library errors such as
// a scan that found secrets implement it).
type codedError interface {
	error
	ExitCode() int
}
