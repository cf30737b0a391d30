package sentencepiece

import "fmt"

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

// trainerSpec holds the TrainerSpec fields that encoding and decoding use,
// with the proto's defaults.
type trainerSpec struct {
	modelType               ModelType
	vocabSize               int32
	treatWhitespaceAsSuffix bool
	splitDigits             bool
	byteFallback            bool
	unkPiece, bosPiece      string
	eosPiece, padPiece      string
	unkSurface              string
	hasUnkSurface           bool
}

func defaultTrainerSpec() trainerSpec {
	return trainerSpec{
		modelType:  Unigram,
		vocabSize:  8000,
		unkPiece:   "<unk>",
		bosPiece:   "<s>",
		eosPiece:   "</s>",
		padPiece:   "<pad>",
		unkSurface: " \u2047 ",
	}
}

// normalizerSpec holds a NormalizerSpec with the proto's defaults.
type normalizerSpec struct {
	name                   string
	precompiledCharsmap    []byte
	addDummyPrefix         bool
	removeExtraWhitespaces bool
	escapeWhitespaces      bool
}

func defaultNormalizerSpec() normalizerSpec {
	return normalizerSpec{addDummyPrefix: true, removeExtraWhitespaces: true, escapeWhitespaces: true}
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
	m := &modelProto{
		trainer:      defaultTrainerSpec(),
		normalizer:   defaultNormalizerSpec(),
		denormalizer: defaultNormalizerSpec(),
	}
	r := wireReader{buf: data}
	for {
		field, wt, ok, err := r.next()
		if err != nil {
			return nil, fmt.Errorf("reading ModelProto: %w", err)
		}
		if !ok {
			return m, nil
		}
		switch field {
		case 1, 2, 3, 4, 5:
			if err := expect(field, wt, wireBytes); err != nil {
				return nil, fmt.Errorf("reading ModelProto: %w", err)
			}
			b, err := r.bytes()
			if err != nil {
				return nil, fmt.Errorf("reading ModelProto field %d: %w", field, err)
			}
			switch field {
			case 1:
				p, err := parsePiece(b)
				if err != nil {
					return nil, fmt.Errorf("reading piece %d: %w", len(m.pieces), err)
				}
				m.pieces = append(m.pieces, p)
			case 2:
				err = parseTrainerSpec(b, &m.trainer)
			case 3:
				err = parseNormalizerSpec(b, &m.normalizer)
			case 4:
				err = parseSelfTestData(b, &m.selfTest)
			case 5:
				m.hasDenormSpec = true
				err = parseNormalizerSpec(b, &m.denormalizer)
			}
			if err != nil {
				return nil, fmt.Errorf("reading ModelProto field %d: %w", field, err)
			}
		default:
			if err := r.skip(wt); err != nil {
				return nil, fmt.Errorf("reading ModelProto: skipping field %d: %w", field, err)
			}
		}
	}
}

func parsePiece(b []byte) (piece, error) {
	p := piece{typ: Normal}
	r := wireReader{buf: b}
	for {
		field, wt, ok, err := r.next()
		if err != nil || !ok {
			return p, err
		}
		switch field {
		case 1:
			if err = expect(field, wt, wireBytes); err == nil {
				p.text, err = r.readString()
			}
		case 2:
			if err = expect(field, wt, wireFixed32); err == nil {
				p.score, err = r.readFloat()
			}
		case 3:
			if err = expect(field, wt, wireVarint); err == nil {
				var t int32
				t, err = r.readInt32()
				p.typ = PieceType(t)
			}
		default:
			err = r.skip(wt)
		}
		if err != nil {
			return p, err
		}
	}
}

func parseTrainerSpec(b []byte, t *trainerSpec) error {
	r := wireReader{buf: b}
	for {
		field, wt, ok, err := r.next()
		if err != nil || !ok {
			return err
		}
		switch field {
		case 3, 4, 24, 25, 35:
			if err = expect(field, wt, wireVarint); err != nil {
				return err
			}
			var v int32
			if v, err = r.readInt32(); err != nil {
				return err
			}
			switch field {
			case 3:
				t.modelType = ModelType(v)
			case 4:
				t.vocabSize = v
			case 24:
				t.treatWhitespaceAsSuffix = v != 0
			case 25:
				t.splitDigits = v != 0
			case 35:
				t.byteFallback = v != 0
			}
		case 44, 45, 46, 47, 48:
			if err = expect(field, wt, wireBytes); err != nil {
				return err
			}
			var s string
			if s, err = r.readString(); err != nil {
				return err
			}
			switch field {
			case 44:
				t.unkSurface, t.hasUnkSurface = s, true
			case 45:
				t.unkPiece = s
			case 46:
				t.bosPiece = s
			case 47:
				t.eosPiece = s
			case 48:
				t.padPiece = s
			}
		default:
			if err = r.skip(wt); err != nil {
				return err
			}
		}
	}
}

func parseNormalizerSpec(b []byte, n *normalizerSpec) error {
	r := wireReader{buf: b}
	for {
		field, wt, ok, err := r.next()
		if err != nil || !ok {
			return err
		}
		switch field {
		case 1:
			if err = expect(field, wt, wireBytes); err == nil {
				n.name, err = r.readString()
			}
		case 2:
			if err = expect(field, wt, wireBytes); err == nil {
				n.precompiledCharsmap, err = r.bytes()
			}
		case 3, 4, 5:
			if err = expect(field, wt, wireVarint); err == nil {
				var v bool
				v, err = r.readBool()
				switch field {
				case 3:
					n.addDummyPrefix = v
				case 4:
					n.removeExtraWhitespaces = v
				case 5:
					n.escapeWhitespaces = v
				}
			}
		default:
			err = r.skip(wt)
		}
		if err != nil {
			return err
		}
	}
}

func parseSelfTestData(b []byte, out *[]selfTestSample) error {
	r := wireReader{buf: b}
	for {
		field, wt, ok, err := r.next()
		if err != nil || !ok {
			return err
		}
		if field != 1 {
			if err = r.skip(wt); err != nil {
				return err
			}
			continue
		}
		if err = expect(field, wt, wireBytes); err != nil {
			return err
		}
		sb, err := r.bytes()
		if err != nil {
			return err
		}
		var s selfTestSample
		sr := wireReader{buf: sb}
		for {
			f, swt, ok, err := sr.next()
			if err != nil {
				return fmt.Errorf("self-test sample %d: %w", len(*out), err)
			}
			if !ok {
				break
			}
			switch f {
			case 1, 2:
				if err = expect(f, swt, wireBytes); err != nil {
					return fmt.Errorf("self-test sample %d: %w", len(*out), err)
				}
				v, err := sr.readString()
				if err != nil {
					return fmt.Errorf("self-test sample %d: %w", len(*out), err)
				}
				if f == 1 {
					s.input = v
				} else {
					s.expected = v
				}
			default:
				if err = sr.skip(swt); err != nil {
					return fmt.Errorf("self-test sample %d: %w", len(*out), err)
				}
			}
		}
		*out = append(*out, s)
	}
}
