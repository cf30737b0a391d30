package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zip"
)

type member struct {
	name string
	data []byte
}

func makeZip(t testing.TB, ms ...member) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, m := range ms {
		w, err := zw.Create(m.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(m.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func makeTar(t testing.TB, ms ...member) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, m := range ms {
		if err := tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.data)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
			t.Fatal(err)
		}
		tw.Write(m.data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func makeGzip(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// walkAll walks data and returns "path (name): content" for each leaf and
// "warn path [limit]: message" for each warning, sorted.
func walkAll(t testing.TB, display string, data []byte, lim Limits) []string {
	var out []string
	w := &Walker{
		Limits: lim,
		Visit: func(_ context.Context, l Leaf) error {
			b, err := io.ReadAll(l.R)
			if len(b) > 40 {
				b = append(b[:40:40], "..."...)
			}
			out = append(out, fmt.Sprintf("%s (%s): %s", l.Path, l.Name, b))
			return err
		},
		Warn: func(wn Warning) {
			out = append(out, fmt.Sprintf("warn %s [%s]: %s", wn.Path, wn.Limit, wn.Message))
		},
	}
	if err := w.WalkReader(context.Background(), display, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("WalkReader: %v", err)
	}
	sort.Strings(out)
	return out
}

func TestWalk(t *testing.T) {
	nul40 := strings.Repeat("\x00", 40) + "..."
	inner := makeZip(t, member{"conf/.env", []byte("A=1")}, member{"notes.txt", []byte("hello")})
	release := makeGzip(t, makeTar(t, member{"bundle.zip", inner}, member{"README", []byte("read me")}))
	zeros := makeGzip(t, make([]byte, 8<<20))
	deep := []byte("bottom")
	for i := 0; i < 8; i++ {
		deep = makeGzip(t, deep)
	}
	tests := []struct {
		name    string
		display string
		data    []byte
		lim     Limits
		want    []string
	}{
		{"plain", "a.txt", []byte("text"), DefaultLimits(), []string{"a.txt (a.txt): text"}},
		{"nested", "release.tar.gz", release, DefaultLimits(), []string{
			"release.tar.gz!README (README): read me",
			"release.tar.gz!bundle.zip!conf/.env (.env): A=1",
			"release.tar.gz!bundle.zip!notes.txt (notes.txt): hello",
		}},
		{"gzip name", "data.jsonl.gz", makeGzip(t, []byte(`{"a":1}`)), DefaultLimits(), []string{`data.jsonl.gz (data.jsonl): {"a":1}`}},
		{"unsafe names", "evil.zip", makeZip(t, member{"../../etc/passwd", []byte("x")}, member{"/abs", []byte("y")}), DefaultLimits(), []string{
			"evil.zip!../../etc/passwd (passwd): x",
			"evil.zip!/abs (abs): y",
			"warn evil.zip!../../etc/passwd []: member name with a `..` component",
			"warn evil.zip!/abs []: absolute member name",
		}},
		{"ratio bomb", "zeros.gz", zeros, DefaultLimits(), []string{
			"warn zeros.gz [ratio]: ratio limit reached: 1081344 bytes from 4096 compressed (more than 200x)",
			"zeros.gz (zeros): " + nul40,
		}},
		{"entry size", "big.gz", zeros, Limits{MaxEntryBytes: 1 << 20}, []string{
			"big.gz (big): " + nul40,
			"warn big.gz [entry size]: entry size limit reached: more than 1048576 bytes decompressed",
		}},
		{"depth", "deep.gz", deep, Limits{MaxDepth: 3}, []string{
			"warn deep.gz [depth]: depth limit reached: containers nested more than 3 deep are not opened",
		}},
		{"entries", "many.tar", makeTar(t, member{"a", []byte("1")}, member{"b", []byte("2")}, member{"c", []byte("3")}), Limits{MaxEntries: 2}, []string{
			"many.tar!a (a): 1", "many.tar!b (b): 2",
			"warn many.tar [entries]: entries limit reached: more than 2 members",
		}},
		{"corrupt zip", "bad.zip", makeZip(t, member{"a", []byte("1")})[:30], DefaultLimits(), []string{
			"warn bad.zip []: corrupt zip: zip: not a valid zip file",
		}},
		{"truncated gzip", "cut.gz", makeGzip(t, []byte(strings.Repeat("line of text\n", 100)))[:20], DefaultLimits(), []string{
			"warn cut.gz []: corrupt content: unexpected EOF",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := walkAll(t, tc.display, tc.data, tc.lim)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// FuzzWalk checks that arbitrary bytes never crash the walker and that the
// limits hold.
func FuzzWalk(f *testing.F) {
	f.Add(makeZip(f, member{"a.txt", []byte("hello")}))
	f.Add(makeGzip(f, makeTar(f, member{"x/y", []byte("data")})))
	f.Add(makeTar(f, member{"../z", makeGzip(f, []byte("inner"))}))
	f.Add([]byte("plain text"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := Limits{MaxDepth: 4, MaxEntryBytes: 1 << 20, MaxTotalBytes: 4 << 20, MaxRatio: 100, MaxEntries: 100}
		var total int64
		w := &Walker{
			Limits: lim,
			Visit: func(_ context.Context, l Leaf) error {
				n, err := io.Copy(io.Discard, l.R)
				total += n
				return err
			},
		}
		if err := w.WalkReader(context.Background(), "f", bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatalf("WalkReader: %v", err)
		}
		if total > lim.MaxTotalBytes+64<<10 {
			t.Fatalf("read %d bytes, over the total limit", total)
		}
	})
}
