package sentencepiece

import (
	"path/filepath"
	"strings"
	"testing"
)

// tinyModels are small models trained by scripts/sentencepiece/gen_golden.py,
// each with options the three shared models do not use.
var tinyModels = []string{
	"tiny_bpe_noescape",     // tiny_bpe_udef with spaces left unescaped
	"tiny_bpe_suffix",       // whitespace as suffix, whitespace-only pieces
	"tiny_bpe_udef",         // user-defined and control symbols, extra whitespace kept
	"tiny_bpe_unused",       // UNUSED pieces: merges into them are undone
	"tiny_char",             // CHAR model
	"tiny_unigram_noescape", // tiny_unigram_rules with spaces left unescaped
	"tiny_unigram_nodummy",  // no dummy prefix, user-defined symbols, Unigram
	"tiny_unigram_rules",    // custom normalization and denormalization rules, byte fallback
	"tiny_unigram_unused",   // tiny_unigram_nodummy with UNUSED pieces
	"tiny_word",             // WORD model
}

func loadTiny(t *testing.T, name string) *Model {
	t.Helper()
	m, err := Load(filepath.Join("testdata", "models", name+".model"))
	if err != nil {
		t.Fatalf("loading %s: %v", name, err)
	}
	return m
}

// TestTinyModelsMatchReference encodes every 4th corpus line and the hard
// cases with each tiny model and compares with the reference library.
func TestTinyModelsMatchReference(t *testing.T) {
	regenerate(t)
	lines := corpusLines(t)
	var sample []string
	for i := 0; i < len(lines); i += 4 {
		sample = append(sample, lines[i])
	}
	var cases []hardCase
	readJSON(t, filepath.Join("testdata", "hardcases.json"), &cases)
	for _, name := range tinyModels {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := loadTiny(t, name)
			want := readDigests(t, filepath.Join("testdata", "sample_"+name+".golden"))
			const block = 256
			if n := (len(sample) + block - 1) / block; len(want) != n {
				t.Fatalf("golden has %d blocks, want %d", len(want), n)
			}
			for b := range want {
				var ids, dec strings.Builder
				for _, line := range sample[b*block : min((b+1)*block, len(sample))] {
					v := m.Encode(line)
					ids.WriteString(formatIDs(v) + "\n")
					dec.WriteString(m.Decode(v) + "\n")
				}
				got := shortDigest(ids.String(), 16) + " " + shortDigest(dec.String(), 16)
				if got != want[b] {
					t.Errorf("block %d (sample lines %d-%d): digests %s, want %s", b, b*block, (b+1)*block-1, got, want[b])
				}
			}
			var golden []hardCaseGolden
			readJSON(t, filepath.Join("testdata", "hardcases_"+name+".golden.json"), &golden)
			if len(golden) != len(cases) {
				t.Fatalf("golden has %d cases, hardcases.json %d; run go test -update", len(golden), len(cases))
			}
			for i, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					checkCase(t, m, c.input(t), golden[i])
				})
			}
		})
	}
}
