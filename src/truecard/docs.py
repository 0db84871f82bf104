"""The rubric page, generated from the criteria modules so docs and code cannot drift.

`docs/rubric.md` is this module's output (`python -m truecard rubric > docs/rubric.md`); a
test fails when the committed page differs from what the code applies.
"""

from __future__ import annotations

import json

from truecard.criteria import registry
from truecard.spec import load_spec

INTRO = """\
# The TRUE partial-credit rubric applied by truecard

Generated from the criteria modules (`src/truecard/criteria/*.py`) by `truecard rubric`;
do not edit by hand. It follows the partial-credit principles the project decided (see the
TRUE framework facts) and adds detail, never contradicting them.

General rules:

- **2** = the criterion is fully met as the specification words it; **1** = partly met,
  "incomplete but indicative"; **0** = not met.
- **unknown** (0 points, said so) = nothing was read that could show it either way (no card,
  no files); **unmet** (0 points) = the artifacts were read and do not show it, or show that it
  fails (e.g. a use-restricted licence).
- Evidence in the artifacts (a file, a metadata field) counts fully; a link or a plain
  statement counts for what it plainly says; vague prose earns at most 1.
- Every point cites its evidence (file and lines, metadata field or URL, with a SHA-256 of
  what was read). Claims (`truecard.yaml` or `--claims`) may raise points but are always
  marked `claimed`; `detected_points` and `total_detected` never include them.
- Executable means executed: a plain scan never runs anything, so the two Executable
  criteria give at most 1 point each without `truecard verify`.
"""


def rubric_markdown() -> str:
    spec = load_spec()
    mods = registry()
    out = [INTRO]
    for d in spec.dimensions:
        out.append(f"## {d.name} (max {d.max})\n")
        for c in d.criteria:
            r = mods[c.id].RUBRIC
            out.append(f"### `{c.id}`: {c.name}\n")
            out.append(f'Specification: "{c.spec}".\n')
            out.append(f"- **2 points**: {r.full}")
            out.append(f"- **1 point**: {r.partial}")
            out.append(f"- **0 points (unmet)**: {r.none}")
            out.append(f"- **unknown**: {r.unknown}")
            if r.notes:
                out.append(f"- *Note*: {r.notes}")
            out.append(f"- *Remediation*: {r.remediation}\n")
    out.append("## Tiers\n")
    for t in spec.tiers:
        out.append(f"- **{t.name}**: {t.min}–{t.max}, {t.description}")
    return "\n".join(out) + "\n"


def rubric_json() -> str:
    mods = registry()
    return json.dumps(
        {
            cid: {
                "full": m.RUBRIC.full,
                "partial": m.RUBRIC.partial,
                "none": m.RUBRIC.none,
                "unknown": m.RUBRIC.unknown,
                "remediation": m.RUBRIC.remediation,
                "notes": m.RUBRIC.notes,
            }
            for cid, m in mods.items()
        },
        indent=2,
    )
