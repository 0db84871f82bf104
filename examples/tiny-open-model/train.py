"""Pre-train tiny-open-model from scratch with configs/train.yaml."""

from pathlib import Path

import torch
import yaml
from data.prepare_data import prepare
from transformers import AutoConfig, AutoModelForCausalLM, get_scheduler


def main(root: Path = Path(__file__).parent) -> None:
    cfg = yaml.safe_load((root / "configs" / "train.yaml").read_text())
    torch.manual_seed(cfg["seed"])
    model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(root))
    examples = prepare(root)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["learning_rate"], weight_decay=cfg["weight_decay"])
    sched = get_scheduler(cfg["lr_scheduler_type"], opt, cfg["warmup_steps"], cfg["max_steps"])
    model.train()
    for step in range(1, cfg["max_steps"] + 1):
        ids = torch.tensor([examples[step % len(examples)]])
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        opt.step()
        sched.step()
        opt.zero_grad()
        if step % cfg["save_steps"] == 0:
            model.save_pretrained(root / cfg["output_dir"] / f"step-{step}")
    model.save_pretrained(root)


if __name__ == "__main__":
    main()
