// Package charsmap reads the precompiled character maps of SentencePiece
// models, which Hugging Face tokenizer.json files also carry (base64, in
// their Precompiled normalizer): a darts-clone double-array trie from input
// byte strings to offsets into a blob of NUL-terminated replacements.
package charsmap
