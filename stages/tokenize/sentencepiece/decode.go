package sentencepiece

import (
	"fmt"
	"strings"
)

// Decode turns ids back into text as the C++ library does: ▁ becomes a
// space, the dummy prefix (and, when the model removes extra whitespace, all
// leading ▁) is dropped, control pieces vanish, the unknown piece becomes the
// model's unknown surface (" ⁇ " by default) and runs of byte pieces are
// reassembled into UTF-8, each malformed byte becoming U+FFFD. An id outside
// the vocabulary decodes as the unknown surface; use DecodeStrict to get an
// error instead.
func (m *Model) Decode(ids []int32) string {
	s, _ := m.decode(ids, false)
	return s
}

// DecodeStrict is Decode, but an id outside the vocabulary is an error.
func (m *Model) DecodeStrict(ids []int32) (string, error) {
	return m.decode(ids, true)
}

func (m *Model) decode(ids []int32, strict bool) (string, error) {
	var text strings.Builder
	var bytes []byte
	flushBytes := func() {
		for i := 0; i < len(bytes); {
			l, ok := validPrefix(bytesToString(bytes[i:]))
			if ok {
				text.Write(bytes[i : i+l])
			} else {
				text.WriteString(replacementChar)
			}
			i += l
		}
		bytes = bytes[:0]
	}
	stripLeading := m.norm.spec.addDummyPrefix || m.norm.spec.removeExtraWhitespaces
	isBosWS, bosWSSeen := true, false
	for i, id := range ids {
		typ := Unknown
		if id >= 0 && int(id) < len(m.pieces) {
			typ = m.pieces[id].typ
		} else if strict {
			return "", fmt.Errorf("decoding id %d at position %d: out of range [0, %d)", id, i, len(m.pieces))
		}
		if typ == Byte {
			bytes = append(bytes, byte(pieceToByte(m.pieces[id].text)))
			continue
		}
		flushBytes()
		if bosWSSeen || text.Len() > 0 {
			isBosWS = false
		}
		bosWSSeen = false
		switch typ {
		case Control:
			continue
		case Unknown:
			text.WriteString(m.unkSurface)
			continue
		}
		w := m.pieces[id].text
		if isBosWS && stripLeading {
			if strings.HasPrefix(w, spaceSymbol) {
				w = w[len(spaceSymbol):]
				bosWSSeen = !m.norm.spec.removeExtraWhitespaces
			}
		}
		text.WriteString(strings.ReplaceAll(w, spaceSymbol, " "))
	}
	flushBytes()
	out := text.String()
	if m.denorm != nil {
		out = string(m.denorm.normalize(nil, out))
	}
	return out, nil
}
