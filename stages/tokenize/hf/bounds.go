package hf

import "time"

// Bounds on what a tokenizer.json may ask for, so that a hostile or broken
// file is refused (or stopped) instead of exhausting memory or time.
const (
	// maxComponentDepth bounds the nesting of Sequence components.
	maxComponentDepth = 32
	// maxPatternBytes bounds a regular expression of Split or Replace.
	maxPatternBytes = 4 << 10
	// maxCharsmapBytes bounds a decoded precompiled_charsmap.
	maxCharsmapBytes = 16 << 20
	// maxUnigramPieces bounds a Unigram vocabulary.
	maxUnigramPieces = 4 << 20
	// regexBacktrackSlots bounds one search's backtracking stack.
	regexBacktrackSlots = 1 << 20
)

// regexMatchTimeout bounds the time one search of a regular expression may
// take; the backtracking engine gives up after it. Tests shorten it.
var regexMatchTimeout = 2 * time.Second
