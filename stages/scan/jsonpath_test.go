package scan

import (
	"strings"
	"testing"
)

func TestJSONPath(t *testing.T) {
	tests := []struct {
		line, at, want string
	}{
		{`{"text": "SECRET here"}`, "SECRET", "text"},
		{`{"a": {"b": [1, "x", "SECRET"]}}`, "SECRET", "a.b[2]"},
		{`[{"k": "v"}, {"k": "SECRET"}]`, "SECRET", "[1].k"},
		{`{"odd key": "SECRET"}`, "SECRET", `["odd key"]`},
		{`{"esc": "a \"quoted\" SECRET"}`, "SECRET", "esc"},
		{`{"SECRET": 1}`, "SECRET", "SECRET"},
		{`{"n": 1, "m": SECRET}`, "SECRET", ""},
		{`not json SECRET`, "SECRET", ""},
		{`{"cut": "SECRET`, "SECRET", "cut"},
	}
	for _, tc := range tests {
		if got := jsonPath([]byte(tc.line), strings.Index(tc.line, tc.at)); got != tc.want {
			t.Errorf("jsonPath(%s) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

// FuzzJSONPath checks that arbitrary lines and offsets never crash it.
func FuzzJSONPath(f *testing.F) {
	f.Add([]byte(`{"a":[{"b":"c"}]}`), 9)
	f.Add([]byte(`"\`), 1)
	f.Add([]byte(`]]]}}{"`), 3)
	f.Fuzz(func(t *testing.T, line []byte, off int) {
		jsonPath(line, off)
	})
}
