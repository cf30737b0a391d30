// The reference side of `pipeline tokenizer encode`: reads {"text": ...}
// lines on stdin and writes {"ids": [...]} lines with Hugging Face's library
// (npm tokenizers 0.23.2), so the two outputs can be compared with diff:
//
//   node encode_ref.js TOKENIZER.json < texts.jsonl > ref.jsonl
"use strict";
const fs = require("fs");
const { Tokenizer } = require("tokenizers");

async function main() {
  const tok = Tokenizer.fromFile(process.argv[2]);
  const lines = fs.readFileSync(0, "utf8").split("\n").filter((l) => l.trim() !== "");
  const out = [];
  for (const line of lines) {
    const enc = await tok.encode(JSON.parse(line).text);
    out.push(JSON.stringify({ ids: Array.from(enc.getIds()) }));
  }
  process.stdout.write(out.join("\n") + (out.length ? "\n" : ""));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
