"""Pages of the documentation site generated from the code (run by mkdocs-gen-files).

- `cli.md`: every command's help, from the commands themselves;
- `rubric.md`: the rubric, from the criteria (`truecard rubric`); the committed
  docs/rubric.md must be the same text, or the build fails: a stale page is an error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import mkdocs_gen_files

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # the checkout's truecard, installed or not

from truecard.cli import reference_markdown  # noqa: E402
from truecard.docs import rubric_markdown  # noqa: E402

with mkdocs_gen_files.open("cli.md", "w") as fh:
    fh.write(reference_markdown())

rubric = rubric_markdown()
committed = (ROOT / "docs" / "rubric.md").read_text(encoding="utf-8")
if committed != rubric:
    raise SystemExit("docs/rubric.md is stale: run `truecard rubric > docs/rubric.md`")
with mkdocs_gen_files.open("rubric.md", "w") as fh:
    fh.write(rubric)
