package archive

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
)

// Leaf is a file or member that is not a container; the visitor reads it.
type Leaf struct {
	// Path names it for people: the file's path, then each member's name,
	// joined with Sep ("release.tar.gz!bundle.zip!conf/.env").
	Path string
	// Name is its base name for recognising its format, without a .gz suffix
	// when it came out of a gzip stream ("data.jsonl" for "data.jsonl.gz").
	Name string
	// R reads its content. A read may fail with a *LimitError or because the
	// container is corrupt; the visitor should return that error, which the
	// walker then reports as a warning.
	R *bufio.Reader
}

// Warning is a problem that stopped reading part of a file but not the walk.
type Warning struct {
	// Path is the file or member concerned.
	Path string
	// Limit names the limit that stopped reading ("depth", "entry size",
	// "total size", "ratio", "entries"), or is empty.
	Limit string
	// Message says what happened.
	Message string
}

// Walker walks files and the containers inside them.
type Walker struct {
	// Limits bound the walk; zero fields mean no limit.
	Limits Limits
	// Visit receives every leaf. An error that is not a read error of the leaf
	// stops the walk.
	Visit func(ctx context.Context, leaf Leaf) error
	// Warn receives warnings; nil drops them.
	Warn func(Warning)
}

// WalkFile walks the file at osPath, naming it display.
func (w *Walker) WalkFile(ctx context.Context, display, osPath string) error {
	f, err := os.Open(osPath)
	if err != nil {
		return fmt.Errorf("opening %s: %w", display, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("reading %s: %w", display, err)
	}
	m := &meter{limits: w.Limits}
	return w.walk(ctx, m, display, path.Base(display), f, f, st.Size(), 0)
}

// WalkReader walks the content of r, naming it display. When r is also an
// io.ReaderAt of the given size, a zip file is read in place; otherwise it is
// held in memory (within the entry-size limit).
func (w *Walker) WalkReader(ctx context.Context, display string, r io.Reader, size int64) error {
	m := &meter{limits: w.Limits}
	ra, _ := r.(io.ReaderAt)
	return w.walk(ctx, m, display, path.Base(display), r, ra, size, 0)
}

func (w *Walker) warn(p, limit, msg string) {
	if w.Warn != nil {
		w.Warn(Warning{Path: p, Limit: limit, Message: msg})
	}
}

// readProblem turns an error met while reading a container into a warning
// and reports whether it did.
func (w *Walker) readProblem(display, what string, err error) bool {
	var le *LimitError
	if errors.As(err, &le) {
		w.warn(display, le.Limit, le.Error())
		return true
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	w.warn(display, "", fmt.Sprintf("corrupt %s: %v", what, err))
	return true
}

type kind int

const (
	leafKind kind = iota
	gzipKind
	zipKind
	tarKind
)

// sniffKind recognises a container by its first bytes.
func sniffKind(head []byte) kind {
	switch {
	case len(head) >= 3 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8:
		return gzipKind
	case len(head) >= 4 && (bytes.Equal(head[:4], []byte("PK\x03\x04")) || bytes.Equal(head[:4], []byte("PK\x05\x06"))):
		return zipKind
	case len(head) >= 262 && bytes.Equal(head[257:262], []byte("ustar")):
		return tarKind
	}
	return leafKind
}

// recorder remembers the first error its reader returned other than io.EOF.
type recorder struct {
	r   io.Reader
	err error
}

// Read implements io.Reader.
func (rc *recorder) Read(p []byte) (int, error) {
	n, err := rc.r.Read(p)
	if err != nil && err != io.EOF && rc.err == nil {
		rc.err = err
	}
	return n, err
}

// walk recognises what r holds and walks it.
func (w *Walker) walk(ctx context.Context, m *meter, display, name string, r io.Reader, ra io.ReaderAt, size int64, depth int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	rec := &recorder{r: r}
	br := bufio.NewReaderSize(rec, 64<<10)
	head, err := br.Peek(512)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		if w.readProblem(display, "content", err) {
			return nil
		}
		return err
	}
	k := sniffKind(head)
	if k != leafKind && w.Limits.MaxDepth > 0 && depth >= w.Limits.MaxDepth {
		w.warn(display, "depth", fmt.Sprintf("depth limit reached: containers nested more than %d deep are not opened", w.Limits.MaxDepth))
		return nil
	}
	switch k {
	case gzipKind:
		return w.walkGzip(ctx, m, display, name, br, depth)
	case zipKind:
		if ra == nil || depth > 0 {
			data, err := io.ReadAll(br)
			if err != nil {
				if w.readProblem(display, "zip", err) {
					return nil
				}
				return err
			}
			ra, size = bytes.NewReader(data), int64(len(data))
		}
		return w.walkZip(ctx, m, display, ra, size, depth)
	case tarKind:
		return w.walkTar(ctx, m, display, br, depth)
	}
	err = w.Visit(ctx, Leaf{Path: display, Name: name, R: br})
	if err != nil && rec.err != nil && errors.Is(err, rec.err) {
		if w.readProblem(display, "content", err) {
			return nil
		}
	}
	return err
}
