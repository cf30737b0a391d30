package sentencepiece

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// Model is a loaded SentencePiece model: its vocabulary, normalizer and
// segmentation algorithm. It is immutable and safe for concurrent use.
type Model struct {
	pieces  []piece
	typ     ModelType
	trainer trainerSpec

	norm   *normalizer
	denorm *normalizer // nil unless the model has denormalization rules

	// pieceIDs holds NORMAL, USER_DEFINED and UNUSED pieces, the ones
	// segmentation may produce; reserved holds CONTROL, UNKNOWN and BYTE.
	pieceIDs map[string]int32
	reserved map[string]int32
	matcher  *prefixMatcher
	byteIDs  [256]int32

	seg  segmenter
	pool sync.Pool // of *scratch, private to this model

	unkID, bosID, eosID, padID int32
	unkRaw                     int32 // the UNKNOWN piece, whatever the trainer spec names
	unkSurface                 string
}

// MaxModelBytes bounds the size of a model file that Load reads; the
// largest published models (256,000 pieces) are under 20 MB.
const MaxModelBytes = 256 << 20

// Load reads and parses the model file at path.
func Load(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("loading sentencepiece model: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxModelBytes {
		return nil, fmt.Errorf("loading sentencepiece model %s: larger than %d MiB", path, MaxModelBytes>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxModelBytes+1))
	if err != nil {
		return nil, fmt.Errorf("loading sentencepiece model %s: %w", path, err)
	}
	if len(data) > MaxModelBytes {
		return nil, fmt.Errorf("loading sentencepiece model %s: larger than %d MiB", path, MaxModelBytes>>20)
	}
	m, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("loading sentencepiece model %s: %w", path, err)
	}
	return m, nil
}

// Parse builds a model from the bytes of a serialized ModelProto. It checks
// the vocabulary as the C++ library does (one unknown piece, no duplicates,
// all 256 byte pieces when byte fallback is on) and runs the model's own
// self-test samples, if it carries any.
func Parse(data []byte) (*Model, error) {
	proto, err := parseModelProto(data)
	if err != nil {
		return nil, fmt.Errorf("parsing model: %w", err)
	}
	m := &Model{pieces: proto.pieces, typ: proto.trainer.modelType, trainer: proto.trainer}
	if err := m.initPieces(); err != nil {
		return nil, fmt.Errorf("parsing model: %w", err)
	}
	if m.norm, err = newNormalizer(proto.normalizer, proto.trainer.treatWhitespaceAsSuffix, m.matcher); err != nil {
		return nil, fmt.Errorf("parsing model: normalizer %q: %w", proto.normalizer.name, err)
	}
	if proto.hasDenormSpec && len(proto.denormalizer.precompiledCharsmap) > 0 {
		if m.denorm, err = newNormalizer(proto.denormalizer, false, nil); err != nil {
			return nil, fmt.Errorf("parsing model: denormalizer %q: %w", proto.denormalizer.name, err)
		}
	}
	switch m.typ {
	case Unigram:
		m.seg, err = newUnigram(m)
	case BPE:
		m.seg, err = newBPE(m)
	case Word:
		m.seg = wordSegmenter{m}
	case Char:
		m.seg = charSegmenter{m}
	default:
		err = fmt.Errorf("unknown model type %d", int32(m.typ))
	}
	if err != nil {
		return nil, fmt.Errorf("parsing model: %s model: %w", m.typ, err)
	}
	m.unkSurface = proto.trainer.unkSurface
	m.unkID = m.specialID(m.trainer.unkPiece, "<unk>", Unknown)
	m.bosID = m.specialID(m.trainer.bosPiece, "<s>", Control)
	m.eosID = m.specialID(m.trainer.eosPiece, "</s>", Control)
	m.padID = m.specialID(m.trainer.padPiece, "<pad>", Control)
	if err := m.selfTest(proto.selfTest); err != nil {
		return nil, fmt.Errorf("parsing model: %w", err)
	}
	return m, nil
}

// initPieces indexes the vocabulary and checks it.
func (m *Model) initPieces() error {
	m.pieceIDs = make(map[string]int32, len(m.pieces))
	m.reserved = make(map[string]int32)
	unk := int32(-1)
	var userDefined []string
	var byteFound [256]bool
	for i, p := range m.pieces {
		id := int32(i)
		if p.text == "" {
			return fmt.Errorf("piece %d is empty", i)
		}
		index := m.reserved
		switch p.typ {
		case Normal, UserDefined, Unused:
			index = m.pieceIDs
		case Unknown, Control, Byte:
		default:
			return fmt.Errorf("piece %d (%q) has unknown type %d", i, p.text, int32(p.typ))
		}
		if _, dup := index[p.text]; dup {
			return fmt.Errorf("piece %d (%q) is already defined", i, p.text)
		}
		index[p.text] = id
		switch p.typ {
		case UserDefined:
			userDefined = append(userDefined, p.text)
		case Unknown:
			if unk >= 0 {
				return fmt.Errorf("piece %d (%q): unknown piece is already defined as piece %d", i, p.text, unk)
			}
			unk = id
		case Byte:
			if !m.trainer.byteFallback {
				return fmt.Errorf("piece %d: byte piece %q is found although byte_fallback is false", i, p.text)
			}
			b := pieceToByte(p.text)
			if b < 0 {
				return fmt.Errorf("piece %d: byte piece %q is invalid", i, p.text)
			}
			byteFound[b] = true
			m.byteIDs[b] = id
		}
	}
	if unk < 0 {
		return fmt.Errorf("the vocabulary has no unknown piece")
	}
	m.unkRaw = unk
	if m.trainer.byteFallback {
		for b, ok := range byteFound {
			if !ok {
				return fmt.Errorf("byte_fallback is true but there is no byte piece %s", byteToPiece(byte(b)))
			}
		}
	}
	var err error
	if m.matcher, err = newPrefixMatcher(userDefined); err != nil {
		return fmt.Errorf("indexing user-defined symbols: %w", err)
	}
	return nil
}

// specialID resolves a special piece the way the C++ processor does: the
// trainer spec's piece (or the default when empty) must exist with the
// wanted type, else -1.
func (m *Model) specialID(name, fallback string, want PieceType) int32 {
	if name == "" {
		name = fallback
	}
	id := m.pieceToID(name)
	if id >= 0 && m.pieces[id].typ == want {
		return id
	}
	return -1
}

// pieceToID returns the id of piece (reserved pieces first, as the C++
// library looks them up), or the unknown id when there is none.
func (m *Model) pieceToID(piece string) int32 {
	if id, ok := m.reserved[piece]; ok {
		return id
	}
	if id, ok := m.pieceIDs[piece]; ok {
		return id
	}
	return m.unkRaw
}

// Type is the model's segmentation algorithm.
func (m *Model) Type() ModelType { return m.typ }

// VocabSize is the number of pieces, special ones included.
func (m *Model) VocabSize() int { return len(m.pieces) }

// IDToPiece returns the piece with the given id, or "" when id is out of range.
func (m *Model) IDToPiece(id int32) string {
	if id < 0 || int(id) >= len(m.pieces) {
		return ""
	}
	return m.pieces[id].text
}

// PieceToID returns the id of a piece and whether the vocabulary has it.
func (m *Model) PieceToID(piece string) (int32, bool) {
	if id, ok := m.reserved[piece]; ok {
		return id, true
	}
	id, ok := m.pieceIDs[piece]
	return id, ok
}

// PieceType returns the type of the piece with the given id, or 0 when id is
// out of range.
func (m *Model) PieceType(id int32) PieceType {
	if id < 0 || int(id) >= len(m.pieces) {
		return 0
	}
	return m.pieces[id].typ
}

// Score returns the score of the piece with the given id (a log probability
// for Unigram, minus the merge rank for BPE), or 0 when id is out of range.
func (m *Model) Score(id int32) float32 {
	if id < 0 || int(id) >= len(m.pieces) {
		return 0
	}
	return m.pieces[id].score
}

// UnkID is the id of the unknown piece, or -1 when the model names none.
func (m *Model) UnkID() int32 { return m.unkID }

// BosID is the id of the beginning-of-sentence control piece, or -1.
func (m *Model) BosID() int32 { return m.bosID }

// EosID is the id of the end-of-sentence control piece, or -1.
func (m *Model) EosID() int32 { return m.eosID }

// PadID is the id of the padding control piece, or -1.
func (m *Model) PadID() int32 { return m.padID }

// ByteFallback reports whether unknown characters are encoded as UTF-8 bytes.
func (m *Model) ByteFallback() bool { return m.trainer.byteFallback }

// NormalizerName is the name of the model's normalization rule set, such as
// "nmt_nfkc" or "identity".
func (m *Model) NormalizerName() string { return m.norm.spec.name }
