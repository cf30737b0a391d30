package hf

import (
	"encoding/json"
	"fmt"
)

// limits are the truncation and padding a tokenizer.json itself asks for,
// which the reference library applies to every encoding.
type limits struct {
	maxLength   int  // 0: no truncation
	truncLeft   bool // truncation direction Left
	padFixed    int  // pad to this length (0: no fixed padding)
	padMultiple int  // then up to a multiple of this (0: none)
	padLeft     bool
	padID       int32
}

// parseLimits reads the "truncation" and "padding" sections.
func parseLimits(trunc, pad json.RawMessage) (*limits, error) {
	var l limits
	if !isNull(trunc) {
		var t struct {
			MaxLength int    `json:"max_length"`
			Direction string `json:"direction"`
			Strategy  string `json:"strategy"`
		}
		if err := json.Unmarshal(trunc, &t); err != nil {
			return nil, fmt.Errorf("truncation: %w", err)
		}
		if t.MaxLength <= 0 {
			return nil, fmt.Errorf("truncation: max_length %d is not positive", t.MaxLength)
		}
		switch t.Strategy {
		case "", "LongestFirst", "OnlyFirst":
		default:
			return nil, fmt.Errorf("truncation strategy %q is not supported", t.Strategy)
		}
		l.maxLength, l.truncLeft = t.MaxLength, t.Direction == "Left"
	}
	if !isNull(pad) {
		var p struct {
			Strategy        json.RawMessage `json:"strategy"`
			Direction       string          `json:"direction"`
			PadToMultipleOf *int            `json:"pad_to_multiple_of"`
			PadID           int32           `json:"pad_id"`
		}
		if err := json.Unmarshal(pad, &p); err != nil {
			return nil, fmt.Errorf("padding: %w", err)
		}
		var fixed struct {
			Fixed int `json:"Fixed"`
		}
		var name string
		switch {
		case json.Unmarshal(p.Strategy, &name) == nil && name == "BatchLongest":
			// A single sequence is its batch's longest.
		case json.Unmarshal(p.Strategy, &fixed) == nil && fixed.Fixed > 0:
			l.padFixed = fixed.Fixed
		default:
			return nil, fmt.Errorf("padding strategy %s is not supported", p.Strategy)
		}
		if p.PadToMultipleOf != nil {
			l.padMultiple = *p.PadToMultipleOf
		}
		l.padLeft, l.padID = p.Direction == "Left", p.PadID
	}
	if l == (limits{}) {
		return nil, nil
	}
	return &l, nil
}

// truncate cuts bare ids so that, with n special tokens added, they fit.
func (l *limits) truncate(ids []int32, n int) []int32 {
	if l == nil || l.maxLength == 0 {
		return ids
	}
	keep := max(l.maxLength-n, 0)
	if len(ids) <= keep {
		return ids
	}
	if l.truncLeft {
		return ids[len(ids)-keep:]
	}
	return ids[:keep]
}

// pad pads finished ids to the fixed length and multiple.
func (l *limits) pad(ids []int32) []int32 {
	if l == nil {
		return ids
	}
	target := len(ids)
	if l.padFixed > target {
		target = l.padFixed
	}
	if l.padMultiple > 0 && target%l.padMultiple != 0 {
		target += l.padMultiple - target%l.padMultiple
	}
	if target == len(ids) {
		return ids
	}
	out := make([]int32, target)
	for i := range out {
		out[i] = l.padID
	}
	if l.padLeft {
		copy(out[target-len(ids):], ids)
	} else {
		copy(out, ids)
	}
	return out
}
