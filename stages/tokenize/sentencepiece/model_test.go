package sentencepiece

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/mlpipe/pipeline/stages/tokenize/sentencepiece/internal/spmodel"
)

func TestParseRejectsBadModels(t *testing.T) {
	withPiece := func(p ...testPiece) []byte {
		return testModel(t, append(basicPieces(), p...), bpeTrainer(), identityNormalizer())
	}
	fallbackTrainer := &spmodel.TrainerSpec{ModelType: proto.Int32(int32(BPE)), ByteFallback: proto.Bool(true)}
	badType := &spmodel.TrainerSpec{ModelType: proto.Int32(9)}
	badMap := &spmodel.NormalizerSpec{Name: proto.String("custom"), PrecompiledCharsmap: []byte{0xff, 0xff, 0xff, 0x7f, 1, 2}}
	// A piece written with the wrong wire type is skipped as an unknown
	// field, as every protobuf parser does: the vocabulary then lacks it.
	wrongWireType := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 3)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", withPiece()[:10], "reading ModelProto"},
		{"wrong wire type", wrongWireType, "no unknown piece"},
		{"empty piece", withPiece(testPiece{"", 0, Normal}), "is empty"},
		{"duplicate piece", withPiece(testPiece{"ab", 0, Normal}), `("ab") is already defined`},
		{"two unknowns", withPiece(testPiece{"<unk2>", 0, Unknown}), "unknown piece is already defined"},
		{"no unknown", testModel(t, basicPieces()[1:], bpeTrainer(), nil), "no unknown piece"},
		{"byte piece without fallback", withPiece(testPiece{"<0x41>", 0, Byte}), "byte_fallback is false"},
		{"invalid byte piece", testModel(t, append(basicPieces(), testPiece{"<0x4g>", 0, Byte}), fallbackTrainer, nil), "is invalid"},
		{"missing byte pieces", testModel(t, append(basicPieces(), testPiece{"<0x41>", 0, Byte}), fallbackTrainer, nil), "no byte piece <0x00>"},
		{"unknown piece type", withPiece(testPiece{"z", 0, PieceType(9)}), "unknown type 9"},
		{"unknown model type", testModel(t, basicPieces(), badType, nil), "unknown model type 9"},
		{"broken charsmap", testModel(t, basicPieces(), bpeTrainer(), badMap), "charsmap"},
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

func TestLoadRefusesHugeFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.model")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxModelBytes + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "huge.model: larger than 256 MiB") {
		t.Fatalf("Load: error %v, want one naming the file and the bound", err)
	}
}

func TestAccessors(t *testing.T) {
	m, err := Parse(testModel(t, basicPieces(), bpeTrainer(), identityNormalizer()))
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
	m, err := Parse(testModel(t, basicPieces(), bpeTrainer(), identityNormalizer()))
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
	m, err := Parse(testModel(t, basicPieces(), bpeTrainer(), identityNormalizer()))
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
		return testModel(t, basicPieces(), bpeTrainer(), identityNormalizer(), [2]string{in, expected})
	}
	if _, err := Parse(sample("ab ab", "▁ab ▁ab")); err != nil {
		t.Errorf("passing self-test: %v", err)
	}
	if _, err := Parse(sample("ab ab", "▁a b")); err == nil || !strings.Contains(err.Error(), "self-test") {
		t.Errorf("failing self-test: error %v, want a self-test failure", err)
	}
}
