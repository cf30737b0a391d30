package predict

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
)

var texts = []string{"the cat sat", "win money now", "on the mat", "click here", "hello"}

// jsonlInput is texts as JSONL, with ids "t0"... and a blank line after the second.
func jsonlInput() string {
	var b strings.Builder
	for i, s := range texts {
		fmt.Fprintf(&b, "{\"id\": \"t%d\", \"text\": %q}\n", i, s)
		if i == 1 {
			b.WriteString("  \n")
		}
	}
	return b.String()
}

func predictJSONL(t *testing.T, model string, batch int, in string, o StreamOptions) ([]map[string]any, error) {
	t.Helper()
	m, err := OpenModel(model, "go", batch)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var out bytes.Buffer
	err = PredictJSONL(context.Background(), m, strings.NewReader(in), &out, o)
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if l == "" {
			continue
		}
		var v map[string]any
		if jerr := json.Unmarshal([]byte(l), &v); jerr != nil {
			t.Fatalf("output line %q: %v", l, jerr)
		}
		lines = append(lines, v)
	}
	return lines, err
}

// tokenizedInput writes texts tokenized with the model's tokenizer as the stage's input.
func tokenizedInput(t *testing.T, model string) string {
	t.Helper()
	m, err := OpenModel(model, "go", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	rows := make([][]int32, len(texts))
	for i, s := range texts {
		if rows[i], err = m.Encode(s); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "texts")
	writeTable(t, path, rows, m.Meta.Tokenizer, nil)
	return path
}

func TestPredictJSONLClassifier(t *testing.T) {
	model, _ := hfFixture(t, "tiny-bert", []string{"ham", "spam", "ham", "spam", "ham"}, 16)
	o := StreamOptions{Field: "text", Sampling: Sampling{Strategy: Greedy, Temperature: 1, TopP: 1, MaxNewTokens: 1, StopID: NoStop}}
	one, err := predictJSONL(t, model, 1, jsonlInput(), o)
	if err != nil {
		t.Fatal(err)
	}
	three, err := predictJSONL(t, model, 3, jsonlInput(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(one) != len(texts) || fmt.Sprint(one) != fmt.Sprint(three) {
		t.Fatalf("batch 1: %v\nbatch 3: %v", one, three)
	}
	// The stage on the same tokens gives the same probabilities.
	out, _ := runPredict(t, nil, model, tokenizedInput(t, model))
	rec := readAll(t, out)
	defer rec.Release()
	for i, l := range one {
		probs := l["probs"].(map[string]any)
		ph, ps := probs["ham"].(float64), probs["spam"].(float64)
		if l["id"] != fmt.Sprintf("t%d", i) || l["label"] != rec.Column(1).(*array.String).Value(i) ||
			ph != rec.Column(3).(*array.Float64).Value(i) || ps != rec.Column(4).(*array.Float64).Value(i) ||
			l["probability"] != math.Max(ph, ps) {
			t.Errorf("line %d: %v; the stage: %v %v %v", i+1, l, rec.Column(1).(*array.String).Value(i), rec.Column(3).(*array.Float64).Value(i), rec.Column(4).(*array.Float64).Value(i))
		}
	}

	// A bad line is reported with its number once the lines before it are written.
	long := `{"text": "` + strings.Repeat("a", MaxLineBytes) + `"}`
	for in, want := range map[string]string{
		"{\"text\": \"a\"}\n{\"text\": \"b\"}\nnot json\n":         "line 3: not a JSON object",
		"{\"text\": \"a\"}\n{\"text\": \"b\"}\n[1]\n":              "line 3: not a JSON object",
		"{\"text\": \"a\"}\n{\"text\": \"b\"}\nnull\n":             "line 3: not a JSON object",
		"{\"text\": \"a\"}\n{\"text\": \"b\"}\n{}\n":               `line 3: no "text" field`,
		"{\"text\": \"a\"}\n{\"text\": \"b\"}\n{\"text\": 3}\n":    `line 3: field "text" is not a string`,
		"{\"text\": \"a\"}\n{\"text\": \"b\"}\n{\"text\": null}\n": `line 3: field "text" is not a string`,
		"{\"text\": \"a\"}\n{\"text\": \"b\"}\n" + long + "\n{}\n": fmt.Sprintf("line 3: longer than %d bytes", MaxLineBytes),
	} {
		lines, err := predictJSONL(t, model, 4, in, o)
		if err == nil || !strings.Contains(err.Error(), want) || len(lines) != 2 {
			t.Errorf("%.40q: %d lines, %v; want 2 and %q", in, len(lines), err, want)
		}
	}
	// A line of exactly MaxLineBytes is fine.
	exact := `{"text": "` + strings.Repeat("a", MaxLineBytes-12) + `"}`
	if lines, err := predictJSONL(t, model, 4, exact+"\r\n", o); err != nil || len(lines) != 1 || len(exact) != MaxLineBytes {
		t.Errorf("a line of %d bytes: %d lines, %v", len(exact), len(lines), err)
	}
}

func TestPredictJSONLGeneration(t *testing.T) {
	model, _ := hfFixture(t, "tiny-gpt2", nil, 32)
	o := StreamOptions{Field: "text", Sampling: Sampling{Strategy: Sample, Temperature: 1.2, TopK: 20, TopP: 0.9, MaxNewTokens: 5, StopID: NoStop, Seed: 3}}
	got, err := predictJSONL(t, model, 2, jsonlInput(), o)
	if err != nil {
		t.Fatal(err)
	}
	// The stage, seeded alike (its test seed is 3), samples the same tokens.
	out, _ := runPredict(t, map[string]any{"strategy": Sample, "temperature": 1.2, "top_k": int64(20), "top_p": 0.9, "max_new_tokens": int64(5)}, model, tokenizedInput(t, model))
	rec := readAll(t, out)
	defer rec.Release()
	want := generatedIDs(t, rec)
	if len(got) != len(texts) || len(want) != len(texts) {
		t.Fatalf("%d lines, the stage %d rows", len(got), len(want))
	}
	for i, l := range got {
		var ids []int32
		for _, v := range l["generated_ids"].([]any) {
			ids = append(ids, int32(v.(float64)))
		}
		if !slices.Equal(ids, want[i]) || l["generated"] != rec.Column(3).(*array.String).Value(i) || l["id"] != fmt.Sprintf("t%d", i) {
			t.Errorf("line %d: %v; the stage: %v %q", i+1, l, want[i], rec.Column(3).(*array.String).Value(i))
		}
	}
}

func TestPredictJSONLNeedsTokenizer(t *testing.T) {
	model, _ := nativeClassifier(t)
	_, err := predictJSONL(t, model, 2, jsonlInput(), StreamOptions{Field: "text"})
	if err == nil || !strings.Contains(err.Error(), "has no tokenizer.json") || !strings.Contains(err.Error(), model) {
		t.Errorf("an engine-native model without a tokenizer: %v", err)
	}
}
