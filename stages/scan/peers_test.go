package scan_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/bench/scan/peers/peercorpus"
	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/stages/scan"
)

// peersDir holds other scanners' published test cases and the golden of
// this scanner's counts on them.
var peersDir = filepath.Join("..", "..", "testdata", "scan", "peers")

// TestPeerCorpus scans every case of the peer corpus (gitleaks' rule
// examples, detect-secrets' plugin cases), each written as its own file, and
// pins per family how many positive cases have a relevant finding and how
// many negative cases have one against the committed golden, so that a
// change that loses or adds findings on them shows in the diff.
func TestPeerCorpus(t *testing.T) {
	var out bytes.Buffer
	for _, name := range []string{"gitleaks", "detect-secrets"} {
		cases, err := peercorpus.Load(filepath.Join(peersDir, name+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if _, err := peercorpus.Write(dir, cases); err != nil {
			t.Fatal(err)
		}
		rep, err := scan.New(scan.Options{}).ScanNamed(context.Background(), []scan.Named{{Display: "peers", Path: dir}})
		if err != nil {
			t.Fatal(err)
		}
		found := map[string][]string{}
		for _, f := range rep.Findings {
			rel := strings.TrimPrefix(f.Path, "peers/")
			found[rel] = append(found[rel], f.Kind)
		}
		tally := peercorpus.Score(cases, found)
		all := tally.Total(nil)
		if all.Pos == 0 || all.TP == 0 {
			t.Fatalf("%s: %d positive cases, %d found: the corpus or the scan is empty", name, all.Pos, all.TP)
		}
		if err := peercorpus.WriteGolden(&out, name, tally); err != nil {
			t.Fatal(err)
		}
	}
	testutil.Golden(t, filepath.Join(peersDir, "pipeline.golden"), out.Bytes())
}
