package sentencepiece

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

func TestParseRejectsBadModels(t *testing.T) {
	withPiece := func(p ...testPiece) []byte {
		return testModel(append(basicPieces(), p...), bpeTrainer(), identityNormalizer())
	}
	var fallbackTrainer protoWriter
	fallbackTrainer.varint(3, int64(BPE)).varint(35, 1)
	var badType protoWriter
	badType.varint(3, 9)
	var badMap protoWriter
	badMap.str(1, "custom").bytes(2, []byte{0xff, 0xff, 0xff, 0x7f, 1, 2})
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", withPiece()[:10], "truncated"},
		{"wrong wire type", (&protoWriter{}).varint(1, 3).buf, "wire type"},
		{"empty piece", withPiece(testPiece{"", 0, Normal}), "is empty"},
		{"duplicate piece", withPiece(testPiece{"ab", 0, Normal}), `("ab") is already defined`},
		{"two unknowns", withPiece(testPiece{"<unk2>", 0, Unknown}), "unknown piece is already defined"},
		{"no unknown", testModel(basicPieces()[1:], bpeTrainer(), nil), "no unknown piece"},
		{"byte piece without fallback", withPiece(testPiece{"<0x41>", 0, Byte}), "byte_fallback is false"},
		{"invalid byte piece", testModel(append(basicPieces(), testPiece{"<0x4g>", 0, Byte}), fallbackTrainer.buf, nil), "is invalid"},
		{"missing byte pieces", testModel(append(basicPieces(), testPiece{"<0x41>", 0, Byte}), fallbackTrainer.buf, nil), "no byte piece <0x00>"},
		{"unknown piece type", withPiece(testPiece{"z", 0, PieceType(9)}), "unknown type 9"},
		{"unknown model type", testModel(basicPieces(), badType.buf, nil), "unknown model type 9"},
		{"broken charsmap", testModel(basicPieces(), bpeTrainer(), badMap.buf), "charsmap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse: error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	_, err := Load("testdata/no-such.model")
	if err == nil || !strings.Contains(err.Error(), "no-such.model") {
		t.Fatalf("Load: error %v, want one naming the file", err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load: error %v does not wrap fs.ErrNotExist", err)
	}
}

func TestAccessors(t *testing.T) {
	m, err := Parse(testModel(basicPieces(), bpeTrainer(), identityNormalizer()))
	if err != nil {
		t.Fatal(err)
	}
	if m.Type() != BPE || m.Type().String() != "BPE" {
		t.Errorf("Type() = %v", m.Type())
	}
	if m.VocabSize() != 8 {
		t.Errorf("VocabSize() = %d, want 8", m.VocabSize())
	}
	// The default TrainerSpec names pad_piece <pad>, which this vocabulary lacks.
	if got := []int32{m.UnkID(), m.BosID(), m.EosID(), m.PadID()}; !slices.Equal(got, []int32{0, 1, 2, -1}) {
		t.Errorf("special ids = %v, want [0 1 2 -1]", got)
	}
	tests := []struct {
		piece string
		id    int32
		ok    bool
	}{{"<unk>", 0, true}, {"</s>", 2, true}, {"ab", 6, true}, {"zz", 0, false}}
	for _, tt := range tests {
		if id, ok := m.PieceToID(tt.piece); ok != tt.ok || (ok && id != tt.id) {
			t.Errorf("PieceToID(%q) = %d, %v; want %d, %v", tt.piece, id, ok, tt.id, tt.ok)
		}
	}
	if m.IDToPiece(7) != "▁ab" || m.IDToPiece(8) != "" || m.IDToPiece(-1) != "" {
		t.Errorf("IDToPiece: %q %q %q", m.IDToPiece(7), m.IDToPiece(8), m.IDToPiece(-1))
	}
	if m.PieceType(1) != Control || m.PieceType(99) != 0 || m.Score(6) != -4 || m.Score(-3) != 0 {
		t.Errorf("PieceType/Score: %v %v %v %v", m.PieceType(1), m.PieceType(99), m.Score(6), m.Score(-3))
	}
	if m.ByteFallback() || m.NormalizerName() != "identity" {
		t.Errorf("ByteFallback() = %v, NormalizerName() = %q", m.ByteFallback(), m.NormalizerName())
	}
}

func TestEncodeSmallBPE(t *testing.T) {
	m, err := Parse(testModel(basicPieces(), bpeTrainer(), identityNormalizer()))
	if err != nil {
		t.Fatal(err)
	}
	// Default normalizer flags: dummy prefix, extra whitespace removed.
	tests := []struct {
		in     string
		ids    []int32
		pieces []string
	}{
		{"", nil, nil},
		{"ab", []int32{7}, []string{"▁ab"}},
		{"  ab   ab ", []int32{7, 7}, []string{"▁ab", "▁ab"}},
		{"abba", []int32{7, 5, 4}, []string{"▁ab", "b", "a"}},
		{"axyb", []int32{3, 4, 0, 5}, []string{"▁", "a", "xy", "b"}},
	}
	for _, tt := range tests {
		if got := m.Encode(tt.in); !slices.Equal(got, tt.ids) {
			t.Errorf("Encode(%q) = %v, want %v", tt.in, got, tt.ids)
		}
		if got := m.EncodePieces(tt.in); !slices.Equal(got, tt.pieces) {
			t.Errorf("EncodePieces(%q) = %q, want %q", tt.in, got, tt.pieces)
		}
	}
}

func TestDecodeOutOfRange(t *testing.T) {
	m, err := Parse(testModel(basicPieces(), bpeTrainer(), identityNormalizer()))
	if err != nil {
		t.Fatal(err)
	}
	ids := []int32{7, 99, 1, 5}
	if got, want := m.Decode(ids), "ab ⁇ b"; got != want {
		t.Errorf("Decode(%v) = %q, want %q", ids, got, want)
	}
	if _, err := m.DecodeStrict(ids); err == nil || !strings.Contains(err.Error(), "id 99 at position 1") {
		t.Errorf("DecodeStrict(%v): error %v, want one naming id 99 at position 1", ids, err)
	}
	if got, err := m.DecodeStrict([]int32{7, 7}); err != nil || got != "ab ab" {
		t.Errorf("DecodeStrict = %q, %v; want \"ab ab\"", got, err)
	}
}

func TestSelfTest(t *testing.T) {
	sample := func(in, expected string) []byte {
		var s, d protoWriter
		s.str(1, in).str(2, expected)
		d.bytes(1, s.buf)
		var w protoWriter
		w.buf = testModel(basicPieces(), bpeTrainer(), identityNormalizer())
		return w.bytes(4, d.buf).buf
	}
	if _, err := Parse(sample("ab ab", "▁ab ▁ab")); err != nil {
		t.Errorf("passing self-test: %v", err)
	}
	if _, err := Parse(sample("ab ab", "▁a b")); err == nil || !strings.Contains(err.Error(), "self-test") {
		t.Errorf("failing self-test: error %v, want a self-test failure", err)
	}
}
