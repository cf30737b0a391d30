// Package sentencepiece reads SentencePiece `.model` files and encodes and
// decodes text exactly as the C++ library (libsentencepiece 0.1.97) does.
//
// A model file is a serialized ModelProto: the vocabulary (pieces with score
// and type), the trainer's settings and the normalizer's. The package parses
// it with the protobuf types generated from internal/spmodel's schema (the
// fields it uses; a file is at most MaxModelBytes), then encodes text in
// three steps, as the C++ library does:
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
// Exactness follows the C++ code down to its quirks: Unigram candidates are
// scored in double precision and stored as floats (ties between equal-score
// segmentations break as in C++), user-defined symbols score from a maximum
// that starts at FLT_MIN, a character-map match looks at no more than 32
// candidates, malformed UTF-8 becomes U+FFFD one byte at a time, reserved
// pieces are looked up before normal ones, and UNUSED pieces reached by BPE
// merges are split again along the recorded merges.
//
// The tests compare ids, pieces and decoded text with libsentencepiece
// 0.1.97 on every line of the repository's testdata/corpus.txt.gz and on hand-made hard
// cases, for the three reference models and for small models that exercise the
// remaining options; scripts/sentencepiece/gen_golden.py (or go test
// -update) regenerates the goldens from the reference library.
//
// A *Model is immutable once loaded and safe for concurrent use.
package sentencepiece
