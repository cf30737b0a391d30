// Package sentencepiece reads SentencePiece `.model` files and encodes and
// decodes text exactly as the C++ library (libsentencepiece 0.1.97) does.
//
// A model file is a serialized ModelProto: the vocabulary (pieces with score
// and type), the trainer's settings and the normalizer's. The package parses
// it with a small protobuf reader of its own, then encodes text in three
// steps, as the C++ library does:
//
//  1. normalize: apply the precompiled character map (`nmt_nfkc` and other
//     compiled rules) or none (`identity`), add the dummy prefix, remove extra
//     whitespace and escape spaces as U+2581 (▁); user-defined symbols are
//     kept verbatim;
//  2. segment with the model: Unigram (Viterbi over the lattice of pieces),
//     BPE (merges in score order), word or character;
//  3. post-process: runs of unknown pieces become one unknown id, or, with
//     byte fallback, one <0xXX> piece per UTF-8 byte.
//
// The trainer-only options (split_digits, split_by_number, …) change what a
// model contains, not how it encodes: the C++ encoder ignores them, and so
// does this package.
//
// A *Model is immutable once loaded and safe for concurrent use.
package sentencepiece
