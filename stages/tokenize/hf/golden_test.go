package hf

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil"
)

// fixtures is the repository's testdata directory (see its SOURCES.md).
const fixtures = "../../../testdata"

// goldenTokenizers are the files whose reference encodings are in testdata,
// by golden name. GPT-2's two merges layouts share one golden.
var goldenTokenizers = map[string]string{
	"gpt2":      fixtures + "/tokenizers/gpt2/tokenizer.json",
	"bpe30k":    fixtures + "/tokenizers/hf/bpe30k_bytelevel.tokenizer.json",
	"wordpiece": "testdata/wordpiece.tokenizer.json",
	"metaspace": "testdata/metaspace.tokenizer.json",
	"llama":     "testdata/llama.tokenizer.json",
	"splits":    "testdata/splits.tokenizer.json",
	// Real files (see the shared SOURCES.md).
	"qwen3":  fixtures + "/tokenizers/hf/qwen3.tokenizer.json.gz",
	"llama3": fixtures + "/tokenizers/hf/llama3.tokenizer.json.gz",
	"llama2": fixtures + "/tokenizers/hf/llama2.tokenizer.json.gz",
	// Converted from the shared SentencePiece models, or trained, by
	// scripts/tokenizers/make_goldens.py.
	"t5_unigram8k":        fixtures + "/tokenizers/hf/t5_unigram8k.tokenizer.json.gz",
	"xlmr_unigram8k":      fixtures + "/tokenizers/hf/xlmr_unigram8k.tokenizer.json.gz",
	"debertav3_unigram8k": fixtures + "/tokenizers/hf/debertav3_unigram8k.tokenizer.json.gz",
	"albert_30k":          fixtures + "/tokenizers/hf/albert_30k.tokenizer.json.gz",
	"mistral_bpe8k":       fixtures + "/tokenizers/hf/mistral_bpe8k.tokenizer.json.gz",
	"gemma_bpe8k":         fixtures + "/tokenizers/hf/gemma_bpe8k.tokenizer.json.gz",
	"unigram_trained":     fixtures + "/tokenizers/hf/unigram_trained.tokenizer.json.gz",
	"unigram_bytes":       fixtures + "/tokenizers/hf/unigram_bytes.tokenizer.json.gz",
}

// corpusEvery lists the tokenizers checked on every n-th corpus line only,
// as scripts/tokenize/gen_golden.js wrote their goldens.
var corpusEvery = map[string]int{"metaspace": 7, "llama": 7, "splits": 7, "gpt2_cl100k": 3, "gpt2_split": 7,
	"gpt2_prefix": 7, "gpt2_limits": 7, "wordpiece_limits": 7}

// variants are tokenizers built in memory, here and in gen_golden.js, from
// a base file with some of its tokenizer.json fields replaced.
var variants = map[string]struct {
	base  string
	patch map[string]string
}{
	"gpt2_cl100k": {"gpt2", map[string]string{"pre_tokenizer": splitThenBytes(patternCL100K)}},
	"gpt2_split":  {"gpt2", map[string]string{"pre_tokenizer": splitThenBytes(patternGPT2)}},
	"gpt2_prefix": {"gpt2", map[string]string{"pre_tokenizer": `{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}`}},
	"gpt2_limits": {"gpt2", map[string]string{
		"truncation": `{"direction": "Left", "max_length": 10, "strategy": "LongestFirst", "stride": 0}`,
		"padding":    `{"strategy": "BatchLongest", "direction": "Right", "pad_to_multiple_of": 4, "pad_id": 50256, "pad_type_id": 0, "pad_token": "<|endoftext|>"}`,
	}},
	"wordpiece_limits": {"wordpiece", map[string]string{
		"truncation": `{"direction": "Right", "max_length": 12, "strategy": "LongestFirst", "stride": 0}`,
		"padding":    `{"strategy": {"Fixed": 16}, "direction": "Left", "pad_to_multiple_of": null, "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"}`,
	}},
	// As in scripts/tokenizers/make_goldens.py: the layout of T5 files
	// written by earlier converters, and a prefix space behind a normalizer
	// that may leave nothing.
	"t5_legacy": {"t5_unigram8k", map[string]string{"pre_tokenizer": `{"type": "Sequence", "pretokenizers": [
		{"type": "WhitespaceSplit"},
		{"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": true, "prepend_scheme": "always"}]}`}},
	"gpt2_prefix_strip": {"gpt2", map[string]string{
		"normalizer":    `{"type": "Strip", "strip_left": true, "strip_right": true}`,
		"pre_tokenizer": `{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}`,
	}},
}

func splitThenBytes(regex string) string {
	re, _ := json.Marshal(regex)
	return `{"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": ` + string(re) + `}, "behavior": "Isolated", "invert": false},
		{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]}`
}

func init() {
	for name, v := range variants {
		goldenTokenizers[name] = goldenTokenizers[v.base]
	}
}

// sameGolden maps more tokenizer files to the golden they must match.
var sameGolden = map[string]string{
	"gpt2_pairs": "gpt2",
}

func init() {
	goldenTokenizers["gpt2_pairs"] = fixtures + "/tokenizers/gpt2/tokenizer.pairs.json"
}

func goldenName(name string) string {
	if g, ok := sameGolden[name]; ok {
		return g
	}
	return name
}

// readFixture reads a tokenizer.json, gunzipping a .gz file.
func readFixture(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return data
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	data, err = io.ReadAll(zr)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return data
}

func loadFixture(t testing.TB, path string) *Tokenizer {
	t.Helper()
	if !strings.HasSuffix(path, ".gz") {
		tok, err := LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	tok, err := Parse(readFixture(t, path))
	if err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	return tok
}

// loadGolden loads the tokenizer behind a golden name, variants included.
func loadGolden(t testing.TB, name string) *Tokenizer {
	t.Helper()
	v, ok := variants[name]
	if !ok {
		return loadFixture(t, goldenTokenizers[name])
	}
	data := readFixture(t, goldenTokenizers[name])
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for field, value := range v.patch {
		doc[field] = json.RawMessage(value)
	}
	data, _ = json.Marshal(doc)
	tok, err := Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return tok
}

func readCorpus(t testing.TB) []string {
	t.Helper()
	f, err := os.Open(fixtures + "/corpus.txt.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func idsText(ids []int32) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.Itoa(int(id))
	}
	return strings.Join(parts, ",")
}

func digest8(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:4])
}

func readGoldenLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	var out []string
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// TestCorpusMatchesReference encodes and decodes every corpus line and
// compares digests with those of Hugging Face's library.
func TestCorpusMatchesReference(t *testing.T) {
	corpus := readCorpus(t)
	for name := range goldenTokenizers {
		if _, dup := sameGolden[name]; dup {
			continue // TestSameGolden covers it
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tok := loadGolden(t, name)
			want := readGoldenLines(t, filepath.Join("testdata", goldenName(name)+".corpus.golden.gz"))
			step := max(corpusEvery[name], 1)
			var sample []string
			for i := 0; i < len(corpus); i += step {
				sample = append(sample, corpus[i])
			}
			if len(want) != len(sample) {
				t.Fatalf("golden has %d lines, want %d (every %d of %d corpus lines)", len(want), len(sample), step, len(corpus))
			}
			bad := 0
			for i, line := range sample {
				ids := tok.Encode(line)
				got := digest8(idsText(ids)) + " " + digest8(tok.Decode(ids))
				if got != want[i] {
					bad++
					if bad <= 5 {
						t.Errorf("corpus line %d (%.60q): got %s, want %s", i*step+1, line, got, want[i])
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d corpus lines differ", bad, len(sample))
			}
		})
	}
}

// TestSameGolden checks that tokenizers sharing a golden encode every 8th
// corpus line alike.
func TestSameGolden(t *testing.T) {
	corpus := readCorpus(t)
	for name, golden := range sameGolden {
		a, b := loadFixture(t, goldenTokenizers[name]), loadFixture(t, goldenTokenizers[golden])
		for i := 0; i < len(corpus); i += 8 {
			if x, y := a.Encode(corpus[i]), b.Encode(corpus[i]); !reflect.DeepEqual(x, y) {
				t.Fatalf("%s and %s differ on corpus line %d: %v vs %v", name, golden, i+1, x, y)
			}
		}
	}
}

type hardCase struct {
	Text    string  `json:"text"`
	IDs     []int32 `json:"ids"`
	Decoded string  `json:"decoded"`
}

// TestHardCases compares full ids and decoded text of hand-made hard cases.
func TestHardCases(t *testing.T) {
	for name := range goldenTokenizers {
		t.Run(name, func(t *testing.T) {
			checkHardCases(t, loadGolden(t, name), filepath.Join("testdata", goldenName(name)+".hard.golden.json"))
		})
	}
}

// checkHardCases compares tok's ids and decoded text with a golden file of
// the reference library's, or rewrites it with -update.
func checkHardCases(t *testing.T, tok *Tokenizer, golden string) {
	t.Helper()
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	var cases []hardCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("reading %s: %v", golden, err)
	}
	for i, c := range cases {
		ids := tok.Encode(c.Text)
		if ids == nil {
			ids = []int32{}
		}
		dec := tok.Decode(ids)
		if testutil.Update() {
			cases[i].IDs, cases[i].Decoded = ids, dec
			continue
		}
		if !reflect.DeepEqual(ids, c.IDs) && !(len(ids) == 0 && len(c.IDs) == 0) {
			t.Errorf("%q: ids\n got %v\nwant %v", c.Text, ids, c.IDs)
		}
		if dec != c.Decoded {
			t.Errorf("%q: decoded %q, want %q", c.Text, dec, c.Decoded)
		}
	}
	if testutil.Update() {
		out, _ := json.MarshalIndent(cases, "", " ")
		if err := os.WriteFile(golden, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUnsupportedComponentsAreNamed(t *testing.T) {
	base := `{"model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}%s}`
	tests := map[string]string{
		`,"normalizer": {"type": "Nmt"}`:               `normalizer "Nmt"`,
		`,"pre_tokenizer": {"type": "UnicodeScripts"}`: `pre-tokenizer "UnicodeScripts"`,
		`,"decoder": {"type": "CTC"}`:                  `decoder "CTC"`,
		`,"post_processor": {"type": "Weird"}`:         `post-processor "Weird"`,
		`,"pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "ByteLevel"}, {"type": "Digits"}]}`: "ByteLevel",
	}
	for extra, want := range tests {
		_, err := Parse([]byte(fmt.Sprintf(base, extra)))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one naming %s", extra, err, want)
		}
	}
	if _, err := Parse([]byte(`{"model": {"type": "Unigram", "vocab": []}}`)); err == nil || !strings.Contains(err.Error(), "Unigram") {
		t.Errorf("Unigram model: error %v, want one naming it", err)
	}
}
