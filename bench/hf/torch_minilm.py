"""PyTorch's side of bench/hf/run.sh: all-MiniLM-L6-v2 forward passes and
LoRA fine-tuning steps (rank 8 on query and value, a mean-pooled linear
classifier) on the same fixed batch the Go benchmarks use, one thread, in
tokens per CPU-second.

    python bench/hf/torch_minilm.py MODEL_DIR
"""

from __future__ import annotations

import sys
import time
from typing import Callable

import peft
import torch
import transformers

ROWS, SEQ = 8, 64


def batch(vocab: int) -> torch.Tensor:
    ids = [1000 + (i * 7919) % (vocab - 1000) for i in range(ROWS * SEQ)]
    return torch.tensor(ids).reshape(ROWS, SEQ)


def rate(fn: Callable[[], None], n: int) -> float:
    fn()  # warm up
    start = time.process_time()
    for _ in range(n):
        fn()
    return ROWS * SEQ * n / (time.process_time() - start)


def main() -> None:
    torch.set_num_threads(1)
    model = transformers.AutoModel.from_pretrained(sys.argv[1], dtype=torch.float32).eval()
    ids = batch(model.config.vocab_size)
    mask = torch.ones_like(ids)

    def forward() -> None:
        with torch.no_grad():
            h = model(input_ids=ids, attention_mask=mask).last_hidden_state
            torch.nn.functional.normalize(h.mean(1), dim=1)

    fwd = rate(forward, 10)
    lora = peft.get_peft_model(model, peft.LoraConfig(r=8, lora_alpha=16, target_modules=["query", "value"], lora_dropout=0.0)).train()
    head = torch.nn.Linear(model.config.hidden_size, 2)
    opt = torch.optim.AdamW([p for p in lora.parameters() if p.requires_grad] + list(head.parameters()), lr=1e-3)
    y = torch.tensor([i % 2 for i in range(ROWS)])

    def step() -> None:
        opt.zero_grad()
        h = lora(input_ids=ids, attention_mask=mask).last_hidden_state.mean(1)
        loss = torch.nn.functional.cross_entropy(head(h), y)
        loss.backward()
        opt.step()

    st = rate(step, 5)
    print(f"torch forward {fwd:.0f} tokens/CPU-s")
    print(f"torch lora_step {st:.0f} tokens/CPU-s")


if __name__ == "__main__":
    main()
