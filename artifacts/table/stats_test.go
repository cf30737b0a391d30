package table

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// Long values' statistics are short bounds: the cut minimum is no greater
// and the raised maximum no less than the value, both valid UTF-8.
func TestTruncatedStatisticsBound(t *testing.T) {
	for _, v := range []string{
		strings.Repeat("a", 1000),
		strings.Repeat("é", 500),
		strings.Repeat("z", 63) + "€€€€",
		strings.Repeat("\U0010FFFF", 40),
		strings.Repeat("\xff", 100),
		"short",
	} {
		lo := truncMin(nil, []byte(v))
		hi, open := truncMax(nil, []byte(v))
		if len(lo) > maxStatBytes || len(hi) > maxStatBytes {
			t.Errorf("%.10q: bounds of %d and %d bytes", v, len(lo), len(hi))
		}
		if bytes.Compare(lo, []byte(v)) > 0 {
			t.Errorf("%.10q: min %q is above the value", v, lo)
		}
		if !open && bytes.Compare(hi, []byte(v)) < 0 {
			t.Errorf("%.10q: max %q is below the value", v, hi)
		}
		if utf8.ValidString(v) && (!utf8.Valid(lo) || (!open && !utf8.Valid(hi))) {
			t.Errorf("%.10q: bounds %q / %q are not UTF-8", v, lo, hi)
		}
		if v == strings.Repeat("\xff", 100) && !open {
			t.Errorf("all-0xff value got an upper bound %q", hi)
		}
	}
}
