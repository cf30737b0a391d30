package sentencepiece

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/mlpipe/pipeline/stages/tokenize/sentencepiece/internal/spmodel"
)

// PieceType is the type of a vocabulary entry (ModelProto.SentencePiece.Type).
type PieceType int32

// Piece types, numbered as in sentencepiece_model.proto.
const (
	Normal      PieceType = 1 // an ordinary piece
	Unknown     PieceType = 2 // the unknown piece, <unk>
	Control     PieceType = 3 // a control symbol such as <s> or </s>: never produced from text
	UserDefined PieceType = 4 // a user-defined symbol: always kept whole, never normalized
	Unused      PieceType = 5 // a piece that encoding never emits
	Byte        PieceType = 6 // a byte-fallback piece, <0x00> … <0xFF>
)

// String names the piece type as the proto enum does.
func (t PieceType) String() string {
	switch t {
	case Normal:
		return "NORMAL"
	case Unknown:
		return "UNKNOWN"
	case Control:
		return "CONTROL"
	case UserDefined:
		return "USER_DEFINED"
	case Unused:
		return "UNUSED"
	case Byte:
		return "BYTE"
	}
	return fmt.Sprintf("PieceType(%d)", int32(t))
}

// ModelType is the segmentation algorithm of a model (TrainerSpec.ModelType).
type ModelType int32

// Model types, numbered as in sentencepiece_model.proto.
const (
	Unigram ModelType = 1 // Unigram language model, Viterbi segmentation
	BPE     ModelType = 2 // byte-pair encoding, merges in score order
	Word    ModelType = 3 // whitespace-delimited words
	Char    ModelType = 4 // one piece per character
)

// String names the model type as the proto enum does.
func (t ModelType) String() string {
	switch t {
	case Unigram:
		return "UNIGRAM"
	case BPE:
		return "BPE"
	case Word:
		return "WORD"
	case Char:
		return "CHAR"
	}
	return fmt.Sprintf("ModelType(%d)", int32(t))
}

// piece is one vocabulary entry.
type piece struct {
	text  string
	score float32
	typ   PieceType
}

// trainerSpec holds the TrainerSpec fields that encoding and decoding use.
type trainerSpec struct {
	modelType               ModelType
	vocabSize               int32
	treatWhitespaceAsSuffix bool
	splitDigits             bool
	byteFallback            bool
	unkPiece, bosPiece      string
	eosPiece, padPiece      string
	unkSurface              string
}

// normalizerSpec holds the NormalizerSpec fields that normalization uses.
type normalizerSpec struct {
	name                   string
	precompiledCharsmap    []byte
	addDummyPrefix         bool
	removeExtraWhitespaces bool
	escapeWhitespaces      bool
}

// selfTestSample is one SelfTestData sample: an input and its expected pieces
// joined by spaces.
type selfTestSample struct {
	input, expected string
}

// modelProto is the decoded ModelProto.
type modelProto struct {
	pieces        []piece
	trainer       trainerSpec
	normalizer    normalizerSpec
	denormalizer  normalizerSpec
	hasDenormSpec bool
	selfTest      []selfTestSample
}

// parseModelProto decodes a serialized ModelProto. Fields it does not need
// are skipped; a repeated embedded message merges into the earlier one, as
// protobuf parsers do.
func parseModelProto(data []byte) (*modelProto, error) {
	var pb spmodel.ModelProto
	if err := proto.Unmarshal(data, &pb); err != nil {
		return nil, fmt.Errorf("reading ModelProto: %w", err)
	}
	m := &modelProto{
		pieces:        make([]piece, len(pb.GetPieces())),
		trainer:       trainerSpecOf(pb.GetTrainerSpec()),
		normalizer:    normalizerSpecOf(pb.GetNormalizerSpec()),
		denormalizer:  normalizerSpecOf(pb.GetDenormalizerSpec()),
		hasDenormSpec: pb.DenormalizerSpec != nil,
	}
	for i, p := range pb.GetPieces() {
		m.pieces[i] = piece{text: p.GetPiece(), score: p.GetScore(), typ: PieceType(p.GetType())}
	}
	for _, s := range pb.GetSelfTestData().GetSamples() {
		m.selfTest = append(m.selfTest, selfTestSample{input: s.GetInput(), expected: s.GetExpected()})
	}
	return m, nil
}

// trainerSpecOf reads the fields of t that encoding uses; an absent spec or
// field has the format's default.
func trainerSpecOf(t *spmodel.TrainerSpec) trainerSpec {
	return trainerSpec{
		modelType:               ModelType(t.GetModelType()),
		vocabSize:               t.GetVocabSize(),
		treatWhitespaceAsSuffix: t.GetTreatWhitespaceAsSuffix(),
		splitDigits:             t.GetSplitDigits(),
		byteFallback:            t.GetByteFallback(),
		unkPiece:                t.GetUnkPiece(),
		bosPiece:                t.GetBosPiece(),
		eosPiece:                t.GetEosPiece(),
		padPiece:                t.GetPadPiece(),
		unkSurface:              t.GetUnkSurface(),
	}
}

// normalizerSpecOf reads n, with the format's defaults where it is absent.
func normalizerSpecOf(n *spmodel.NormalizerSpec) normalizerSpec {
	return normalizerSpec{
		name:                   n.GetName(),
		precompiledCharsmap:    n.GetPrecompiledCharsmap(),
		addDummyPrefix:         n.GetAddDummyPrefix(),
		removeExtraWhitespaces: n.GetRemoveExtraWhitespaces(),
		escapeWhitespaces:      n.GetEscapeWhitespaces(),
	}
}
