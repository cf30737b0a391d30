package scan

import (
	"context"
	"io"
)

// Command is `pipeline scan PATH... [--format text|jsonl|sarif] [--config FILE]`.
type Command struct {
	// Paths are the files and directories to scan.
	Paths []string
	// Format is the output format (see Formats); empty means "text".
	Format string
	// ConfigPath is a YAML config file (allowlists, limits); empty for none.
	ConfigPath string
	// Stdout receives the findings; Stderr receives warnings.
	Stdout, Stderr io.Writer
	// AllowIncomplete accepts a scan that limits stopped from reading all
	// of its input (exit status 0 when nothing was found in what was read).
	AllowIncomplete bool
}

// Run scans and writes the report. It returns an error wrapping ErrUsage for
// bad arguments (exit status 2), a *FindingsError when secrets were found
// (exit status 1), and nil when none were (exit status 0).
func (c *Command) Run(ctx context.Context) error {
	format := c.Format
	if format == "" {
		format = "text"
	}
	if !ValidFormat(format) {
		return usagef("unknown --format %q (want one of text, jsonl, sarif)", format)
	}
	if len(c.Paths) == 0 {
		return usagef("no path to scan")
	}
	var cfg *Config
	if c.ConfigPath != "" {
		var err error
		if cfg, err = LoadConfig(c.ConfigPath); err != nil {
			return err
		}
	}
	s, err := NewFromConfig(cfg)
	if err != nil {
		return err
	}
	rep, err := s.ScanPaths(ctx, c.Paths)
	if err != nil {
		return err
	}
	if c.Stderr != nil {
		if err := WriteWarnings(c.Stderr, rep); err != nil {
			return err
		}
	}
	if err := Write(c.Stdout, format, rep); err != nil {
		return err
	}
	if n := len(rep.Findings); n > 0 {
		return &FindingsError{N: n}
	}
	if n := rep.Stopped(); n > 0 && !c.AllowIncomplete {
		return &IncompleteError{N: n}
	}
	return nil
}
