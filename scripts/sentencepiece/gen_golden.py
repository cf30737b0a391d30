#!/usr/bin/python3
"""Regenerates the SentencePiece golden files from the reference library.

Reference: Debian's libsentencepiece 0.1.97
    apt-get install -y sentencepiece python3-sentencepiece
Run from anywhere (use Debian's interpreter, /usr/bin/python3, which sees
python3-sentencepiece):
    /usr/bin/python3 scripts/sentencepiece/gen_golden.py

Writes, under stages/tokenize/sentencepiece/testdata/:
  corpus_<model>.golden         per line of corpus.txt.gz, the first 8 hex digits of
                                sha256(ids joined by single spaces), from
                                `spm_encode --output_format=id`
  corpus_<model>_decode.golden  per block of 256 lines, the first 16 hex digits of
                                sha256(decoded lines, each followed by "\n"), from
                                `spm_decode --input_format=id` of those ids
  hardcases_<model>.golden.json for each case of hardcases.json: ids, pieces and
                                the decoded ids, from the Python binding
"""
import gzip
import hashlib
import json
import os
import subprocess
import sys

import sentencepiece as spm

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TESTDATA = os.path.join(ROOT, "stages", "tokenize", "sentencepiece", "testdata")
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared", "data"))
MODELS = ["albert_30k_clean", "spm_bpe8k", "spm_unigram8k"]
BLOCK = 256


def model_path(name):
    return os.path.join(SHARED, "tokenizers", "sentencepiece", name + ".model")


def corpus_lines():
    with gzip.open(os.path.join(SHARED, "corpus.txt.gz"), "rb") as f:
        data = f.read()
    if data.endswith(b"\n"):
        data = data[:-1]
    return data, data.split(b"\n")


def digest(b, n):
    return hashlib.sha256(b).hexdigest()[:n]


def corpus_goldens(name, data, lines):
    ids = subprocess.run(
        ["spm_encode", "--model", model_path(name), "--output_format=id"],
        input=data + b"\n", capture_output=True, check=True).stdout
    id_lines = ids.split(b"\n")[:-1]
    assert len(id_lines) == len(lines), (name, len(id_lines), len(lines))
    header = ("# libsentencepiece %s spm_encode --output_format=id on corpus.txt.gz; "
              "per line: sha256(ids joined by spaces)[:8]\n" % spm.__version__)
    with open(os.path.join(TESTDATA, "corpus_%s.golden" % name), "w") as f:
        f.write(header)
        for l in id_lines:
            f.write(digest(l, 8) + "\n")
    decoded = subprocess.run(
        ["spm_decode", "--model", model_path(name), "--input_format=id"],
        input=ids, capture_output=True, check=True).stdout
    dec_lines = decoded.split(b"\n")[:-1]
    assert len(dec_lines) == len(lines), (name, len(dec_lines), len(lines))
    header = ("# libsentencepiece %s spm_decode --input_format=id of the ids above; "
              "per block of %d lines: sha256(lines each ending in \\n)[:16]\n" % (spm.__version__, BLOCK))
    with open(os.path.join(TESTDATA, "corpus_%s_decode.golden" % name), "w") as f:
        f.write(header)
        for i in range(0, len(dec_lines), BLOCK):
            block = b"".join(l + b"\n" for l in dec_lines[i:i + BLOCK])
            f.write(digest(block, 16) + "\n")
    # The Python binding must agree with the command-line tool.
    sp = spm.SentencePieceProcessor(model_file=model_path(name))
    for i in range(0, len(lines), 97):
        want = id_lines[i].decode()
        got = " ".join(str(x) for x in sp.encode(lines[i]))
        assert got == want, (name, i, got, want)


def hardcase_goldens(name, cases):
    sp = spm.SentencePieceProcessor(model_file=model_path(name))
    out = []
    for c in cases:
        raw = bytes.fromhex(c["hex"]) if "hex" in c else c["text"].encode("utf-8")
        ids = sp.encode(raw)
        pieces = [p.decode("utf-8") if isinstance(p, bytes) else p for p in sp.encode_as_pieces(raw)]
        decoded = sp.decode(ids)
        out.append({"name": c["name"], "ids": ids, "pieces": pieces, "decoded": decoded})
    with open(os.path.join(TESTDATA, "hardcases_%s.golden.json" % name), "w") as f:
        f.write("[\n" + ",\n".join(json.dumps(o, ensure_ascii=False) for o in out) + "\n]\n")


def main():
    if spm.__version__ != "0.1.97":
        sys.exit("want libsentencepiece 0.1.97, have %s" % spm.__version__)
    with open(os.path.join(TESTDATA, "hardcases.json")) as f:
        cases = json.load(f)
    data, lines = corpus_lines()
    for name in MODELS:
        corpus_goldens(name, data, lines)
        hardcase_goldens(name, cases)
        print("wrote goldens for", name)


if __name__ == "__main__":
    main()
