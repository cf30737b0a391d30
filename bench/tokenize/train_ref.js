// Trains a byte-level BPE with Hugging Face's library (npm tokenizers
// 0.23.2, trainer defaults: vocab 30000) on a text file and prints its CPU
// seconds (all threads) as "hf_train_cpu_s N", then where it saved the result.
//
//   node train_ref.js corpus.txt out.json
"use strict";
const { Tokenizer, BPE, byteLevelPreTokenizer } = require("tokenizers");

const [file, out] = process.argv.slice(2);
const tok = new Tokenizer(BPE.empty());
tok.setPreTokenizer(byteLevelPreTokenizer(false, true));
const t0 = process.cpuUsage();
tok.train([file]);
const d = process.cpuUsage(t0);
console.log("hf_train_cpu_s", ((d.user + d.system) / 1e6).toFixed(2));
tok.save(out);
console.log("saved", out);
