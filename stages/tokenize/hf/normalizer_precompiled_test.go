package hf

import (
	"encoding/base64"
	"encoding/json"
	"testing"
)

// albertCharsmap is the precompiled_charsmap of the converted ALBERT
// tokenizer.json (SentencePiece's nmt_nfkc rules).
func albertCharsmap(t testing.TB) []byte {
	t.Helper()
	var doc struct {
		Normalizer struct {
			Normalizers []struct {
				Type                string `json:"type"`
				PrecompiledCharsmap string `json:"precompiled_charsmap"`
			} `json:"normalizers"`
		} `json:"normalizer"`
	}
	if err := json.Unmarshal(readFixture(t, goldenTokenizers["albert_30k"]), &doc); err != nil {
		t.Fatal(err)
	}
	for _, n := range doc.Normalizer.Normalizers {
		if n.Type == "Precompiled" {
			blob, err := base64.StdEncoding.DecodeString(n.PrecompiledCharsmap)
			if err != nil {
				t.Fatal(err)
			}
			return blob
		}
	}
	t.Fatal("the ALBERT tokenizer.json has no Precompiled normalizer")
	return nil
}

func TestPrecompiledNormalizer(t *testing.T) {
	n, err := parsePrecompiled(base64.StdEncoding.EncodeToString(albertCharsmap(t)))
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{
		"plain ascii":         "plain ascii",
		"ｆｕｌｌ１２":              "full12",
		"ﬁ①™":                 "fi1TM",
		"A\u030a":             "\u00c5", // composed: the whole cluster is one rule
		"\t":                  " ",
		"Ｚ\u0301":             "Z", // the shortest rule starting a short cluster replaces all of it
		"e\u0301":             "\u00e9",
		"e\u0301\u0302\u0303": "e\u0301\u0302\u0303", // 6 bytes or more: character by character, none a rule
	}
	for in, want := range tests {
		if got := n.normalize(in); got != want {
			t.Errorf("normalize(%q) = %q (%U), want %q", in, got, []rune(got), want)
		}
	}
}

func TestGraphemeClusters(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"ab", []string{"a", "b"}},
		{"e\u0301x", []string{"e\u0301", "x"}},
		{"\r\n\n", []string{"\r\n", "\n"}},
		{"\t\u0301", []string{"\t", "\u0301"}},
		{"\u0085\u0301\u00ad\u0301", []string{"\u0085", "\u0301", "\u00ad", "\u0301"}},
		{"\u1100\u1161\u11a8\u1100", []string{"\u1100\u1161\u11a8", "\u1100"}},
		{"\U0001F1EB\U0001F1F7\U0001F1EB", []string{"\U0001F1EB\U0001F1F7", "\U0001F1EB"}},
		{"\u0915\u093e\u0915", []string{"\u0915\u093e", "\u0915"}},
		{"\u0600a", []string{"\u0600a"}},
		{"👍🏽!", []string{"👍🏽", "!"}},
	}
	for _, tt := range tests {
		var got []string
		for s := tt.text; s != ""; {
			n := nextGrapheme(s)
			got = append(got, s[:n])
			s = s[n:]
		}
		if !equalStrings(got, tt.want) {
			t.Errorf("%q: clusters %q, want %q", tt.text, got, tt.want)
		}
	}
}

func equalStrings(a, b []string) bool {
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
