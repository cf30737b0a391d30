package sentencepiece

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/mlpipe/pipeline/stages/tokenize/sentencepiece/internal/spmodel"
)

// testPiece is a vocabulary entry for testModel.
type testPiece struct {
	text  string
	score float32
	typ   PieceType
}

// testModel serializes a ModelProto with the given pieces, trainer and
// normalizer specs (nil: absent) and self-test samples (input, expected
// pairs).
func testModel(t testing.TB, pieces []testPiece, trainer *spmodel.TrainerSpec, normalizer *spmodel.NormalizerSpec, samples ...[2]string) []byte {
	t.Helper()
	m := &spmodel.ModelProto{TrainerSpec: trainer, NormalizerSpec: normalizer}
	for _, p := range pieces {
		sp := &spmodel.ModelProto_SentencePiece{Piece: proto.String(p.text), Score: proto.Float32(p.score)}
		if p.typ != 0 {
			sp.Type = proto.Int32(int32(p.typ))
		}
		m.Pieces = append(m.Pieces, sp)
	}
	if len(samples) > 0 {
		m.SelfTestData = &spmodel.SelfTestData{}
		for _, s := range samples {
			m.SelfTestData.Samples = append(m.SelfTestData.Samples,
				&spmodel.SelfTestData_Sample{Input: proto.String(s[0]), Expected: proto.String(s[1])})
		}
	}
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatalf("serializing a test model: %v", err)
	}
	return b
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
func bpeTrainer() *spmodel.TrainerSpec {
	return &spmodel.TrainerSpec{ModelType: proto.Int32(int32(BPE))}
}

// identityNormalizer is a NormalizerSpec without rules, default flags.
func identityNormalizer() *spmodel.NormalizerSpec {
	return &spmodel.NormalizerSpec{Name: proto.String("identity")}
}
