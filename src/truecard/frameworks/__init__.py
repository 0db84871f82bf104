"""Frameworks: views over one evidence inventory (TRUE first; MOF, OSAID, OSAI, policies).

Every framework reads the same inventory (and TRUE's criterion results, which already interpret
it), so one scan answers all of them. Each is data plus small rules:

- `true`: the TRUE scorecard itself (always computed; the default selection);
- `mof`: the Model Openness Framework class and progress, as the Model Openness Tool computes;
- `osaid`: OSI Open Source AI Definition 1.0 readiness;
- `osai`: the European Open Source AI Index's parameters and score;
- a path to a policy YAML: an organisation's minimum points (see `truecard.frameworks.policy`).

`resolve()` checks a user's selection before anything is scanned (a bad name or policy file is
an input error); `apply()` fills `Scorecard.frameworks` with the selected views.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from truecard.evidence.inventory import Inventory
    from truecard.frameworks.policy import Policy
    from truecard.models import MofView, PolicyView, Scorecard

def framework_names() -> tuple[str, ...]:
    """Every framework name `--framework` accepts: truecard's and installed packages'
    (`truecard.registry`, group `truecard.frameworks`)."""
    from truecard.registry import names

    return tuple(names("frameworks"))


# truecard's own (kept for callers that list them); the registry is the source of truth
BUILTIN = ("true", "mof", "osaid", "osai")


class FrameworkError(ValueError):
    """An unknown framework name or an unusable policy file (exit code 2)."""


@dataclass
class Selection:
    """The frameworks a user asked for, resolved and validated."""

    names: list[str]  # built-in names, in the order given
    policies: list[tuple[str, Policy]]  # (file, policy)

    @property
    def show_true(self) -> bool:
        return "true" in self.names

    def keys(self) -> list[str]:
        return [n for n in self.names if n != "true"] + [policy_key(p) for _, p in self.policies]


def policy_key(policy: Policy) -> str:
    return f"policy:{policy.name}"


def resolve(selection: Sequence[str] | None) -> Selection:
    """Validate `--framework` values: built-in names or policy files (`.yaml`/`.yml`)."""
    names: list[str] = []
    policies: list[tuple[str, Policy]] = []
    for raw in selection or ["true"]:
        for item in (x.strip() for x in str(raw).split(",")):
            if not item:
                continue
            low = item.lower()
            if low in framework_names():
                if low not in names:
                    names.append(low)
                continue
            looks_like_file = low.endswith((".yaml", ".yml")) or "/" in item or Path(item).exists()
            if not looks_like_file:
                raise FrameworkError(
                    f"unknown framework {item!r}; choose one of: {', '.join(framework_names())}, or a policy file (.yaml)"
                )
            # imported here: a scan without a policy file never needs it (its models, its YAML)
            from truecard.frameworks.policy import PolicyError, load_policy

            try:
                policies.append((item, load_policy(item)))
            except PolicyError as exc:
                raise FrameworkError(str(exc)) from None
    if not names and not policies:
        names = ["true"]
    return Selection(names, policies)


def apply(card: Scorecard, inv: Inventory, selection: Selection) -> None:
    """Compute the selected views into `card.frameworks` (TRUE is the scorecard itself)."""
    from truecard.registry import load, plugins

    known = plugins("frameworks")
    views: dict[str, Any] = {}
    for name in selection.names:
        if name != "true":  # TRUE is the scorecard itself, not a view
            views[name] = load(known[name])(inv, card)
    if selection.policies:
        from truecard.frameworks import policy

        for file, pol in selection.policies:
            views[policy_key(pol)] = policy.evaluate(pol, inv, card, file)
    for key, view in views.items():
        card.frameworks.set(key, view)


def mof_view(inv: Inventory, card: Scorecard) -> MofView:
    """The MOF view with the signature every framework plugin has (MOF needs no scorecard)."""
    from truecard.frameworks import mof

    return mof.evaluate(inv)


def failed_policies(card: Scorecard) -> list[PolicyView]:
    """Policy views in a scorecard that the model misses."""
    return [v for v in card.frameworks.policies if not v.passed]
