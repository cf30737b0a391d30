package rules_test

import (
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil/scancorpus"
	"github.com/mlpipe/pipeline/stages/scan/rules"
)

// TestDecoys checks that no decoy is reported, in source and in config text.
func TestDecoys(t *testing.T) {
	det := rules.Default()
	for _, d := range scancorpus.Decoys(scancorpus.NewFake(2)) {
		t.Run(d.Name, func(t *testing.T) {
			for _, code := range []bool{true, false} {
				if d.Code && !code {
					continue
				}
				for _, m := range det.Find([]byte(d.Text+"\n"), rules.Hints{Code: code}) {
					t.Errorf("code=%v: %s reported %s in %q", code, m.Rule.ID, m.Preview, d.Text)
				}
			}
		})
	}
}
