package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// definitions/tiny-lm.yaml runs (with a few training steps, to keep the
// suite short) and puts the transformer beside its 4-gram baseline: the
// baseline is scored on the same test windows (sliding, each token once),
// reaches the perplexity the definition's comment quotes, and the report
// charts both.
func TestTinyLMDefinitionRunsBesideItsBaseline(t *testing.T) {
	ws := t.TempDir()
	def := "../../definitions/tiny-lm.yaml"
	code, out, errs := cli(t, "run", def, "--workspace", ws, "--set", "train.steps=4", "--set", "train.batch=4",
		"ngram", "perplexity")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	m := lastManifestIn(t, ws)
	ngram := stageRecord(t, m, "ngram")
	if ppl := ngram.Metrics["perplexity"]; ppl < 10.5 || ppl > 11.6 {
		t.Errorf("4-gram test perplexity %.2f, want about 11.06", ppl)
	}
	if ppl := stageRecord(t, m, "perplexity").Metrics["perplexity"]; ppl <= ngram.Metrics["perplexity"] {
		t.Errorf("a transformer after 4 steps has perplexity %.2f, below the 4-gram's", ppl)
	}
	report := filepath.Join(t.TempDir(), "report.html")
	if code, out, errs := cli(t, "report", "latest", "--workspace", ws, "-o", report); code != 0 {
		t.Fatalf("report: exit %d: %s %s", code, out, errs)
	}
	page, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(page), "perplexity by stage")
	if i < 0 {
		t.Fatal("the report has no perplexity-by-stage chart")
	}
	if chart := string(page[i:min(len(page), i+4000)]); !strings.Contains(chart, "<title>ngram: ") || !strings.Contains(chart, "<title>perplexity: ") {
		t.Errorf("the perplexity chart does not show the model beside its baseline:\n%s", chart)
	}
}
