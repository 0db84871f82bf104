"""Card metadata (front matter) facts other than licences: datasets, CO2 and hardware,
base models."""

from __future__ import annotations

from truecard.evidence.inventory import Card, DatasetRef, Disclosure, Inventory, LinkRef
from truecard.evidence.patterns import COUNT_RE
from truecard.models import EvidenceKind, clip


def collect(inv: Inventory) -> None:
    for card in inv.cards:

        md = card.metadata
        ds = md.get("datasets")
        for d in ds if isinstance(ds, list) else [ds] if isinstance(ds, str) else []:
            if isinstance(d, str) and d.strip():
                line = _line_of(card, d)
                inv.datasets.append(
                    DatasetRef(
                        d.strip(),
                        "metadata",
                        True,
                        card.evidence(
                            f"card metadata datasets: {d}",
                            kind=EvidenceKind.DATASET_METADATA,
                            field="card:datasets",
                            line_start=line,
                            line_end=line,
                            excerpt=clip(d),
                        ),
                    )
                )
        co2 = md.get("co2_eq_emissions")
        if isinstance(co2, dict):
            line = _line_of(card, "co2_eq_emissions")
            if co2.get("hardware_used"):
                inv.disclosures.append(
                    Disclosure(
                        "hardware",
                        {
                            "accelerator": str(co2["hardware_used"]),
                            # "64 A100" or "A100 x 8"; the digits of "A100" are not a count
                            "count": bool(COUNT_RE.search(str(co2["hardware_used"]))),
                            "cluster": False,
                            "metadata": True,
                        },
                        card.evidence(
                            f"co2_eq_emissions.hardware_used: {co2['hardware_used']}",
                            kind=EvidenceKind.METADATA,
                            field="card:co2_eq_emissions.hardware_used",
                            line_start=line,
                            excerpt=clip(str(co2["hardware_used"])),
                        ),
                    )
                )
            if co2.get("emissions") is not None:
                inv.disclosures.append(
                    Disclosure(
                        "emissions",
                        {"what": "CO2", "metadata": True},
                        card.evidence(
                            f"co2_eq_emissions.emissions: {co2['emissions']}",
                            kind=EvidenceKind.METADATA,
                            field="card:co2_eq_emissions.emissions",
                            line_start=line,
                            excerpt=clip(str(co2.get("emissions"))),
                        ),
                    )
                )
        elif isinstance(co2, int | float):
            inv.disclosures.append(
                Disclosure(
                    "emissions",
                    {"what": "CO2", "metadata": True},
                    card.evidence(f"co2_eq_emissions: {co2}", kind=EvidenceKind.METADATA, field="card:co2_eq_emissions"),
                )
            )
        for key in ("base_model",):
            v = md.get(key)
            if v:
                vals = v if isinstance(v, list) else [v]
                for b in vals[:5]:
                    if isinstance(b, str):
                        inv.links.append(
                            LinkRef(
                                f"https://huggingface.co/{b}",
                                "weights",
                                card.evidence(
                                    f"base_model: {b}",
                                    kind=EvidenceKind.METADATA,
                                    field="card:base_model",
                                    excerpt=clip(b),
                                ),
                                "base_model",
                            )
                        )


def _line_of(card: Card, needle: str) -> int | None:
    for i, line in enumerate(card.lines[: card.body_offset], start=1):
        if needle in line:
            return i
    return None


