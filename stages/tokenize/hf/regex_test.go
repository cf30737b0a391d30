package hf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// wordLevelWith is a tokenizer.json of a one-word WordLevel model behind the
// given normalizer and pre-tokenizer.
func wordLevelWith(normalizer, preTokenizer string) string {
	return `{"normalizer": ` + normalizer + `, "pre_tokenizer": ` + preTokenizer + `,
		"model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "a": 1, "b": 2}, "unk_token": "[UNK]"}}`
}

func TestRegexThatGivesUpIsReportedWithFileAndComponent(t *testing.T) {
	defer func(d time.Duration) { regexMatchTimeout = d }(regexMatchTimeout)
	regexMatchTimeout = 20 * time.Millisecond
	// Nested quantifiers backtrack exponentially on a run of a's without b.
	doc := wordLevelWith("null", `{"type": "Split", "pattern": {"Regex": "(a|aa)*(a|aa)*(a|aa)*c"}, "behavior": "Isolated", "invert": false}`)
	path := filepath.Join(t.TempDir(), "hostile.tokenizer.json")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	tok, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := tok.Err(); err != nil {
		t.Fatalf("error before encoding: %v", err)
	}
	done := make(chan struct{})
	go func() {
		tok.Encode(strings.Repeat("a", 400) + "b")
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("encoding did not give up")
	}
	err = tok.Err()
	if err == nil {
		t.Fatal("no error after the regular expression gave up")
	}
	for _, want := range []string{path, "pre_tokenizer Split"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

func TestRegexComponents(t *testing.T) {
	tests := []struct {
		name, normalizer, pre, text string
		want                        []int32
	}{
		{"split with lookahead", "null", `{"type": "Split", "pattern": {"Regex": "\\s+(?!\\S)|\\s+"}, "behavior": "Removed", "invert": false}`, "a  b", []int32{1, 2}},
		{"split on a class, inverted", "null", `{"type": "Split", "pattern": {"Regex": "\\p{L}"}, "behavior": "Removed", "invert": true}`, "a-b", []int32{1, 2}},
		{"replace then whitespace", `{"type": "Replace", "pattern": {"Regex": "[0-9]+"}, "content": " "}`, `{"type": "WhitespaceSplit"}`, "a12b", []int32{1, 2}},
	}
	for _, tt := range tests {
		tok, err := Parse([]byte(wordLevelWith(tt.normalizer, tt.pre)))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := tok.Encode(tt.text); !equalIDs(got, tt.want) {
			t.Errorf("%s: %q encodes to %v, want %v", tt.name, tt.text, got, tt.want)
		}
	}
}

func equalIDs(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseBounds(t *testing.T) {
	deep := `{"type": "WhitespaceSplit"}`
	for range maxComponentDepth + 1 {
		deep = `{"type": "Sequence", "pretokenizers": [` + deep + `]}`
	}
	tests := map[string]string{
		"nesting":     wordLevelWith("null", deep),
		"pattern":     wordLevelWith(`{"type": "Replace", "pattern": {"Regex": "`+strings.Repeat("a", maxPatternBytes+1)+`"}, "content": ""}`, "null"),
		"bad regex":   wordLevelWith(`{"type": "Replace", "pattern": {"Regex": "(a"}, "content": ""}`, "null"),
		"charsmap":    wordLevelWith(`{"type": "Precompiled", "precompiled_charsmap": "AAAA"}`, "null"),
		"no charsmap": wordLevelWith(`{"type": "Precompiled", "precompiled_charsmap": ""}`, "null"),
	}
	wants := map[string]string{"nesting": "nest deeper", "pattern": "exceeds", "bad regex": "normalizer Replace",
		"charsmap": "Precompiled", "no charsmap": "Precompiled"}
	for name, doc := range tests {
		_, err := Parse([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), wants[name]) {
			t.Errorf("%s: error %v, want one containing %q", name, err, wants[name])
		}
	}
}
