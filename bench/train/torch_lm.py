"""Training throughput of PyTorch on the benchmark's transformer language model.

The model is the train stage's ``transformer_lm`` layer for layer: token and
position embeddings, pre-norm blocks (layer norm, four dense projections of
multi-head causal attention, layer norm, a GELU (tanh) feed-forward), a final
layer norm and a dense head; AdamW with global-norm clipping at 1.0. One thread,
float32, random ids as the Go side uses. Prints one JSON object per size:

    python bench/train/torch_lm.py mid 4
"""

from __future__ import annotations

import json
import math
import os
import resource
import sys
import time

import torch
from torch import nn

SIZES: dict[str, dict[str, int]] = {
    "small": {"vocab": 256, "d": 64, "layers": 2, "heads": 2, "dff": 256, "seq": 64, "batch": 16},
    "mid": {"vocab": 256, "d": 128, "layers": 4, "heads": 4, "dff": 512, "seq": 128, "batch": 16},
    "large": {"vocab": 256, "d": 256, "layers": 6, "heads": 8, "dff": 1024, "seq": 256, "batch": 8},
}


class Block(nn.Module):
    """One pre-norm transformer block with separate q, k, v and o projections."""

    def __init__(self, d: int, heads: int, dff: int) -> None:
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.ln2 = nn.LayerNorm(d)
        self.ff_in = nn.Linear(d, dff)
        self.ff_out = nn.Linear(dff, d)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        dh = d // self.heads
        h = self.ln1(x)

        def split(n: torch.Tensor) -> torch.Tensor:
            return n.view(b, t, self.heads, dh).transpose(1, 2)

        q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
        logits = (q @ k.transpose(-1, -2)) / math.sqrt(dh) + bias
        out = (logits.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.o(out)
        return x + self.ff_out(nn.functional.gelu(self.ff_in(self.ln2(x)), approximate="tanh"))


class LM(nn.Module):
    """The benchmark's transformer language model."""

    def __init__(self, vocab: int, d: int, layers: int, heads: int, dff: int, seq: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(seq, d) * 0.02)
        self.blocks = nn.ModuleList(Block(d, heads, dff) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab)
        mask = torch.triu(torch.full((seq, seq), -1e9), diagonal=1)
        self.register_buffer("bias", mask.view(1, 1, seq, seq))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.embed(ids) + self.pos[: ids.shape[1]]
        for blk in self.blocks:
            x = blk(x, self.bias)
        return self.head(self.ln_f(x))


def cpu_seconds() -> float:
    """CPU time of this process, user and system."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def pin_to_one_cpu() -> None:
    """Confines this process, and the threads it starts later, to one CPU, as the Go side does."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def measure(name: str, steps: int) -> dict[str, object]:
    """Trains the named size for steps timed steps after one warm-up step."""
    pin_to_one_cpu()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    s = SIZES[name]
    model = LM(s["vocab"], s["d"], s["layers"], s["heads"], s["dff"], s["seq"])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    gen = torch.Generator().manual_seed(2)

    def step() -> None:
        ids = torch.randint(0, s["vocab"], (s["batch"], s["seq"]), generator=gen)
        targets = torch.randint(0, s["vocab"], (s["batch"], s["seq"]), generator=gen)
        loss = nn.functional.cross_entropy(model(ids).view(-1, s["vocab"]), targets.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    step()
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    for _ in range(steps):
        step()
    cpu, wall = cpu_seconds() - cpu0, time.perf_counter() - wall0
    return {
        "Size": name,
        "Backend": "torch",
        "Params": sum(p.numel() for p in model.parameters()),
        "Steps": steps,
        "Tokens": steps * s["batch"] * s["seq"],
        "CPUSeconds": cpu,
        "WallSec": wall,
        "PeakRSSMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "Torch": torch.__version__,
        "Config": torch.__config__.show().replace("\n", " | "),
    }


def main(argv: list[str]) -> int:
    """Runs one size (argv[1]) for a number of steps (argv[2])."""
    if len(argv) != 3 or argv[1] not in SIZES:
        print("usage: torch_lm.py small|mid|large STEPS", file=sys.stderr)
        return 2
    print(json.dumps(measure(argv[1], int(argv[2]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
