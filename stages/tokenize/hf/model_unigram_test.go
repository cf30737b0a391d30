package hf

import "testing"

func TestUnigramModel(t *testing.T) {
	doc := func(byteFallback string) string {
		return `{"model": {"type": "Unigram", "unk_id": 0, "byte_fallback": ` + byteFallback + `, "vocab": [
			["<unk>", 0], ["a", -1], ["b", -1], ["ab", -1.5], ["abc", -4], ["c", -2], ["<0x78>", -20], ["<0x79>", -20], ["yz", -30]]}}`
	}
	tests := []struct {
		name, fallback, text string
		want                 []int32
	}{
		{"best path", "false", "ab", []int32{3}},
		{"a path of two pieces", "false", "abc", []int32{3, 5}},
		{"unknowns fuse", "false", "xyab", []int32{0, 3}},
		{"fused unknowns as bytes", "true", "xyab", []int32{6, 7, 3}},
		{"a byte missing: unknown", "true", "xqab", []int32{0, 3}},
		{"a rare piece beats two unknowns", "false", "ayz", []int32{1, 8}},
	}
	for _, tt := range tests {
		tok, err := Parse([]byte(doc(tt.fallback)))
		if err != nil {
			t.Fatal(err)
		}
		if got := tok.Encode(tt.text); !equalIDs(got, tt.want) {
			t.Errorf("%s: %q encodes to %v, want %v", tt.name, tt.text, got, tt.want)
		}
	}
}
