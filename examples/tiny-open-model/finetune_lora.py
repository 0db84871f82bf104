"""Fine-tune tiny-open-model with LoRA (peft) using configs/finetune_lora.yaml."""

from pathlib import Path

import torch
import yaml
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer


def main(root: Path = Path(__file__).parent) -> None:
    cfg = yaml.safe_load((root / "configs" / "finetune_lora.yaml").read_text())
    tok = AutoTokenizer.from_pretrained(root)
    model = AutoModelForCausalLM.from_pretrained(root)
    lora = cfg["lora"]
    model = get_peft_model(model, LoraConfig(r=lora["r"], lora_alpha=lora["alpha"], target_modules=lora["target_modules"]))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["learning_rate"])
    ids = tok("Open models publish their weights.", return_tensors="pt")["input_ids"]
    for _ in range(cfg["max_steps"]):
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
    model.save_pretrained(root / "lora-adapter")


if __name__ == "__main__":
    main()
