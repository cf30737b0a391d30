package unigram

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestTrieAgreesWithMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "▁", "é", "\x00", "\xff", "日"}
	keys := map[string]int32{}
	for len(keys) < 2000 {
		var b strings.Builder
		for n := 1 + rng.IntN(6); n > 0; n-- {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		keys[b.String()] = int32(len(keys))
	}
	var entries []Entry
	for k, v := range keys {
		entries = append(entries, Entry{k, v})
	}
	tr, err := BuildTrie(entries)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5000; i++ {
		var b strings.Builder
		for n := rng.IntN(9); n > 0; n-- {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := b.String()
		want, ok := keys[s]
		if !ok {
			want = -1
		}
		if got := tr.Lookup(s); got != want {
			t.Fatalf("lookup(%q) = %d, want %d", s, got, want)
		}
		wantV, wantN := int32(-1), 0
		for n := 1; n <= len(s); n++ {
			if v, ok := keys[s[:n]]; ok {
				wantV, wantN = v, n
			}
		}
		if v, n := tr.LongestPrefix(s); v != wantV || n != wantN {
			t.Fatalf("longestPrefix(%q) = %d, %d; want %d, %d", s, v, n, wantV, wantN)
		}
	}
}

func TestTrieRejectsBadKeys(t *testing.T) {
	tests := []struct {
		name    string
		entries []Entry
		want    string
	}{
		{"empty key", []Entry{{"", 1}}, "empty key"},
		{"duplicate", []Entry{{"a", 1}, {"a", 2}}, "duplicate key"},
		{"negative value", []Entry{{"a", -1}}, "negative value"},
	}
	for _, tt := range tests {
		if _, err := BuildTrie(tt.entries); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}
