package rules_test

import (
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil/scancorpus"
	"github.com/mlpipe/pipeline/stages/scan/rules"
)

// TestFamilies checks that every fake credential family is found, once, by
// the expected rule, with the expected secret text.
func TestFamilies(t *testing.T) {
	det := rules.Default()
	f := scancorpus.NewFake(1)
	for _, fam := range scancorpus.Families() {
		t.Run(fam.Name, func(t *testing.T) {
			for i := 0; i < 50; i++ {
				s := fam.Make(f)
				line := s.Render()
				ms := det.Find([]byte("x\n"+line+"\ny\n"), rules.Hints{})
				if len(ms) != 1 {
					var kinds []string
					for _, m := range ms {
						kinds = append(kinds, m.Rule.ID+"="+m.Preview)
					}
					t.Fatalf("%d matches %v in %q", len(ms), kinds, line)
				}
				if ms[0].Rule.ID != s.Kind || string(ms[0].Secret) != s.Value {
					t.Fatalf("found %s %q, want %s %q in %q", ms[0].Rule.ID, ms[0].Secret, s.Kind, s.Value, line)
				}
			}
		})
	}
}
