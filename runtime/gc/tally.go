package gc

// Tally counts things and the bytes they occupy.
type Tally struct {
	// Count is the number of things (objects, records, runs...).
	Count int `json:"count"`
	// Bytes is the sum of their regular files' sizes.
	Bytes int64 `json:"bytes"`
}

// add counts one more thing of n bytes.
func (t *Tally) add(n int64) {
	t.Count++
	t.Bytes += n
}
