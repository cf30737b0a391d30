package sentencepiece

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil"
)

// fixtures is the repository's testdata directory (see its SOURCES.md).
const fixtures = "../../../testdata"

// referenceModels are the models the goldens were made for.
var referenceModels = []string{"albert_30k_clean", "spm_bpe8k", "spm_unigram8k"}

var regenerateOnce sync.Once

// regenerate runs the golden generator once when -update is given.
func regenerate(t *testing.T) {
	t.Helper()
	if !testutil.Update() {
		return
	}
	regenerateOnce.Do(func() {
		cmd := exec.Command("/usr/bin/python3", "../../../scripts/sentencepiece/gen_golden.py")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("regenerating goldens: %v\n%s", err, out)
		}
	})
}

// loadReference loads one of the reference models under testdata.
func loadReference(t testing.TB, name string) *Model {
	t.Helper()
	path := filepath.Join(fixtures, "tokenizers", "sentencepiece", name+".model")
	m, err := Load(path)
	if err != nil {
		t.Fatalf("loading %s: %v", name, err)
	}
	return m
}

// corpusLines reads testdata/corpus.txt.gz split as getline does.
func corpusLines(t testing.TB) []string {
	t.Helper()
	path := filepath.Join(fixtures, "corpus.txt.gz")
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(zr); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
}

// readDigests reads a golden file of one hex digest per line after a
// comment header.
func readDigests(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden: %v", err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if line := sc.Text(); !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

func formatIDs(ids []int32) string {
	var b []byte
	for i, id := range ids {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(id), 10)
	}
	return string(b)
}

func shortDigest(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

// TestCorpusMatchesReference encodes every line of the corpus with each
// model and compares a digest of the ids with spm_encode's, then decodes the
// ids and compares digests of blocks of lines with spm_decode's.
func TestCorpusMatchesReference(t *testing.T) {
	regenerate(t)
	lines := corpusLines(t)
	for _, name := range referenceModels {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := loadReference(t, name)
			want := readDigests(t, filepath.Join("testdata", "corpus_"+name+".golden"))
			if len(want) != len(lines) {
				t.Fatalf("golden has %d lines, corpus %d", len(want), len(lines))
			}
			wantDecode := readDigests(t, filepath.Join("testdata", "corpus_"+name+"_decode.golden"))
			const block = 256
			bad := 0
			var decoded strings.Builder
			for i, line := range lines {
				ids := m.Encode(line)
				if got := shortDigest(formatIDs(ids), 8); got != want[i] {
					bad++
					if bad <= 5 {
						t.Errorf("line %d: ids differ from spm_encode's\ntext: %q\nids:  %s\npieces: %q", i+1, line, formatIDs(ids), m.EncodePieces(line))
					}
				}
				decoded.WriteString(m.Decode(ids))
				decoded.WriteByte('\n')
				if (i+1)%block == 0 || i+1 == len(lines) {
					b := i / block
					if got := shortDigest(decoded.String(), 16); b >= len(wantDecode) || got != wantDecode[b] {
						t.Errorf("decoding lines %d-%d differs from spm_decode's", b*block+1, i+1)
					}
					decoded.Reset()
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d lines differ", bad, len(lines))
			}
		})
	}
}

// hardCase is one entry of testdata/hardcases.json: text, or bytes in hex.
type hardCase struct {
	Name string `json:"name"`
	Text string `json:"text"`
	Hex  string `json:"hex"`
}

func (c hardCase) input(t *testing.T) string {
	if c.Hex == "" {
		return c.Text
	}
	b, err := hex.DecodeString(c.Hex)
	if err != nil {
		t.Fatalf("case %s: bad hex: %v", c.Name, err)
	}
	return string(b)
}

// hardCaseGolden is the reference library's answer for one hard case.
type hardCaseGolden struct {
	Name    string   `json:"name"`
	IDs     []int32  `json:"ids"`
	Pieces  []string `json:"pieces"`
	Decoded string   `json:"decoded"`
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	readJSONBytes(t, data, v)
}

func readJSONBytes(t testing.TB, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("parsing JSON: %v", err)
	}
}

// TestHardCasesMatchReference checks ids, pieces and decoding of hand-made
// hard inputs (whitespace runs, control characters, NFKC-sensitive text,
// invalid UTF-8, …) against the Python binding of the reference library.
func TestHardCasesMatchReference(t *testing.T) {
	regenerate(t)
	var cases []hardCase
	readJSON(t, filepath.Join("testdata", "hardcases.json"), &cases)
	for _, name := range referenceModels {
		t.Run(name, func(t *testing.T) {
			m := loadReference(t, name)
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

// checkCase compares one encoding and decoding with the reference's.
func checkCase(t *testing.T, m *Model, in string, want hardCaseGolden) {
	t.Helper()
	ids := m.Encode(in)
	if !slices.Equal(ids, want.IDs) && !(len(ids) == 0 && len(want.IDs) == 0) {
		t.Errorf("Encode(%q)\n got %v\nwant %v", in, ids, want.IDs)
	}
	if got := m.EncodePieces(in); !slices.Equal(got, want.Pieces) {
		t.Errorf("EncodePieces(%q)\n got %q\nwant %q", in, got, want.Pieces)
	}
	if got := m.Decode(want.IDs); got != want.Decoded {
		t.Errorf("Decode(%v)\n got %q\nwant %q", want.IDs, got, want.Decoded)
	}
	// Without unknown or byte pieces, the pieces spell the normalized text.
	for _, id := range want.IDs {
		if typ := m.PieceType(id); typ == Unknown || typ == Byte || typ == Control {
			return
		}
	}
	if got, spelled := m.Normalize(in), strings.Join(want.Pieces, ""); got != spelled {
		t.Errorf("Normalize(%q) = %q, want %q", in, got, spelled)
	}
}

func ExampleModel_Encode() {
	m, err := Load("../../../testdata/tokenizers/sentencepiece/spm_unigram8k.model")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.EncodePieces("Hello, world!"))
	fmt.Println(m.Decode(m.Encode("Hello,   world!")))
	// Output:
	// [▁He ll o , ▁world !]
	// Hello, world!
}
