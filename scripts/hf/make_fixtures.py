"""Make the tiny Hugging Face models under testdata/hf and their goldens.

Each model is built by transformers from a small config with random weights
(a fixed seed), saved with save_pretrained(safe_serialization=True) in the
dtype the Go loader must read (float32, float16 or bfloat16), with a
tokenizer.json trained on testdata/corpus.txt.gz whose vocabulary is exactly
the config's vocab_size. golden.json holds a padded batch of three texts, the
ids the tokenizer gives them, and transformers' float32 outputs.

    python scripts/hf/make_fixtures.py [--out testdata/hf]
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
from pathlib import Path
from typing import Any, Callable

import torch
import transformers
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "testdata" / "corpus.txt.gz"
VOCAB = 320
TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "It is a truth universally acknowledged.",
    "Hello world",
]


def corpus_lines(n: int = 400) -> list[str]:
    """The first n non-empty lines of the committed corpus."""
    out: list[str] = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(line)
            if len(out) == n:
                break
    return out


def tid(tok: Tokenizer, token: str) -> int:
    """The id of a token the tokenizer must have."""
    i = tok.token_to_id(token)
    if i is None:
        raise SystemExit(f"the tokenizer has no {token}")
    return i


def wordpiece_tokenizer() -> Tokenizer:
    """A BERT-style WordPiece tokenizer: [PAD]=0, [UNK], [CLS], [SEP], [MASK].

    The vocabulary is counted here rather than by the WordPiece trainer, whose
    order of equal-count pieces changes from run to run: the special tokens,
    then every character seen (alone and as a ##continuation), then the most
    frequent words, ties broken by the word itself.
    """
    from collections import Counter

    norm = normalizers.BertNormalizer(lowercase=True)
    pre = pre_tokenizers.BertPreTokenizer()
    words: Counter[str] = Counter()
    for line in corpus_lines():
        words.update(w for w, _ in pre.pre_tokenize_str(norm.normalize_str(line)))
    chars = sorted({c for w in words for c in w})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + ["##" + c for c in chars]
    for w, _ in sorted(words.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(vocab) == VOCAB:
            break
        if w not in vocab:
            vocab.append(w)
    if len(vocab) != VOCAB:
        raise SystemExit(f"the corpus gives {len(vocab)} WordPiece tokens, want {VOCAB}")
    tok = Tokenizer(models.WordPiece(vocab={t: i for i, t in enumerate(vocab)}, unk_token="[UNK]"))
    tok.normalizer = norm
    tok.pre_tokenizer = pre
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", tid(tok, "[CLS]")), ("[SEP]", tid(tok, "[SEP]"))]
    )
    tok.decoder = decoders.WordPiece()
    return tok


def bytelevel_tokenizer(specials: list[str], post: str) -> Tokenizer:
    """A byte-level BPE tokenizer whose post-processor is roberta, bos or none."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(corpus_lines(), trainer)
    if post == "roberta":
        tok.post_processor = processors.RobertaProcessing(("</s>", tid(tok, "</s>")), ("<s>", tid(tok, "<s>")))
    elif post == "bos":
        tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", tid(tok, "<s>"))])
    else:
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
    return tok


def batch(tok: Tokenizer, pad_id: int) -> tuple[list[dict[str, Any]], torch.Tensor, torch.Tensor]:
    """The golden texts encoded and right-padded with pad_id."""
    encs = [tok.encode(t).ids for t in TEXTS]
    width = max(len(e) for e in encs)
    inputs: list[dict[str, Any]] = []
    for text, ids in zip(TEXTS, encs):
        n = len(ids)
        inputs.append({"text": text, "input_ids": ids + [pad_id] * (width - n), "attention_mask": [1] * n + [0] * (width - n)})
    ids_t = torch.tensor([i["input_ids"] for i in inputs])
    mask_t = torch.tensor([i["attention_mask"] for i in inputs])
    return inputs, ids_t, mask_t


def mean_pooled(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """sentence-transformers' pooling: mean over real tokens, then L2-normalised."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


def tolist(t: torch.Tensor) -> Any:
    """Nested lists of floats with 7 significant digits: far finer than the
    1e-4 the Go tests allow, and a third of the bytes of full precision."""

    def r(v: Any) -> Any:
        return [r(x) for x in v] if isinstance(v, list) else float(f"{v:.7g}")

    return r(t.detach().to(torch.float32).tolist())


def save(model: Any, tok: Tokenizer, out: Path, dtype: torch.dtype, shard: str | None = None) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    kwargs: dict[str, Any] = {"safe_serialization": True}
    if shard:
        kwargs["max_shard_size"] = shard
    model.to(dtype).save_pretrained(out, **kwargs)
    tok.save(str(out / "tokenizer.json"))


def versions(dtype: torch.dtype) -> dict[str, str]:
    return {"dtype_saved": str(dtype).removeprefix("torch."), "transformers_version": transformers.__version__, "torch_version": torch.__version__}


def encoder(name: str, cfg: transformers.PretrainedConfig, cls: Callable[..., Any], tok: Tokenizer, pad: int, out: Path, shard: str | None = None) -> None:
    torch.manual_seed(0)
    model = cls(cfg).eval()
    save(model, tok, out / name, torch.float32, shard)
    loaded = transformers.AutoModel.from_pretrained(out / name, dtype=torch.float32).eval()
    inputs, ids, mask = batch(tok, pad)
    with torch.no_grad():
        hidden = loaded(input_ids=ids, attention_mask=mask).last_hidden_state
    golden = {"inputs": inputs, "last_hidden_state": tolist(hidden), "mean_pooled_normalized": tolist(mean_pooled(hidden, mask))}
    golden.update(versions(torch.float32))
    (out / name / "golden.json").write_text(json.dumps(golden))


def decoder(name: str, cfg: transformers.PretrainedConfig, cls: Callable[..., Any], tok: Tokenizer, dtype: torch.dtype, out: Path) -> torch.nn.Module:
    torch.manual_seed(0)
    model = cls(cfg).eval()
    save(model, tok, out / name, dtype)
    loaded = transformers.AutoModelForCausalLM.from_pretrained(out / name, dtype=torch.float32).eval()
    inputs, ids, mask = batch(tok, 0)
    with torch.no_grad():
        logits = loaded(input_ids=ids, attention_mask=mask).logits
    golden = {"inputs": inputs, "logits": tolist(logits)}
    golden.update(versions(dtype))
    (out / name / "golden.json").write_text(json.dumps(golden))
    return loaded


def lora(name: str, base: Path, targets: list[str], fan_in_fan_out: bool, causal: bool, tok: Tokenizer, pad: int, out: Path) -> None:
    """A PEFT adapter with non-zero B on a fixture, and base+adapter outputs."""
    import peft

    auto = transformers.AutoModelForCausalLM if causal else transformers.AutoModel
    model = auto.from_pretrained(base, dtype=torch.float32).eval()
    cfg = peft.LoraConfig(r=4, lora_alpha=8, target_modules=targets, lora_dropout=0.0, fan_in_fan_out=fan_in_fan_out)
    pm = peft.get_peft_model(model, cfg)
    torch.manual_seed(1)
    with torch.no_grad():
        for n, p in pm.named_parameters():
            if "lora_B" in n:
                p.normal_(0, 0.5)
    pm.eval()
    d = out / name
    if d.exists():
        shutil.rmtree(d)
    pm.save_pretrained(str(d), safe_serialization=True)
    (d / "README.md").unlink(missing_ok=True)  # a generated model card
    ac = json.loads((d / "adapter_config.json").read_text())
    ac["base_model_name_or_path"] = base.name  # the sibling fixture, not this machine's path
    ac["target_modules"] = sorted(ac["target_modules"])  # PEFT keeps a set: its order varies
    (d / "adapter_config.json").write_text(json.dumps(ac, indent=2, sort_keys=True) + "\n")
    inputs, ids, mask = batch(tok, pad)
    with torch.no_grad():
        res = pm(input_ids=ids, attention_mask=mask)
        merged = pm.merge_and_unload()(input_ids=ids, attention_mask=mask)
    key = "logits" if causal else "last_hidden_state"
    golden = {"inputs": inputs, key: tolist(getattr(res, key)), "merged_" + key: tolist(getattr(merged, key))}
    golden.update(versions(torch.float32))
    (d / "golden.json").write_text(json.dumps(golden))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=ROOT / "testdata" / "hf")
    out: Path = ap.parse_args().out
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    small: dict[str, Any] = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 64}

    wp = wordpiece_tokenizer()
    encoder("tiny-bert", transformers.BertConfig(vocab_size=VOCAB, max_position_embeddings=64, type_vocab_size=2, **small),
            transformers.BertModel, wp, 0, out)
    encoder("tiny-distilbert", transformers.DistilBertConfig(vocab_size=VOCAB, dim=32, n_layers=2, n_heads=4, hidden_dim=64, max_position_embeddings=64),
            transformers.DistilBertModel, wp, 0, out)
    rb = bytelevel_tokenizer(["<s>", "<pad>", "</s>", "<unk>", "<mask>"], "roberta")
    encoder("tiny-roberta", transformers.RobertaConfig(vocab_size=VOCAB, max_position_embeddings=66, type_vocab_size=1, pad_token_id=1,
            bos_token_id=0, eos_token_id=2, **small), transformers.RobertaModel, rb, 1, out, shard="40KB")

    g2 = bytelevel_tokenizer(["<|endoftext|>"], "none")
    decoder("tiny-gpt2", transformers.GPT2Config(vocab_size=VOCAB, n_embd=32, n_layer=2, n_head=4, n_positions=64,
            bos_token_id=0, eos_token_id=0), transformers.GPT2LMHeadModel, g2, torch.float16, out)
    ll = bytelevel_tokenizer(["<unk>", "<s>", "</s>"], "bos")
    decoder("tiny-llama", transformers.LlamaConfig(vocab_size=VOCAB, num_key_value_heads=2, max_position_embeddings=64, rms_norm_eps=1e-6,
            rope_parameters={"rope_type": "default", "rope_theta": 100000.0}, tie_word_embeddings=False, bos_token_id=1, eos_token_id=2, **small),
            transformers.LlamaForCausalLM, ll, torch.bfloat16, out)

    lora("tiny-gpt2-lora", out / "tiny-gpt2", ["c_attn"], True, True, g2, 0, out)
    lora("tiny-bert-lora", out / "tiny-bert", ["query", "value"], False, False, wp, 0, out)


if __name__ == "__main__":
    main()
