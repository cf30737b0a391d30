#!/usr/bin/env python3
"""Remake the tokenizer.json fixtures converted or trained here and the goldens
of stages/tokenize/hf for them and for the real files, from committed inputs.

Fixtures (testdata/tokenizers/hf/*.tokenizer.json.gz) are written by
transformers' slow-to-fast converters from the SentencePiece models in
testdata/tokenizers/sentencepiece, and by tokenizers' UnigramTrainer on the
corpus. Goldens (stages/tokenize/hf/testdata/NAME.corpus.golden.gz and
NAME.hard.golden.json) hold, per corpus line, 8 hex digits of SHA-256 over
the ids joined by "," and over the decoded text, and the full ids and decoded
text of each hard case. Run with the versions in requirements.txt:

    python3 scripts/tokenizers/make_goldens.py
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sentencepiece as spm
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
import transformers.convert_slow_tokenizer as conv

ROOT = Path(__file__).resolve().parents[2]
SPM = ROOT / "testdata/tokenizers/sentencepiece"
FIXTURES = ROOT / "testdata/tokenizers/hf"
GOLDENS = ROOT / "stages/tokenize/hf/testdata"
HARD_CASES = [ROOT / "scripts/tokenize/hardcases.json", ROOT / "scripts/tokenizers/hardcases.json"]


class SlowTokenizer:
    """The attributes of a slow (SentencePiece) tokenizer that the converters read."""

    def __init__(self, model: Path, **attrs: Any) -> None:
        self.vocab_file = str(model)
        self.sp = spm.SentencePieceProcessor(model_file=str(model))
        self.special_tokens: list[str] = []
        for name, value in attrs.items():
            setattr(self, name, value)

    def convert_tokens_to_ids(self, token: str) -> int:
        return int(self.sp.piece_to_id(token))

    def convert_ids_to_tokens(self, i: int) -> str:
        return str(self.sp.id_to_piece(i))


class BPEExtractor:
    """The merges of a SentencePiece BPE model, for SpmConverter.tokenizer.

    transformers 5.25 passes the vocabulary where SentencePieceExtractor.extract
    wants the model type; this asks for BPE's and returns what the caller unpacks.
    """

    def __init__(self, model: str) -> None:
        self.inner = conv.SentencePieceExtractor(model)

    def extract(self, _vocab_scores: Any) -> tuple[dict[str, int], list[tuple[str, str]]]:
        kw: Any = self.inner.extract(models.BPE)  # a dict, whatever its annotation says
        return kw["vocab"], kw["merges"]


def converted(converter: type, model: str, **attrs: Any) -> Tokenizer:
    """Convert a committed SentencePiece model as transformers converts its slow tokenizer."""
    fixed = type(converter.__name__, (converter,), {"SpmExtractor": BPEExtractor})
    tok: Tokenizer = fixed(SlowTokenizer(SPM / model, **attrs)).converted()
    return tok


def trained_unigram() -> Tokenizer:
    """A Unigram model trained on every third corpus line, behind NFKC and Metaspace.

    Training is not bit-for-bit repeatable (its sums run in hash-map order), so the
    committed file is an input: it is trained only when missing or asked for.
    """
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.UnigramTrainer(
        vocab_size=4000, special_tokens=["<pad>", "<unk>", "<s>", "</s>"], unk_token="<unk>", shrinking_factor=0.75
    )
    tok.train_from_iterator(read_corpus()[::3], trainer=trainer)
    return tok


def with_byte_fallback(base: str) -> Tokenizer:
    """The Unigram fixture base with the 256 <0xXX> pieces and byte_fallback, decoded as Llama's."""
    doc = json.loads(load(f"testdata/tokenizers/hf/{base}.tokenizer.json.gz").to_str())
    doc["model"]["vocab"] += [[f"<0x{b:02X}>", -30.0] for b in range(256)]
    doc["model"]["byte_fallback"] = True
    doc["decoder"] = json.loads(
        decoders.Sequence(
            [decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)]
        ).__getstate__()
    )
    return Tokenizer.from_str(json.dumps(doc))


# Fixtures trained, not converted: made only when missing or with --train.
TRAINED = {"unigram_trained"}

# Fixtures made here, in this order: file name (under testdata/tokenizers/hf) -> maker.
MADE: dict[str, Callable[[], Tokenizer]] = {
    "t5_unigram8k": lambda: converted(conv.T5Converter, "spm_unigram8k.model", _extra_ids=100),
    "xlmr_unigram8k": lambda: converted(conv.XLMRobertaConverter, "spm_unigram8k.model"),
    "debertav3_unigram8k": lambda: converted(
        conv.DebertaV2Converter, "spm_unigram8k.model", do_lower_case=False, split_by_punct=False
    ),
    "albert_30k": lambda: converted(conv.AlbertConverter, "albert_30k_clean.model", do_lower_case=True, keep_accents=False),
    "mistral_bpe8k": lambda: converted(conv.LlamaConverter, "spm_bpe8k.model", legacy=False, add_prefix_space=True),
    "gemma_bpe8k": lambda: converted(
        conv.GemmaConverter, "spm_bpe8k.model", bos_token="<s>", eos_token="</s>", pad_token="<unk>"
    ),
    "unigram_trained": trained_unigram,
    "unigram_bytes": lambda: with_byte_fallback("unigram_trained"),
}

# Golden name -> tokenizer file, relative to the repository.
FILES: dict[str, str] = {name: f"testdata/tokenizers/hf/{name}.tokenizer.json.gz" for name in MADE} | {
    "qwen3": "testdata/tokenizers/hf/qwen3.tokenizer.json.gz",
    "llama3": "testdata/tokenizers/hf/llama3.tokenizer.json.gz",
    "llama2": "testdata/tokenizers/hf/llama2.tokenizer.json.gz",
}

# Variants: golden name -> (base golden name, tokenizer.json fields replaced).
# stages/tokenize/hf/golden_test.go builds the same.
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    # The layout of T5 files written by earlier converters.
    "t5_legacy": (
        "t5_unigram8k",
        {
            "pre_tokenizer": {
                "type": "Sequence",
                "pretokenizers": [
                    {"type": "WhitespaceSplit"},
                    {"type": "Metaspace", "replacement": "▁", "add_prefix_space": True, "prepend_scheme": "always"},
                ],
            }
        },
    ),
    # Byte-level with a prefix space behind a normalizer that may leave nothing.
    "gpt2_prefix_strip": (
        "gpt2",
        {
            "normalizer": {"type": "Strip", "strip_left": True, "strip_right": True},
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        },
    ),
}


def read_corpus() -> list[str]:
    text = gzip.decompress((ROOT / "testdata/corpus.txt.gz").read_bytes()).decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def read_hard_cases() -> list[str]:
    cases: list[str] = []
    for path in HARD_CASES:
        cases += json.loads(path.read_text(encoding="utf-8"))
    return cases


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with no name and no time stamp, so that remaking gives the same bytes."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0, filename="") as f:
        f.write(data)
    return out.getvalue()


def load(path: str) -> Tokenizer:
    data = (ROOT / path).read_bytes()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    return Tokenizer.from_str(data.decode("utf-8"))


def variant(name: str) -> Tokenizer:
    """The tokenizer of a variant: its base's tokenizer.json with some fields replaced."""
    base, patch = VARIANTS[name]
    path = (FILES | {"gpt2": "testdata/tokenizers/gpt2/tokenizer.json"})[base]
    data = (ROOT / path).read_bytes()
    doc = json.loads(gzip.decompress(data) if path.endswith(".gz") else data)
    doc.update(patch)
    return Tokenizer.from_str(json.dumps(doc))


def digest(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()[:8]


def write_goldens(name: str, tok: Tokenizer, corpus: list[str], hard: list[str]) -> None:
    encs = tok.encode_batch(corpus)
    lines = []
    for enc in encs:
        ids = enc.ids
        lines.append(digest(",".join(map(str, ids))) + " " + digest(tok.decode(ids, skip_special_tokens=False)))
    (GOLDENS / f"{name}.corpus.golden.gz").write_bytes(gzip_bytes(("\n".join(lines) + "\n").encode("utf-8")))
    cases = []
    for text in hard:
        ids = tok.encode(text).ids
        cases.append({"text": text, "ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False)})
    out = json.dumps(cases, indent=1, ensure_ascii=False) + "\n"
    (GOLDENS / f"{name}.hard.golden.json").write_text(out, encoding="utf-8")
    print(name, len(corpus), "corpus lines,", len(hard), "hard cases")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", action="store_true", help="retrain the trained fixtures too")
    args = ap.parse_args()
    for name, make in MADE.items():
        out = FIXTURES / f"{name}.tokenizer.json.gz"
        if name in TRAINED and out.exists() and not args.train:
            continue
        data = make().to_str(pretty=True).encode("utf-8") + b"\n"
        out.write_bytes(gzip_bytes(data))
    corpus, hard = read_corpus(), read_hard_cases()
    for name, path in FILES.items():
        write_goldens(name, load(path), corpus, hard)
    for name in VARIANTS:
        write_goldens(name, variant(name), corpus, hard)


if __name__ == "__main__":
    main()
