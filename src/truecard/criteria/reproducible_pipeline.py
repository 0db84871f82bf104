"""reproducible.pipeline: "Config files, data pipeline, environment setup"."""

from __future__ import annotations

import re

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.card import find_section
from truecard.evidence.inventory import Inventory

ID = "reproducible.pipeline"
RUBRIC = Rubric(
    full="All three parts of a reproducible pipeline are in the artifacts: training configuration "
    "files (hyper-parameters, DeepSpeed/trainer configs), a data pipeline (data preparation code or "
    "data configuration), and an environment setup (requirements.txt, environment.yml, "
    "pyproject.toml, Dockerfile).",
    partial="One or two of the three, or hyper-parameters listed only in the card's prose.",
    none="None of the three.",
    unknown="Nothing was read.",
    remediation="Publish the training config files, the data preparation scripts and a pinned "
    "environment (requirements.txt or a Dockerfile) next to the training code.",
)


def evaluate(inv: Inventory) -> Assessment:
    cfg = inv.configs_of("training", "deepspeed", "finetuning")
    data = inv.configs_of("data-pipeline") or [c for c in inv.code if "data" in c.roles]
    env = inv.configs_of("environment")
    hp = [
        s
        for c in inv.cards
        for s in find_section(c, r"hyper-?param", r"training (procedure|details|setup|config)")
        if re.search(r"learning[ _]rate|batch|epoch|optimi[sz]er|warmup|steps", s.text, re.I)
    ]
    parts = {"training configuration": cfg, "data pipeline": data, "environment setup": env}
    have = [k for k, v in parts.items() if v]
    ev = [v[0].evidence for v in parts.values() if v]
    if len(have) == 3:
        return Assessment.met("training configs, data pipeline and environment all published", ev)
    if have:
        missing = [k for k in parts if k not in have]
        return Assessment.partial(
            f"has {', '.join(have)}; missing {', '.join(missing)}",
            ev,
            f"Publish the missing part(s): {', '.join(missing)}.",
        )
    if hp:
        c = inv.cards[0]
        s = hp[0]
        return Assessment.partial(
            "training hyper-parameters only listed in the card",
            [c.section_evidence(s, f"card section '{s.title}'")],
            "Publish the configuration files themselves, the data pipeline and the environment.",
        )
    if has_documentation(inv) or inv.files:
        return Assessment.unmet("no training configuration, data pipeline or environment setup found")
    return Assessment.unknown("nothing was read")
