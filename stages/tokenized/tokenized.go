// Package tokenized is the contract of a tokenized table: the columns the
// tokenizing kind adds to each row and the schema metadata naming the
// tokenizer it used. The tokenizing kind writes it; training, evaluation
// and prediction read it by these names.
package tokenized

// Columns of a tokenized table, beside the input's columns it keeps.
const (
	// IDs holds each row's token ids (padded to a fixed length when the
	// tokenizer pads).
	IDs = "input_ids"
	// Mask holds 1 for a real token and 0 for padding.
	Mask = "attention_mask"
	// Window numbers the window of a long text split into several rows.
	Window = "window"
)

// Schema metadata keys: the tokenizer a table was made with.
const (
	MetaType      = "tokenizer.type"
	MetaVocabSize = "tokenizer.vocab_size"
	MetaPadID     = "tokenizer.pad_id"
	MetaDigest    = "tokenizer.digest"
)
