package hf

// vocab maps tokens to ids and back.
type vocab struct {
	tokens []string // by id; "" where no token has the id
	ids    map[string]int32
}

func newVocab(m map[string]int32) *vocab {
	v := &vocab{ids: make(map[string]int32, len(m))}
	for tok, id := range m {
		v.set(tok, id)
	}
	return v
}

func (v *vocab) set(tok string, id int32) {
	for int(id) >= len(v.tokens) {
		v.tokens = append(v.tokens, "")
	}
	v.tokens[id] = tok
	v.ids[tok] = id
}

func (v *vocab) token(id int32) (string, bool) {
	if id < 0 || int(id) >= len(v.tokens) {
		return "", false
	}
	t := v.tokens[id]
	if t == "" {
		_, ok := v.ids[""]
		return "", ok && v.ids[""] == id
	}
	return t, true
}

func (v *vocab) id(tok string) (int32, bool) {
	id, ok := v.ids[tok]
	return id, ok
}
