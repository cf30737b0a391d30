// Builds the WordPiece test tokenizer (BERT normalizer, pre-tokenizer,
// template post-processor and decoder) by training npm tokenizers 0.23.2 on
// the first lines of the corpus, so Hugging Face's own library defines it:
//
//   node make_wordpiece.js ../../../shared/data ../../stages/tokenize/hf/testdata
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const zlib = require("zlib");

const [dataDir, outDir] = process.argv.slice(2);
const lines = zlib.gunzipSync(fs.readFileSync(path.join(dataDir, "corpus.txt.gz"))).toString("utf8").split("\n");
// A small vocabulary over the whole corpus keeps the file small while
// exercising unknown words, ## continuations and every script in the corpus.
const vocab = { "[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4 };
const { Tokenizer, WordPiece, bertNormalizer, bertPreTokenizer } = require("tokenizers");
const norm = bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true });
const pre = bertPreTokenizer();
const counts = new Map();
for (const line of lines) {
  for (const [w] of pre.preTokenizeString(norm.normalizeString(line))) {
    counts.set(w, (counts.get(w) || 0) + 1);
  }
}
// Whole words by frequency, then every character alone and as ##char.
const words = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3000);
let next = Object.keys(vocab).length;
const add = (t) => { if (!(t in vocab)) vocab[t] = next++; };
for (const [w] of words) add(w);
const chars = new Map();
for (const [w, n] of counts) for (const ch of w) chars.set(ch, (chars.get(ch) || 0) + n);
for (const [ch] of [...chars.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 1500)) {
  add(ch);
  add("##" + ch);
}
for (const suf of ["ing", "ed", "s", "ly", "er", "tion", "es", "ment"]) add("##" + suf);
const json = {
  version: "1.0",
  truncation: null,
  padding: null,
  added_tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map((t) => ({
    id: vocab[t], content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  })),
  normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  pre_tokenizer: { type: "BertPreTokenizer" },
  post_processor: {
    type: "TemplateProcessing",
    single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
    pair: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } },
      { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: "[SEP]", type_id: 1 } }],
    special_tokens: {
      "[CLS]": { id: "[CLS]", ids: [vocab["[CLS]"]], tokens: ["[CLS]"] },
      "[SEP]": { id: "[SEP]", ids: [vocab["[SEP]"]], tokens: ["[SEP]"] },
    },
  },
  decoder: { type: "WordPiece", prefix: "##", cleanup: true },
  model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
};
const out = path.join(outDir, "wordpiece.tokenizer.json");
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(out, JSON.stringify(json) + "\n");
Tokenizer.fromFile(out); // Hugging Face's library must accept it
console.log("wrote", out, Object.keys(vocab).length, "tokens");
