package remote

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/artifacts"
)

// keyPath is where key lives in a file:// remote rooted at dir.
func keyPath(t *testing.T, dir string, o artifacts.Tree) string {
	t.Helper()
	k, err := objectKey(o)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, filepath.FromSlash(k))
}

func TestCorruptRemoteObjectIsRefused(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		specs  []fileSpec
		damage func(b []byte) []byte
	}{
		{"file flipped byte", objectCases[0].specs, func(b []byte) []byte { b[0] ^= 1; return b }},
		{"file truncated", objectCases[0].specs, func(b []byte) []byte { return b[:len(b)-1] }},
		{"file extended", objectCases[0].specs, func(b []byte) []byte { return append(b, 'x') }},
		{"tree flipped content byte", objectCases[3].specs, func(b []byte) []byte {
			i := bytes.Index(b, []byte("echo hi"))
			b[i] = 'E'
			return b
		}},
		{"tree truncated", objectCases[3].specs, func(b []byte) []byte { return b[:len(b)/2] }},
		{"tree renamed member", objectCases[3].specs, func(b []byte) []byte {
			return bytes.Replace(b, []byte("a.txt"), []byte("b.txt"), 1)
		}},
		{"tree empty", objectCases[3].specs, func([]byte) []byte { return nil }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			remote, dir := openTemp(t)
			src, dst := newLocal(t), newLocal(t)
			o := build(t, src, tc.specs)
			if err := remote.Push(ctx, o, src); err != nil {
				t.Fatal(err)
			}
			p := keyPath(t, dir, o.Tree)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, tc.damage(b), 0o644); err != nil {
				t.Fatal(err)
			}
			err = remote.Fetch(ctx, o, dst)
			if err == nil {
				t.Fatal("a corrupt remote object was accepted")
			}
			if _, serr := os.Lstat(dst.ObjectPath(o.Digest)); serr == nil {
				t.Error("a corrupt remote object was kept in the local store")
			}
			tmpEmpty(t, dst)
			if _, err := os.Lstat(p); err == nil {
				t.Error("the corrupt remote object was not deleted")
			}
			// A fresh push replaces it and the object is served again.
			if err := remote.Push(ctx, o, src); err != nil {
				t.Fatal(err)
			}
			if err := remote.Fetch(ctx, o, dst); err != nil {
				t.Fatalf("after re-uploading: %v", err)
			}
		})
	}
}

// tarOf builds a tar stream from headers, with content for regular files.
func tarOf(t *testing.T, members ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range members {
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(h.Name))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(h.Name))
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestHostileTreesAreRefused(t *testing.T) {
	reg := func(name string) *tar.Header { return &tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644} }
	cases := []struct {
		name    string
		members []*tar.Header
		want    string
	}{
		{"parent escape", []*tar.Header{reg("../evil")}, "not a clean relative path"},
		{"absolute", []*tar.Header{reg("/etc/evil")}, "not a clean relative path"},
		{"unclean", []*tar.Header{{Name: "d/", Typeflag: tar.TypeDir, Mode: 0o755}, reg("d/../../evil")}, "not a clean relative path"},
		{"through a symlink", []*tar.Header{{Name: "l", Typeflag: tar.TypeSymlink, Linkname: "/tmp"}, reg("l/evil")}, "parent is not a directory"},
		{"undeclared parent", []*tar.Header{reg("x/evil")}, "parent is not a directory"},
		{"duplicate", []*tar.Header{reg("a"), reg("a")}, "appears twice"},
		{"hard link", []*tar.Header{reg("a"), {Name: "b", Typeflag: tar.TypeLink, Linkname: "a"}}, "unsupported type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "obj")
			_, err := readTree(bytes.NewReader(tarOf(t, tc.members...)), dst)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
}

func TestDamagedLocalObjectIsNotPushed(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		specs []fileSpec
		file  string
	}{
		{"file", objectCases[0].specs, ""},
		{"tree", objectCases[3].specs, "a.txt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			remote, dir := openTemp(t)
			src := newLocal(t)
			o := build(t, src, tc.specs)
			p := filepath.Join(src.ObjectPath(o.Digest), tc.file)
			os.Chmod(p, 0o644)
			b, _ := os.ReadFile(p)
			b[0] ^= 1
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := remote.Push(ctx, o, src); err == nil {
				t.Fatal("a damaged local object was pushed")
			}
			if _, err := os.Lstat(keyPath(t, dir, o.Tree)); err == nil {
				t.Error("the damaged object reached the remote")
			}
		})
	}
}
