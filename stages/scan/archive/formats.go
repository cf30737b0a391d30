package archive

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path"

	"archive/tar"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zip"
)

// walkGzip walks the content of a gzip stream. Its members, if it holds a
// tar, are named after the gzip file itself (release.tar.gz!member).
func (w *Walker) walkGzip(ctx context.Context, m *meter, display, name string, br *bufio.Reader, depth int) error {
	cr := &countingReader{r: br}
	zr, err := gzip.NewReader(cr)
	if err != nil {
		w.readProblem(display, "gzip", err)
		return nil
	}
	defer zr.Close()
	lr := &limitReader{r: zr, m: m, compressed: func() int64 { return cr.n }}
	return w.walk(ctx, m, display, innerName(name), lr, nil, -1, depth+1)
}

// walkTar walks the regular files of a tar stream.
func (w *Walker) walkTar(ctx context.Context, m *meter, display string, br *bufio.Reader, depth int) error {
	tr := tar.NewReader(br)
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if w.readProblem(display, "tar", err) {
				return nil
			}
			return err
		}
		if w.Limits.MaxEntries > 0 && n >= w.Limits.MaxEntries {
			w.warn(display, "entries", fmt.Sprintf("entries limit reached: more than %d members", w.Limits.MaxEntries))
			return nil
		}
		member := display + Sep + hdr.Name
		if why := unsafeName(hdr.Name); why != "" {
			w.warn(member, "", why)
		}
		if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeRegA {
			continue
		}
		lr := &limitReader{r: tr, m: m}
		if err := w.walk(ctx, m, member, path.Base(hdr.Name), lr, nil, hdr.Size, depth+1); err != nil {
			return err
		}
	}
}

// walkZip walks the files of a zip archive.
func (w *Walker) walkZip(ctx context.Context, m *meter, display string, ra io.ReaderAt, size int64, depth int) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		w.readProblem(display, "zip", err)
		return nil
	}
	for n, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if w.Limits.MaxEntries > 0 && n >= w.Limits.MaxEntries {
			w.warn(display, "entries", fmt.Sprintf("entries limit reached: more than %d members", w.Limits.MaxEntries))
			return nil
		}
		member := display + Sep + f.Name
		if why := unsafeName(f.Name); why != "" {
			w.warn(member, "", why)
		}
		if f.FileInfo().IsDir() || !f.Mode().IsRegular() {
			continue
		}
		if f.Flags&1 != 0 {
			w.warn(member, "", "encrypted member not scanned")
			continue
		}
		rc, err := f.Open()
		if err != nil {
			w.readProblem(member, "zip member", err)
			continue
		}
		compressed := int64(f.CompressedSize64)
		lr := &limitReader{r: rc, m: m, compressed: func() int64 { return compressed }}
		err = w.walk(ctx, m, member, path.Base(f.Name), lr, nil, int64(f.UncompressedSize64), depth+1)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
