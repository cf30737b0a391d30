// Builds three test tokenizers in the styles that SentencePiece-converted and
// custom tokenizer.json files use, and has npm tokenizers 0.23.2 load each:
//
//   metaspace: Metaspace pre-tokenizer and decoder (prepend "first"), BPE
//              with byte fallback, added tokens with lstrip / rstrip /
//              single_word;
//   llama:     Prepend + Replace normalizers, no pre-tokenizer, BPE with
//              byte fallback and fused unknowns, decoders Replace,
//              ByteFallback, Fuse, Strip;
//   splits:    the WordPiece vocabulary behind NFKC + Lowercase and a
//              Sequence of Punctuation, Split, Digits and CharDelimiterSplit.
//
// The BPE vocabulary is the printable-ASCII part of the shared 30k
// byte-level BPE, with Ġ spelled ▁.
//
//   node make_sentencepiece_style.js ../../../shared/data ../../stages/tokenize/hf/testdata
"use strict";
const fs = require("fs");
const path = require("path");
const { Tokenizer } = require("tokenizers");

const [dataDir, outDir] = process.argv.slice(2);
const src = JSON.parse(fs.readFileSync(path.join(dataDir, "tokenizers/hf/bpe30k_bytelevel.tokenizer.json"), "utf8"));
const ok = (t) => /^[\x21-\x7eĠ]+$/.test(t);
const conv = (t) => t.replace(/Ġ/g, "\u2581");
const vocab = {};
let next = 0;
const add = (t) => { if (!(t in vocab)) vocab[t] = next++; };
["<unk>", "<s>", "</s>"].forEach(add);
for (let b = 0; b < 256; b++) add("<0x" + b.toString(16).toUpperCase().padStart(2, "0") + ">");
for (let c = 0x21; c < 0x7f; c++) add(String.fromCharCode(c));
add("\u2581");
const merges = [];
for (const [a, b] of src.model.merges) {
  if (merges.length === 1500) break;
  if (!ok(a) || !ok(b)) continue;
  merges.push([conv(a), conv(b)]);
  add(conv(a) + conv(b));
}
["<mask>", "<sep>", "<word>"].forEach(add);
const bpe = {
  type: "BPE", dropout: null, unk_token: "<unk>", continuing_subword_prefix: null, end_of_word_suffix: null,
  fuse_unk: false, byte_fallback: true, ignore_merges: false, vocab, merges,
};
const added = (content, extra) => Object.assign({ id: vocab[content], content, single_word: false, lstrip: false,
  rstrip: false, normalized: false, special: false }, extra);
const specials = ["<unk>", "<s>", "</s>"].map((t) => added(t, { special: true }));
const write = (name, json) => {
  const out = path.join(outDir, name + ".tokenizer.json");
  fs.writeFileSync(out, JSON.stringify(json) + "\n");
  Tokenizer.fromFile(out); // the reference library must accept it
  console.log("wrote", out);
};
write("metaspace", {
  version: "1.0", truncation: null, padding: null,
  added_tokens: specials.concat([added("<mask>", { lstrip: true }), added("<sep>", { rstrip: true }), added("<word>", { single_word: true })]),
  normalizer: null,
  pre_tokenizer: { type: "Metaspace", replacement: "\u2581", prepend_scheme: "first", split: true },
  post_processor: {
    type: "TemplateProcessing",
    single: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
    pair: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { Sequence: { id: "B", type_id: 1 } }],
    special_tokens: { "<s>": { id: "<s>", ids: [vocab["<s>"]], tokens: ["<s>"] } },
  },
  decoder: { type: "Metaspace", replacement: "\u2581", prepend_scheme: "first", split: true },
  model: bpe,
});
write("llama", {
  version: "1.0", truncation: null, padding: null,
  added_tokens: specials,
  normalizer: { type: "Sequence", normalizers: [{ type: "Prepend", prepend: "\u2581" }, { type: "Replace", pattern: { String: " " }, content: "\u2581" }] },
  pre_tokenizer: null,
  post_processor: null,
  decoder: { type: "Sequence", decoders: [
    { type: "Replace", pattern: { String: "\u2581" }, content: " " }, { type: "ByteFallback" }, { type: "Fuse" },
    { type: "Strip", content: " ", start: 1, stop: 0 }] },
  model: Object.assign({}, bpe, { fuse_unk: true }),
});
const wp = JSON.parse(fs.readFileSync(path.join(outDir, "wordpiece.tokenizer.json"), "utf8"));
wp.normalizer = { type: "Sequence", normalizers: [{ type: "NFKC" }, { type: "Lowercase" }, { type: "Strip", strip_left: true, strip_right: true }] };
wp.pre_tokenizer = { type: "Sequence", pretokenizers: [
  { type: "WhitespaceSplit" },
  { type: "Punctuation", behavior: "Contiguous" },
  { type: "Split", pattern: { String: "th" }, behavior: "MergedWithNext", invert: false },
  { type: "Split", pattern: { String: "e" }, behavior: "MergedWithPrevious", invert: false },
  { type: "Digits", individual_digits: true },
  { type: "CharDelimiterSplit", delimiter: "x" }] };
wp.post_processor = { type: "BertProcessing", sep: ["[SEP]", 3], cls: ["[CLS]", 2] };
write("splits", wp);
