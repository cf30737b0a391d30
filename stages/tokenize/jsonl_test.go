package tokenize

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJSONL(t *testing.T) {
	byteTok, err := New(Options{Type: TypeByte, Specials: []string{"<pad>"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in, want string
		decode, pieces bool
		wantErr        string
	}{
		{name: "encode", in: `{"text":"ab"}` + "\n\n" + `{"text":""}` + "\n", want: `{"ids":[97,98]}` + "\n" + `{"ids":[]}` + "\n"},
		{name: "pieces", in: `{"text":"a<"}`, pieces: true, want: `{"ids":[97,60],"pieces":["a","<"]}` + "\n"},
		{name: "decode", decode: true, in: `{"ids":[104,105,256]}`, want: `{"text":"hi<pad>"}` + "\n"},
		{name: "no text", in: `{"txt":"a"}`, wantErr: `line 1: no "text" field`},
		{name: "bad json", in: "{\"text\":\"a\"}\n{", wantErr: "line 2"},
		{name: "no ids", decode: true, in: `{"id":[1]}`, wantErr: `no "ids" field`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			var err error
			if tt.decode {
				err = DecodeJSONL(byteTok, strings.NewReader(tt.in), &out)
			} else {
				err = EncodeJSONL(byteTok, strings.NewReader(tt.in), &out, tt.pieces)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("got %q, want %q", out.String(), tt.want)
			}
		})
	}
}

func TestTrainFilesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(text, []byte("the quick brown fox\njumps over the lazy dog\nthe end\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "tok.json")
	trained, err := TrainFiles(Options{Type: TypeBPE, VocabSize: 300, Specials: []string{"<pad>"}}, []string{text}, out)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"the quick fox", "ünïcödé 😀 never seen", ""} {
		a, b := trained.Encode(s), loaded.Encode(s)
		if !slicesEqual(a, b) {
			t.Errorf("%q: trained %v, loaded %v", s, a, b)
		}
		if got := loaded.Decode(b); got != s {
			t.Errorf("%q does not round-trip: %q", s, got)
		}
	}
	if sp := loaded.SpecialTokens(); len(sp) != 1 || sp[0] != (SpecialToken{"<pad>", 0}) {
		t.Errorf("special tokens %v", sp)
	}
	if _, err := TrainFiles(Options{Type: TypeBPE, VocabSize: 300}, []string{filepath.Join(dir, "missing.txt")}, out); err == nil {
		t.Error("training on a missing file succeeded")
	}
}

func slicesEqual(a, b []int32) bool {
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

func TestEncodeBatchKeepsOrder(t *testing.T) {
	tok, err := New(Options{Type: TypeByte}, nil)
	if err != nil {
		t.Fatal(err)
	}
	texts := make([]string, 1000)
	for i := range texts {
		texts[i] = strings.Repeat("x", i%37)
	}
	for _, workers := range []int{0, 1, 2, 7} {
		got := EncodeBatch(tok, texts, workers)
		for i, ids := range got {
			if len(ids) != i%37 {
				t.Fatalf("workers=%d: text %d has %d ids, want %d", workers, i, len(ids), i%37)
			}
		}
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		path string
		head string
		want Format
	}{
		{"tok.json", ` {"version": "1.0"}`, FormatHF},
		{"x.model", "\x0a\x05hello", FormatSentencePiece},
		{"x.bin", "\x0a\x05hello", ""},
		{"x.txt", "hello", ""},
	}
	for _, tt := range tests {
		got, err := DetectFormat(tt.path, []byte(tt.head))
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("DetectFormat(%s) = %q, %v; want %q", tt.path, got, err, tt.want)
		}
	}
}
