package remote

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/artifacts"
)

var objectCases = []struct {
	name  string
	specs []fileSpec
}{
	{"file", []fileSpec{{path: "", content: "hello remote\n"}}},
	{"empty file", []fileSpec{{path: "", content: ""}}},
	{"large file", []fileSpec{{path: "", content: strings.Repeat("0123456789abcdef", 300_000)}}},
	{"tree", []fileSpec{
		{path: "a.txt", content: "a"},
		{path: "bin/run.sh", content: "#!/bin/sh\necho hi\n", exec: true},
		{path: "empty/"},
		{path: "nested/deep/z.bin", content: strings.Repeat("z", 70_000)},
		{path: "nested/link", content: "->deep/z.bin"},
		{path: "nested/dot.", content: ""},
		{path: strings.Repeat("long-name-", 12) + "/f", content: "long paths need PAX headers"},
	}},
	{"empty tree", []fileSpec{{path: "only-dir/"}}},
}

func TestPushFetchRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, tc := range objectCases {
		t.Run(tc.name, func(t *testing.T) {
			remote, _ := openTemp(t)
			src, dst := newLocal(t), newLocal(t)
			o := build(t, src, tc.specs)
			if err := remote.Push(ctx, o, src); err != nil {
				t.Fatal(err)
			}
			puts := remote.Stats().Puts
			if err := remote.Push(ctx, o, src); err != nil {
				t.Fatal(err)
			}
			if got := remote.Stats().Puts; got != puts {
				t.Errorf("pushing an object the remote has wrote again (%d puts, want %d)", got, puts)
			}
			if err := remote.Fetch(ctx, o, dst); err != nil {
				t.Fatal(err)
			}
			if !dst.HasObject(o.Tree) {
				t.Fatal("fetched object is not in the local store")
			}
			if err := dst.VerifyObject(o.Tree); err != nil {
				t.Fatal(err)
			}
			info, err := os.Stat(dst.ObjectPath(o.Digest))
			if err != nil || info.Mode().Perm()&0o222 != 0 {
				t.Errorf("fetched object is writable or missing: %v", err)
			}
			tmpEmpty(t, dst)
			// Fetching again into a store that has it is harmless.
			if err := remote.Fetch(ctx, o, dst); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestFetchKeepsExecutableBitsAndLinks(t *testing.T) {
	ctx := context.Background()
	remote, _ := openTemp(t)
	src, dst := newLocal(t), newLocal(t)
	o := build(t, src, objectCases[3].specs)
	if err := remote.Push(ctx, o, src); err != nil {
		t.Fatal(err)
	}
	if err := remote.Fetch(ctx, o, dst); err != nil {
		t.Fatal(err)
	}
	root := dst.ObjectPath(o.Digest)
	info, err := os.Stat(filepath.Join(root, "bin", "run.sh"))
	if err != nil || info.Mode()&0o111 == 0 {
		t.Errorf("executable bit lost: %v %v", info, err)
	}
	target, err := os.Readlink(filepath.Join(root, "nested", "link"))
	if err != nil || target != "deep/z.bin" {
		t.Errorf("symlink = %q, %v", target, err)
	}
}

func TestFetchMissingObject(t *testing.T) {
	remote, _ := openTemp(t)
	dst := newLocal(t)
	o := artifacts.Output{Tree: artifacts.Tree{Digest: artifacts.HashBytes([]byte("never pushed")), Size: 12, Files: 1}}
	if err := remote.Fetch(context.Background(), o, dst); err == nil {
		t.Fatal("fetching an absent object succeeded")
	}
	if dst.HasObject(o.Tree) {
		t.Error("an absent object appeared locally")
	}
}
