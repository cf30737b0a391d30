package eval

import (
	"math"
	"testing"
)

func TestConfusionScores(t *testing.T) {
	// actual\predicted  a  b  c
	//                a   3  1  0
	//                b   0  2  2
	//                c   0  0  0   (never occurs, never predicted... except below)
	c := NewConfusion([]string{"a", "b", "c"})
	for range 3 {
		c.Add(0, 0)
	}
	c.Add(0, 1)
	c.Add(1, 1)
	c.Add(1, 1)
	c.Add(1, 2)
	c.Add(1, 2)
	acc, per, p, r, f := c.Scores()
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	near("accuracy", acc, 5.0/8)
	near("precision a", per[0].Precision, 1)
	near("recall a", per[0].Recall, 0.75)
	near("precision b", per[1].Precision, 2.0/3)
	near("recall b", per[1].Recall, 0.5)
	near("precision c", per[2].Precision, 0)
	// c is predicted, so it counts in the macro average.
	near("precision_macro", p, (1+2.0/3+0)/3)
	near("recall_macro", r, (0.75+0.5+0)/3)
	f1a, f1b := 2*0.75/(1.75), 2*(2.0/3)*0.5/(2.0/3+0.5)
	near("f1_macro", f, (f1a+f1b)/3)
	if per[0].Support != 4 || per[1].Support != 4 || per[2].Support != 0 {
		t.Errorf("supports %+v", per)
	}
}
