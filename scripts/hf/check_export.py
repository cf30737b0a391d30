"""Load the models the train stage exported with transformers (and peft) and
compare their logits with the engine's.

    go test ./stages/train -run Pretrained -args -export-dir DIR
    python scripts/hf/check_export.py DIR

Each DIR/<name>/ is a train stage's model output with go_logits.json beside
it (the batch and the logits the engine computed). A model whose config names
a *ForSequenceClassification class is loaded with AutoModelForSequenceClassification,
a decoder with AutoModelForCausalLM; an adapter/ directory is attached with
peft.PeftModel, which must wrap the adapter's modules_to_save. Exits 1 when
any logit differs by more than 1e-4.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
import transformers

TOLERANCE = 1e-4


def check(d: Path) -> float:
    g = json.loads((d / "go_logits.json").read_text())
    rows = int(g["rows"])
    ids = torch.tensor(g["input_ids"]).reshape(rows, -1)
    mask = torch.tensor(g["attention_mask"]).reshape(rows, -1).to(torch.long)
    arch = json.loads((d / "config.json").read_text())["architectures"][0]
    auto = transformers.AutoModelForSequenceClassification if arch.endswith("ForSequenceClassification") else transformers.AutoModelForCausalLM
    model = auto.from_pretrained(d, dtype=torch.float32).eval()
    if (d / "adapter").is_dir():
        import peft

        model = peft.PeftModel.from_pretrained(model, d / "adapter").eval()
        saved = json.loads((d / "adapter" / "adapter_config.json").read_text()).get("modules_to_save") or []
        wrapped = sum(1 for m in model.modules() if type(m).__name__ == "ModulesToSaveWrapper")
        if saved and wrapped == 0:
            raise SystemExit(f"{d.name}: peft kept none of modules_to_save {saved} apart")
    with torch.no_grad():
        logits = model(input_ids=ids, attention_mask=mask).logits
    want = torch.tensor(g["logits"]).reshape(logits.shape)
    return float((logits - want).abs().max())


def main() -> None:
    root = Path(sys.argv[1])
    worst = 0.0
    for d in sorted(p for p in root.iterdir() if (p / "go_logits.json").exists()):
        diff = check(d)
        worst = max(worst, diff)
        print(f"{d.name}: largest logit difference {diff:.3g}")
    if worst > TOLERANCE:
        raise SystemExit(f"exports differ from transformers by {worst:.3g} > {TOLERANCE}")


if __name__ == "__main__":
    main()
