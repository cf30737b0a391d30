package scan

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/mlpipe/pipeline/stages/scan/archive"
	"github.com/mlpipe/pipeline/stages/scan/rules"
)

// Options configure a Scanner.
type Options struct {
	// Limits bound what is read from archives (archive.DefaultLimits when zero).
	Limits archive.Limits
	// Allow drops findings; nil drops none.
	Allow *Allowlist
	// Workers is how many files are scanned at once (GOMAXPROCS when 0).
	Workers int
	// Detector runs the rules (rules.Default when nil).
	Detector *rules.Detector
}

// Scanner finds secrets in files. It is safe for concurrent use.
type Scanner struct {
	opts Options
	det  *rules.Detector
}

// New returns a scanner.
func New(opts Options) *Scanner {
	if opts.Limits == (archive.Limits{}) {
		opts.Limits = archive.DefaultLimits()
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	det := opts.Detector
	if det == nil {
		det = rules.Default()
	}
	return &Scanner{opts: opts, det: det}
}

// NewFromConfig returns a scanner configured by c (nil for defaults).
func NewFromConfig(c *Config) (*Scanner, error) {
	if c == nil {
		c = &Config{}
	}
	allow, err := NewAllowlist(c.Allowlist)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	return New(Options{Limits: c.Limits.Apply(archive.DefaultLimits()), Allow: allow}), nil
}

// Report is the outcome of a scan.
type Report struct {
	// Findings are sorted by path, line and column.
	Findings []Finding
	// Warnings are problems that stopped reading part of the input (limits,
	// corrupt archives, unsafe member names), in order of path.
	Warnings []archive.Warning
	// Files counts the files and archive members read as text or tables,
	// binary ones included.
	Files int64
	// BinaryFiles counts the files of Files that are not text, scanned for
	// their printable runs.
	BinaryFiles int64
	// Bytes counts the bytes of text and table cells scanned.
	Bytes int64
}

// Stopped counts the warnings where a limit stopped reading: the parts of
// the input that were not scanned.
func (r *Report) Stopped() int {
	n := 0
	for _, w := range r.Warnings {
		if w.Limit != "" {
			n++
		}
	}
	return n
}

// merge adds o to r.
func (r *Report) merge(o *Report) {
	r.Findings = append(r.Findings, o.Findings...)
	r.Warnings = append(r.Warnings, o.Warnings...)
	r.Files += o.Files
	r.BinaryFiles += o.BinaryFiles
	r.Bytes += o.Bytes
}

// finish sorts the report.
func (r *Report) finish() {
	SortFindings(r.Findings)
	sortWarnings(r.Warnings)
}

// job is one file to scan: its display name and where it is.
type job struct{ display, path string }

// ScanPaths scans files and directories (recursively; symbolic links inside
// directories are not followed). A path that does not exist is a usage error.
func (s *Scanner) ScanPaths(ctx context.Context, paths []string) (*Report, error) {
	named := make([]Named, len(paths))
	for i, p := range paths {
		named[i] = Named{Display: filepath.ToSlash(p), Path: p}
	}
	return s.ScanNamed(ctx, named)
}

// Named is a file or directory to scan and the name findings give it.
type Named struct {
	// Display is the name in findings; files in a directory are named
	// Display/relative/path.
	Display string
	// Path is where it is.
	Path string
}

// ScanNamed scans files and directories under the names given. Parquet files
// are scanned cell by cell (see ScanTable).
func (s *Scanner) ScanNamed(ctx context.Context, paths []Named) (*Report, error) {
	var jobs []job
	for _, n := range paths {
		st, err := os.Stat(n.Path) // a link named on the command line is followed

		if err != nil {
			return nil, usagef("cannot scan %s: %v", n.Display, err)
		}
		if !st.IsDir() {
			if st.Mode().IsRegular() {
				jobs = append(jobs, job{n.Display, n.Path})
			}
			continue
		}
		err = filepath.WalkDir(n.Path, func(fp string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("listing %s: %w", fp, err)
			}
			if d.Type().IsRegular() {
				rel, err := filepath.Rel(n.Path, fp)
				if err != nil {
					return err
				}
				jobs = append(jobs, job{path.Join(n.Display, filepath.ToSlash(rel)), fp})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return s.run(ctx, jobs)
}

// run scans jobs on the worker pool.
func (s *Scanner) run(ctx context.Context, jobs []job) (*Report, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan job)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		total    = &Report{}
		firstErr error
	)
	for w := 0; w < min(s.opts.Workers, max(len(jobs), 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := &Report{}
			for j := range ch {
				if err := s.scanFile(ctx, j.display, j.path, local); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
						cancel()
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			total.merge(local)
			mu.Unlock()
		}()
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		ch <- j
	}
	close(ch)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	total.finish()
	return total, nil
}

// scanFile walks one file and its members into rep.
func (s *Scanner) scanFile(ctx context.Context, display, path string, rep *Report) error {
	if isParquetFile(path) {
		return s.scanParquetFile(ctx, display, path, rep)
	}
	w := &archive.Walker{
		Limits: s.opts.Limits,
		Visit: func(ctx context.Context, l archive.Leaf) error {
			return s.scanLeaf(ctx, l, rep)
		},
		Warn: func(wn archive.Warning) { rep.Warnings = append(rep.Warnings, wn) },
	}
	return w.WalkFile(ctx, display, path)
}
