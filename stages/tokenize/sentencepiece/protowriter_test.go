package sentencepiece

import (
	"encoding/binary"
	"math"
)

// protoWriter serializes protobuf fields, to build model files in tests.
type protoWriter struct{ buf []byte }

func (w *protoWriter) tag(field, wtype int) {
	w.buf = binary.AppendUvarint(w.buf, uint64(field<<3|wtype))
}

func (w *protoWriter) varint(field int, v int64) *protoWriter {
	w.tag(field, wireVarint)
	w.buf = binary.AppendUvarint(w.buf, uint64(v))
	return w
}

func (w *protoWriter) bytes(field int, b []byte) *protoWriter {
	w.tag(field, wireBytes)
	w.buf = binary.AppendUvarint(w.buf, uint64(len(b)))
	w.buf = append(w.buf, b...)
	return w
}

func (w *protoWriter) str(field int, s string) *protoWriter { return w.bytes(field, []byte(s)) }

func (w *protoWriter) float(field int, f float32) *protoWriter {
	w.tag(field, wireFixed32)
	w.buf = binary.LittleEndian.AppendUint32(w.buf, math.Float32bits(f))
	return w
}

// testPiece is a vocabulary entry for testModel.
type testPiece struct {
	text  string
	score float32
	typ   PieceType
}

// testModel serializes a ModelProto with the given pieces and extra trainer
// and normalizer fields (already serialized).
func testModel(pieces []testPiece, trainer, normalizer []byte) []byte {
	var w protoWriter
	for _, p := range pieces {
		var pw protoWriter
		pw.str(1, p.text).float(2, p.score)
		if p.typ != 0 {
			pw.varint(3, int64(p.typ))
		}
		w.bytes(1, pw.buf)
	}
	if trainer != nil {
		w.bytes(2, trainer)
	}
	if normalizer != nil {
		w.bytes(3, normalizer)
	}
	return w.buf
}

// basicPieces is a small vocabulary: unknown, two control symbols, letters
// and a few merges.
func basicPieces() []testPiece {
	return []testPiece{
		{"<unk>", 0, Unknown}, {"<s>", 0, Control}, {"</s>", 0, Control},
		{"▁", -1, Normal}, {"a", -2, Normal}, {"b", -3, Normal}, {"ab", -4, Normal}, {"▁ab", -5, Normal},
	}
}

// bpeTrainer is a TrainerSpec selecting BPE.
func bpeTrainer() []byte {
	var w protoWriter
	return w.varint(3, int64(BPE)).buf
}

// identityNormalizer is a NormalizerSpec without rules, default flags.
func identityNormalizer() []byte {
	var w protoWriter
	return w.str(1, "identity").buf
}
