package sentencepiece

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestSmoke(t *testing.T) {
	for _, name := range []string{"spm_bpe8k", "spm_unigram8k", "albert_30k_clean"} {
		m, err := Load("/work/shared/data/tokenizers/sentencepiece/" + name + ".model")
		if err != nil {
			t.Fatal(err)
		}
		in, _ := os.ReadFile("/tmp/corpus.txt")
		lines := strings.Split(strings.TrimSuffix(string(in), "\n"), "\n")
		f, _ := os.Open("/tmp/ref_" + name + ".txt")
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		bad := 0
		for i := 0; sc.Scan(); i++ {
			ids := m.Encode(lines[i])
			var sb strings.Builder
			for j, id := range ids {
				if j > 0 {
					sb.WriteByte(' ')
				}
				fmt.Fprint(&sb, id)
			}
			if sb.String() != sc.Text() {
				bad++
				if bad < 4 {
					t.Errorf("%s line %d: %q\n got %s\nwant %s\npieces %q", name, i, lines[i], sb.String(), sc.Text(), m.EncodePieces(lines[i]))
				}
			}
		}
		t.Logf("%s: %d bad of %d", name, bad, len(lines))
	}
}
