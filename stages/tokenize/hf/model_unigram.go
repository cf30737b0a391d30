package hf

import (
	"encoding/json"
	"fmt"
	"math"
	"sync"

	"github.com/mlpipe/pipeline/stages/tokenize/internal/unigram"
)

// unkPenalty is subtracted from the lowest score to score an unknown
// character, as in the reference library.
const unkPenalty = 10.0

// unigramModel is the Unigram model: the best-scoring segmentation of a word
// into vocabulary pieces (Viterbi), consecutive unknown characters fused into
// one piece, which becomes the unknown id or, with byte_fallback, its bytes'
// <0xXX> tokens.
type unigramModel struct {
	v            *vocab
	lattice      *unigram.Lattice
	unk          int32
	byteFallback bool
	byteIDs      [256]int32 // <0xXX> ids; -1 where absent
	pool         sync.Pool  // of *[]unigram.Node
}

func (m *unigramModel) vocab() *vocab { return m.v }

// unigramSpec is the Unigram model's fields.
type unigramSpec struct {
	Vocab        [][2]json.RawMessage `json:"vocab"`
	UnkID        *int32               `json:"unk_id"`
	ByteFallback bool                 `json:"byte_fallback"`
}

// parseUnigram reads a Unigram model: vocab as [piece, score] pairs, by id.
func parseUnigram(m json.RawMessage) (*unigramModel, error) {
	var s unigramSpec
	if err := json.Unmarshal(m, &s); err != nil {
		return nil, fmt.Errorf("Unigram: %w", err)
	}
	if len(s.Vocab) == 0 {
		return nil, fmt.Errorf("Unigram: the vocabulary is empty")
	}
	if len(s.Vocab) > maxUnigramPieces {
		return nil, fmt.Errorf("Unigram: %d pieces exceed %d", len(s.Vocab), maxUnigramPieces)
	}
	if s.UnkID == nil {
		return nil, fmt.Errorf("Unigram without an unk_id is not supported")
	}
	if *s.UnkID < 0 || int(*s.UnkID) >= len(s.Vocab) {
		return nil, fmt.Errorf("Unigram: unk_id %d is outside the %d pieces", *s.UnkID, len(s.Vocab))
	}
	v := &vocab{tokens: make([]string, len(s.Vocab)), ids: make(map[string]int32, len(s.Vocab))}
	scores := make([]float64, len(s.Vocab))
	entries := make([]unigram.Entry, 0, len(s.Vocab))
	minScore := math.Inf(1)
	for i, pair := range s.Vocab {
		var piece string
		if err := json.Unmarshal(pair[0], &piece); err != nil {
			return nil, fmt.Errorf("Unigram vocab[%d]: piece: %w", i, err)
		}
		if err := json.Unmarshal(pair[1], &scores[i]); err != nil {
			return nil, fmt.Errorf("Unigram vocab[%d] %q: score: %w", i, piece, err)
		}
		if _, dup := v.ids[piece]; dup {
			return nil, fmt.Errorf("Unigram vocab[%d]: piece %q is already in the vocabulary", i, piece)
		}
		v.tokens[i], v.ids[piece] = piece, int32(i)
		minScore = min(minScore, scores[i])
		if piece != "" {
			entries = append(entries, unigram.Entry{Key: piece, Value: int32(i)})
		}
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("Unigram: every piece is empty")
	}
	t, err := unigram.BuildTrie(entries)
	if err != nil {
		return nil, fmt.Errorf("Unigram: %w", err)
	}
	l, err := unigram.NewLattice(t, scores, *s.UnkID, minScore-unkPenalty, false)
	if err != nil {
		return nil, fmt.Errorf("Unigram: %w", err)
	}
	u := &unigramModel{v: v, lattice: l, unk: *s.UnkID, byteFallback: s.ByteFallback}
	for b := range 256 {
		u.byteIDs[b] = -1
		if id, ok := v.id(fmt.Sprintf("<0x%02X>", b)); ok {
			u.byteIDs[b] = id
		}
	}
	return u, nil
}

func (m *unigramModel) tokenize(word string, dst []int32) []int32 {
	if word == "" {
		return dst
	}
	buf, _ := m.pool.Get().(*[]unigram.Node)
	if buf == nil {
		buf = new([]unigram.Node)
	}
	best := m.lattice.Best(*buf, word)
	// Walk the best path back to front, then reverse what this word added.
	first := len(dst)
	for end := len(word); end > 0; {
		n := best[end]
		if n.ID != m.unk {
			dst = append(dst, n.ID)
			end = int(n.StartsAt)
			continue
		}
		// A run of unknown pieces is one piece.
		start := int(n.StartsAt)
		for start > 0 && best[start].ID == m.unk {
			start = int(best[start].StartsAt)
		}
		dst = m.appendUnknown(dst, word[start:end])
		end = start
	}
	for i, j := first, len(dst)-1; i < j; i, j = i+1, j-1 {
		dst[i], dst[j] = dst[j], dst[i]
	}
	*buf = best
	m.pool.Put(buf)
	return dst
}

// appendUnknown appends, in reverse order, the ids of a fused unknown piece:
// its own id if the vocabulary has it, else its bytes' tokens with
// byte_fallback (when all exist), else the unknown id.
func (m *unigramModel) appendUnknown(dst []int32, piece string) []int32 {
	if id, ok := m.v.ids[piece]; ok {
		return append(dst, id)
	}
	if m.byteFallback {
		ok := true
		for i := 0; i < len(piece); i++ {
			ok = ok && m.byteIDs[piece[i]] >= 0
		}
		if ok {
			for i := len(piece) - 1; i >= 0; i-- {
				dst = append(dst, m.byteIDs[piece[i]])
			}
			return dst
		}
	}
	return append(dst, m.unk)
}
