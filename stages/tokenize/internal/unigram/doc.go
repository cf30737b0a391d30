// Package unigram holds what SentencePiece models and Hugging Face
// tokenizer.json files share for Unigram segmentation: a double-array trie
// over the vocabulary and the Viterbi search for the best-scoring path
// through the lattice of pieces.
package unigram
