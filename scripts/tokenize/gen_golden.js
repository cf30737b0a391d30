// Generates the golden files of stages/tokenize/hf from the reference
// implementations (npm tokenizers 0.23.2, the Hugging Face Rust library, and
// npm tiktoken 1.0.22). Run from this directory after `npm ci`:
//
//   node gen_golden.js ../../../shared/data ../../stages/tokenize/hf/testdata
//
// For each tokenizer it writes <name>.corpus.golden.gz (one line per corpus
// line, or per n-th line for those in `every`: the first 8 hex digits of SHA-256 over the ids joined by ",", a
// space, and the same over the decoded text) and <name>.hard.golden.json
// (full ids and decoded text of each hard case); and the hard cases of the
// tokenizer.json files the Go builders write (testdata/built, pinned by
// TestBuiltFilesGolden: run `go test -run TestBuiltFilesGolden -update` first).
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const crypto = require("crypto");
const { Tokenizer } = require("tokenizers");

const [dataDir, outDir] = process.argv.slice(2);
if (!dataDir || !outDir) {
  console.error("usage: node gen_golden.js SHARED_DATA_DIR OUT_DIR");
  process.exit(2);
}
const corpus = zlib.gunzipSync(fs.readFileSync(path.join(dataDir, "corpus.txt.gz"))).toString("utf8").split("\n");
if (corpus[corpus.length - 1] === "") corpus.pop();
const hard = JSON.parse(fs.readFileSync(path.join(__dirname, "hardcases.json"), "utf8"));

const digest = (s) => crypto.createHash("sha256").update(s).digest("hex").slice(0, 8);

const tokenizers = {
  gpt2: path.join(dataDir, "tokenizers/gpt2/tokenizer.json"),
  bpe30k: path.join(dataDir, "tokenizers/hf/bpe30k_bytelevel.tokenizer.json"),
  wordpiece: path.join(outDir, "wordpiece.tokenizer.json"),
  metaspace: path.join(outDir, "metaspace.tokenizer.json"),
  llama: path.join(outDir, "llama.tokenizer.json"),
  splits: path.join(outDir, "splits.tokenizer.json"),
};
// GPT-2's vocabulary behind Split pre-tokenizers with the regular
// expressions implemented by hand in Go (cl100k_base's is Llama 3's too);
// stages/tokenize/hf/golden_test.go builds the same variants.
const CL100K = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
const splitThenBytes = (regex) => ({ type: "Sequence", pretokenizers: [
  { type: "Split", pattern: { Regex: regex }, behavior: "Isolated", invert: false },
  { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false }] });
// name: [base tokenizer, fields of its tokenizer.json replaced]
const variants = {
  gpt2_cl100k: ["gpt2", { pre_tokenizer: splitThenBytes(CL100K) }],
  gpt2_split: ["gpt2", { pre_tokenizer: splitThenBytes(GPT2) }],
  gpt2_prefix: ["gpt2", { pre_tokenizer: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true } }],
  gpt2_limits: ["gpt2", {
    truncation: { direction: "Left", max_length: 10, strategy: "LongestFirst", stride: 0 },
    padding: { strategy: "BatchLongest", direction: "Right", pad_to_multiple_of: 4, pad_id: 50256, pad_type_id: 0, pad_token: "<|endoftext|>" },
  }],
  wordpiece_limits: ["wordpiece", {
    truncation: { direction: "Right", max_length: 12, strategy: "LongestFirst", stride: 0 },
    padding: { strategy: { Fixed: 16 }, direction: "Left", pad_to_multiple_of: null, pad_id: 0, pad_type_id: 0, pad_token: "[PAD]" },
  }],
};
// Tokenizers checked on every n-th corpus line only (their goldens hold those lines).
const every = { metaspace: 7, llama: 7, splits: 7, gpt2_cl100k: 3, gpt2_split: 7, gpt2_prefix: 7, gpt2_limits: 7, wordpiece_limits: 7 };

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, [base]] of Object.entries(variants)) tokenizers[name] = tokenizers[base];
  for (const [name, file] of Object.entries(tokenizers)) {
    let tok = Tokenizer.fromFile(file);
    if (variants[name]) {
      const json = JSON.parse(fs.readFileSync(file, "utf8"));
      Object.assign(json, variants[name][1]);
      tok = Tokenizer.fromString(JSON.stringify(json));
    }
    const run = async (text) => {
      const enc = await tok.encode(text);
      const ids = Array.from(enc.getIds());
      const decoded = await tok.decode(ids, false);
      return { ids, decoded };
    };
    const lines = [];
    const step = every[name] || 1;
    for (let i = 0; i < corpus.length; i += step) {
      const { ids, decoded } = await run(corpus[i]);
      lines.push(digest(ids.join(",")) + " " + digest(decoded));
    }
    fs.writeFileSync(path.join(outDir, name + ".corpus.golden.gz"), zlib.gzipSync(lines.join("\n") + "\n", { level: 9 }));
    const cases = [];
    for (const text of hard) {
      const { ids, decoded } = await run(text);
      cases.push({ text, ids, decoded });
    }
    fs.writeFileSync(path.join(outDir, name + ".hard.golden.json"), JSON.stringify(cases, null, 1) + "\n");
    console.log(name, corpus.length, "corpus lines,", hard.length, "hard cases");
  }
  // The tokenizer.json files this project builds (pinned by the Go tests
  // under testdata/built): hard cases only.
  for (const name of ["byte", "bpe", "char", "whitespace"]) {
    const tok = Tokenizer.fromFile(path.join(outDir, "built", name + ".tokenizer.json"));
    const cases = [];
    for (const text of hard) {
      const enc = await tok.encode(text);
      const ids = Array.from(enc.getIds());
      cases.push({ text, ids, decoded: await tok.decode(ids, false) });
    }
    fs.writeFileSync(path.join(outDir, "built", name + ".hard.golden.json"), JSON.stringify(cases, null, 1) + "\n");
    console.log("built", name, hard.length, "hard cases");
  }
  // Both merges layouts of GPT-2 must give the same ids (the Go tests check
  // tokenizer.pairs.json against the gpt2 golden).
  const pairs = Tokenizer.fromFile(path.join(dataDir, "tokenizers/gpt2/tokenizer.pairs.json"));
  const legacy = Tokenizer.fromFile(tokenizers.gpt2);
  for (const text of hard) {
    if ((await pairs.encode(text)).getIds().join(",") !== (await legacy.encode(text)).getIds().join(",")) {
      throw new Error("the two GPT-2 layouts differ on " + JSON.stringify(text));
    }
  }
  // tiktoken's GPT-2 must agree with Hugging Face's on the same texts.
  const { get_encoding } = require("tiktoken");
  const enc = get_encoding("gpt2");
  const hf = Tokenizer.fromFile(tokenizers.gpt2);
  let differ = 0;
  for (const text of corpus.concat(hard)) {
    const a = Array.from(enc.encode(text, "all")).join(",");
    const b = Array.from((await hf.encode(text)).getIds()).join(",");
    if (a !== b) {
      differ++;
      if (differ <= 5) console.log("tiktoken and tokenizers differ on", JSON.stringify(text.slice(0, 80)));
    }
  }
  console.log("tiktoken vs tokenizers on gpt2:", differ, "texts differ");
  enc.free();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
