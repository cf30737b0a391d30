"""Write sentence-transformers' embeddings of all-MiniLM-L6-v2 for the Go check.

    python scripts/hf/check_minilm.py --model DIR --reference OUT.json [--sentences 1000]

The sentences are the first N non-empty lines of testdata/corpus.txt.gz; the
reference holds each sentence's ids and attention mask as the model's
tokenizer gives them (at most 128 tokens) and its normalised mean-pooled
embedding. stages/train/hf's TestMiniLMReference compares against it.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import torch
from sentence_transformers import SentenceTransformer

ROOT = Path(__file__).resolve().parents[2]


def sentences(n: int) -> list[str]:
    out: list[str] = []
    with gzip.open(ROOT / "testdata" / "corpus.txt.gz", "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(line.strip())
            if len(out) == n:
                break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--reference", type=Path, required=True)
    ap.add_argument("--sentences", type=int, default=1000)
    a = ap.parse_args()
    torch.set_num_threads(1)
    model = SentenceTransformer(str(a.model), device="cpu")
    model.max_seq_length = 128
    texts = sentences(a.sentences)
    emb = model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    ids, masks = [], []
    for t in texts:
        enc = model.tokenize([t])
        ids.append(enc["input_ids"][0].tolist())
        masks.append(enc["attention_mask"][0].tolist())
    a.reference.write_text(json.dumps({"sentences": texts, "input_ids": ids, "attention_mask": masks, "embeddings": emb.tolist()}))
    print(f"{len(texts)} sentences, {emb.shape[1]} dimensions → {a.reference}")


if __name__ == "__main__":
    main()
