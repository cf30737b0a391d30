package scan

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil/scancorpus"
)

// TestCorpusQuality scans a generated corpus of fake secrets and decoys in
// every container the scanner reads, and asserts recall of at least 95% with
// no decoy (or anything else unlabelled) reported.
func TestCorpusQuality(t *testing.T) {
	dir := t.TempDir()
	labels, err := scancorpus.Write(dir, 42, 6)
	if err != nil {
		t.Fatalf("writing corpus: %v", err)
	}
	root := filepath.Join(dir, "tree")
	rep, err := New(Options{}).ScanPaths(context.Background(), []string{root})
	if err != nil {
		t.Fatalf("scanning: %v", err)
	}
	prefix := filepath.ToSlash(root) + "/"
	var fs []scancorpus.Finding
	for _, f := range rep.Findings {
		fs = append(fs, scancorpus.Finding{Path: strings.TrimPrefix(f.Path, prefix), Line: f.Line, Column: f.Column, Kind: f.Kind, SHA256: f.SecretSHA256})
	}
	s := scancorpus.Compute(labels, fs)
	t.Log(s.Summary())
	for _, w := range rep.Warnings {
		t.Errorf("warning: %s: %s", w.Path, w.Message)
	}
	if s.Recall() < 0.95 {
		t.Errorf("recall %.3f < 0.95", s.Recall())
	}
	if len(s.Extra) > 0 {
		t.Errorf("%d findings match no planted secret", len(s.Extra))
	}
	if s.WrongKind > 0 {
		t.Errorf("%d secrets reported under another rule", s.WrongKind)
	}
}
