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
  models/tiny_*.model           small models trained here by spm_train on every 10th
                                corpus line, one per option the three real models
                                leave untested (see TINY and VARIANTS)
  sample_<model>.golden         per block of 256 of every 4th corpus line: the first
                                16 hex digits of sha256(ids lines) and of
                                sha256(decoded lines), from the Python binding
"""
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import sentencepiece as spm

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TESTDATA = os.path.join(ROOT, "stages", "tokenize", "sentencepiece", "testdata")
FIXTURES = os.path.join(ROOT, "testdata")
MODELS = ["albert_30k_clean", "spm_bpe8k", "spm_unigram8k"]
BLOCK = 256


def model_path(name):
    return os.path.join(FIXTURES, "tokenizers", "sentencepiece", name + ".model")


def corpus_lines():
    with gzip.open(os.path.join(FIXTURES, "corpus.txt.gz"), "rb") as f:
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


def hardcase_goldens(name, cases, path=None):
    sp = spm.SentencePieceProcessor(model_file=path or model_path(name))
    out = []
    for c in cases:
        raw = bytes.fromhex(c["hex"]) if "hex" in c else c["text"].encode("utf-8")
        ids = sp.encode(raw)
        pieces = [p.decode("utf-8") if isinstance(p, bytes) else p for p in sp.encode_as_pieces(raw)]
        decoded = sp.decode(ids)
        out.append({"name": c["name"], "ids": ids, "pieces": pieces, "decoded": decoded})
    with open(os.path.join(TESTDATA, "hardcases_%s.golden.json" % name), "w") as f:
        f.write("[\n" + ",\n".join(json.dumps(o, ensure_ascii=False) for o in out) + "\n]\n")


# Rules for the tiny models' custom normalizer and denormalizer: code points
# in hex, source TAB target. They exercise longest match, multi-character
# sources, deletion and whitespace mapping in a small precompiled charsmap.
NORM_RULES = """41\t61
FB01\t66 69
9\t20
3000\t20
65 301\tE9
61 62 63\t58
61 62\t59
7F\t
"""
DENORM_RULES = """58\t61 62 63
59\t61 62
"""

# name: spm_train flags (beyond input, model_prefix, one thread and a 98% character
# coverage, which leaves characters unknown).
TINY = {
    "tiny_bpe_udef": ["--model_type=bpe", "--vocab_size=400", "--normalization_rule_name=identity",
                      "--user_defined_symbols=<sep>,ab,[X],ing", "--control_symbols=<ctl>",
                      "--remove_extra_whitespaces=false"],
    "tiny_bpe_suffix": ["--model_type=bpe", "--vocab_size=400", "--normalization_rule_name=identity",
                        "--treat_whitespace_as_suffix=true", "--allow_whitespace_only_pieces=true"],
    "tiny_unigram_rules": ["--model_type=unigram", "--vocab_size=400", "--byte_fallback=true",
                           "--normalization_rule_tsv={norm}",
                           "--denormalization_rule_tsv={denorm}"],
    "tiny_unigram_nodummy": ["--model_type=unigram", "--vocab_size=400", "--normalization_rule_name=identity",
                             "--add_dummy_prefix=false", "--remove_extra_whitespaces=false",
                             "--split_digits=true", "--user_defined_symbols=the,▁of"],
    "tiny_word": ["--model_type=word", "--vocab_size=400", "--normalization_rule_name=identity",
                  "--hard_vocab_limit=false"],
    "tiny_char": ["--model_type=char", "--vocab_size=100", "--normalization_rule_name=identity",
                  "--hard_vocab_limit=false", "--user_defined_symbols=th"],
}


def train_tiny(lines, tmp):
    from sentencepiece import sentencepiece_model_pb2 as pb
    models = os.path.join(TESTDATA, "models")
    os.makedirs(models, exist_ok=True)
    text = os.path.join(tmp, "train.txt")
    with open(text, "wb") as f:
        f.write(b"".join(l + b"\n" for l in lines[::10]))
    # Relative names, run from tmp: spm_train records them in the model.
    norm, denorm = "norm.tsv", "denorm.tsv"
    with open(os.path.join(tmp, norm), "w") as f:
        f.write(NORM_RULES)
    with open(os.path.join(tmp, denorm), "w") as f:
        f.write(DENORM_RULES)
    for name, flags in TINY.items():
        flags = [x.format(norm=norm, denorm=denorm) for x in flags]
        subprocess.run(["spm_train", "--input=train.txt", "--model_prefix=" + name,
                        "--num_threads=1", "--minloglevel=2", "--character_coverage=0.98"] + flags, check=True, capture_output=True, cwd=tmp)
        os.replace(os.path.join(tmp, name + ".model"), os.path.join(models, name + ".model"))
    for name, (base, edit) in VARIANTS.items():
        m = pb.ModelProto()
        with open(os.path.join(models, base + ".model"), "rb") as f:
            m.ParseFromString(f.read())
        edit(m, pb)
        with open(os.path.join(models, name + ".model"), "wb") as f:
            f.write(m.SerializeToString())


def mark_unused(m, pb):
    """Marks every 5th multi-character NORMAL piece UNUSED."""
    for i, p in enumerate(m.pieces):
        if p.type == pb.ModelProto.SentencePiece.NORMAL and len(p.piece) > 1 and i % 5 == 0:
            p.type = pb.ModelProto.SentencePiece.UNUSED


def no_escape(m, pb):
    """Keeps spaces as spaces instead of escaping them as U+2581."""
    m.normalizer_spec.escape_whitespaces = False


# name: (tiny model it is derived from, edit of its ModelProto). spm_train has
# no flag for these.
VARIANTS = {
    "tiny_bpe_unused": ("tiny_bpe_udef", mark_unused),
    "tiny_unigram_unused": ("tiny_unigram_nodummy", mark_unused),
    "tiny_bpe_noescape": ("tiny_bpe_udef", no_escape),
    "tiny_unigram_noescape": ("tiny_unigram_rules", no_escape),
}


def tiny_goldens(name, lines, cases):
    path = os.path.join(TESTDATA, "models", name + ".model")
    sp = spm.SentencePieceProcessor(model_file=path)
    sample = lines[::4]
    with open(os.path.join(TESTDATA, "sample_%s.golden" % name), "w") as f:
        f.write("# libsentencepiece %s on every 4th corpus line; per block of %d lines: "
                "sha256(ids lines)[:16] sha256(decoded lines)[:16]\n" % (spm.__version__, BLOCK))
        for i in range(0, len(sample), BLOCK):
            ids = [sp.encode(l) for l in sample[i:i + BLOCK]]
            id_text = "".join(" ".join(str(x) for x in v) + "\n" for v in ids).encode()
            dec_text = "".join(sp.decode(v) + "\n" for v in ids).encode()
            f.write(digest(id_text, 16) + " " + digest(dec_text, 16) + "\n")
    hardcase_goldens(name, cases, path)


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
    with tempfile.TemporaryDirectory() as tmp:
        train_tiny(lines, tmp)
    for name in sorted(TINY) + sorted(VARIANTS):
        tiny_goldens(name, lines, cases)
        print("wrote goldens for", name)


if __name__ == "__main__":
    main()
