"""Regenerate the dashboard's demo data: truecard's own evaluations of real models.

Run: python scripts/make_demo_data.py [--shared DIR] [--out FILE] [--no-verify]

It writes, in this order (one export line per evaluation; `truecard serve --demo` and
`truecard import` read it):

1. the 400 real model cards of the shared corpus (`SHARED/corpus/cards/org_model.md`, the
   README.md of the Hugging Face repository `org/model`), each copied alone into a temporary
   folder as README.md and scanned: marked `partial`, scope "card only";
2. the 19 models of the labelled development set (`SHARED/bench-dev/subjects/NAME/`) that come
   with a snapshot of their code repository, scanned from the card and the code together (scope
   "card + code"), as a second, later evaluation of the same model: their history shows what
   reading the code changed. The code source is recorded as the GitHub repository at the pinned
   commit of `subjects.tsv`, so evidence links open the exact file and line. (The other 29
   labelled models have a card only: their evaluation is the corpus one.);
3. the bundled example `examples/tiny-open-model`, scanned and run with `truecard verify
   --finetune` (scope "verified"; needs the run extra, else it is stored as "card + code").

Every scan computes the MOF, OSAID and OSAI views (`frameworks=["mof", "osaid", "osai"]`).
Temporary and local paths are replaced by the models' public ids; nothing else is changed:
points, reasons and evidence are exactly what the scans produced.

Defaults: SHARED = ../shared beside the project root (where CI puts it), else /work/shared;
FILE = src/truecard/store/data/demo-evaluations.jsonl.gz.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import truecard  # noqa: E402
from truecard.store.cards import canonical_json  # noqa: E402
from truecard.store.transfer import FORMAT  # noqa: E402

DEFAULT_OUT = ROOT / "src" / "truecard" / "store" / "data" / "demo-evaluations.jsonl.gz"
EXAMPLE = ROOT / "examples" / "tiny-open-model"
EXAMPLE_ID = "truecard/tiny-open-model"
FRAMEWORKS = ["mof", "osaid", "osai"]
CORPUS_NOTE = (
    "model card only: the repository's README.md as collected in 2024-2025 by the public corpus "
    "YinanWusoymilk/hf-readme; no other file of the repository was read and the revision was not recorded"
)
CARD_NOTE = "model card as published on the Hub (truecard's labelled development set); revision not recorded"
CODE_NOTE = "code repository snapshot at the pinned commit (files over 256 KB and images left out)"
EXAMPLE_NOTE = "the example model bundled with truecard (examples/tiny-open-model), run with truecard verify"


def export_line(model_id: str, doc: dict[str, Any]) -> str:
    """One line of `truecard export`'s format (what `truecard import` and `serve --demo` read)."""
    return canonical_json({"kind": "evaluation", "format": FORMAT, "model_id": model_id, "scorecard": doc})


def default_shared() -> Path:
    for p in (ROOT.parent / "shared", Path("/work/shared")):
        if p.is_dir():
            return p
    return ROOT.parent / "shared"


def model_id_for(card_file: str) -> str:
    org, _, name = Path(card_file).stem.partition("_")
    return f"{org}/{name}" if name else org


def relabel(doc: dict[str, Any], sources: dict[str, dict[str, Any]], paths: dict[str, str]) -> dict[str, Any]:
    """Replace scanned folders by public sources: `sources` maps an old source id to the new
    source record; `paths` maps local path prefixes to what to write instead (in any text)."""
    ids = {old: new["id"] for old, new in sources.items()}
    prefixes = sorted(paths, key=len, reverse=True)

    def text(v: str) -> str:
        for p in prefixes:
            if p in v:
                v = v.replace(p, paths[p])
        return v

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "source" and isinstance(v, str) and v in ids:
                    out[k] = ids[v]
                else:
                    out[k] = walk(v)
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str):
            return text(node)
        return node

    doc = walk(doc)
    doc["subject"]["sources"] = list(sources.values())
    return doc


def hf_source(model_id: str, note: str) -> dict[str, Any]:
    return {"id": f"hf:{model_id}", "kind": "hf", "location": f"https://huggingface.co/{model_id}",
            "revision": None, "partial": True, "notes": [note]}


def scan_doc(*folders: Path, verify: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[str]]:
    sc = truecard.scan(*folders, use_claims=False, frameworks=FRAMEWORKS, verify=verify)
    return json.loads(sc.model_dump_json()), [s.id for s in sc.subject.sources]


def corpus_lines(cards_dir: Path, tmp: Path) -> list[str]:
    lines = []
    cards = sorted(cards_dir.glob("*.md"))
    for i, card in enumerate(cards, 1):
        model_id = model_id_for(card.name)
        folder = tmp / "corpus" / card.stem
        folder.mkdir(parents=True)
        (folder / "README.md").write_bytes(card.read_bytes())
        doc, ids = scan_doc(folder)
        doc = relabel(doc, {ids[0]: hf_source(model_id, CORPUS_NOTE)}, {str(folder): model_id})
        if doc["subject"]["name"] == card.stem:  # no name in the card: the folder's name
            doc["subject"]["name"] = model_id
        lines.append(export_line(model_id, doc))
        if i % 50 == 0:
            print(f"corpus {i}/{len(cards)}", file=sys.stderr)
    return lines


def bench_lines(bench: Path) -> list[str]:
    lines = []
    with open(bench / "subjects.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        subject = bench / "subjects" / row["subject"]
        code = subject / "code"
        if not code.is_dir() or row.get("code_repo", "-") in ("", "-"):
            continue  # card only: the corpus evaluation is this model's full evaluation
        model_id = model_id_for(row["card"])
        repo, commit = row["code_repo"], row["code_commit"]
        card_dir = subject / "card"
        doc, ids = scan_doc(card_dir, code)
        by_loc = {s["id"]: s for s in doc["subject"]["sources"]}
        card_id = next(i for i in ids if by_loc[i]["location"].rstrip("/").endswith("/card"))
        code_id = next(i for i in ids if i != card_id)
        sources = {
            card_id: hf_source(model_id, CARD_NOTE),
            code_id: {"id": f"gh:{repo}@{commit[:12]}", "kind": "gh", "location": f"https://github.com/{repo}",
                      "revision": commit, "partial": True, "notes": [CODE_NOTE]},
        }
        doc = relabel(doc, sources, {str(code): f"github.com/{repo}", str(card_dir): model_id})
        if doc["subject"]["name"] in ("card", "code", row["subject"]):
            doc["subject"]["name"] = model_id
        lines.append(export_line(model_id, doc))
        print(f"bench-dev {row['subject']}: {doc['total']}/30 {doc['tier']}", file=sys.stderr)
    return lines


def example_line(tmp: Path, verify: bool) -> str:
    folder = tmp / "tiny-open-model"
    shutil.copytree(EXAMPLE, folder)
    options = {"finetune": True, "timeout": 300, "memory_limit": 4 * 2**30} if verify else None
    try:
        doc, ids = scan_doc(folder, verify=options)
    except Exception as exc:  # the run extra missing: a static scan, marked as such
        print(f"example: verify unavailable ({exc}); storing a static scan", file=sys.stderr)
        doc, ids = scan_doc(folder)
    src = {"id": "local:examples/tiny-open-model", "kind": "local", "location": "examples/tiny-open-model",
           "revision": None, "partial": False, "notes": [EXAMPLE_NOTE]}
    doc = relabel(doc, {ids[0]: src}, {str(folder): "examples/tiny-open-model"})
    doc["subject"]["name"] = EXAMPLE_ID
    return export_line(EXAMPLE_ID, doc)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=default_shared(), help="the shared folder (corpus, bench-dev)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--no-verify", action="store_true", help="do not run the bundled example")
    args = ap.parse_args(argv)
    cards_dir, bench = args.shared / "corpus" / "cards", args.shared / "bench-dev"
    if not any(cards_dir.glob("*.md")) or not (bench / "subjects.tsv").is_file():
        print(f"truecard: no corpus cards in {cards_dir} or no {bench / 'subjects.tsv'}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="truecard-demo-") as tmp:
        lines = corpus_lines(cards_dir, Path(tmp))
        lines += bench_lines(bench)
        lines.append(example_line(Path(tmp), not args.no_verify))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same evaluations give the same bytes
    with open(args.out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"wrote {len(lines)} evaluations ({args.out.stat().st_size:,} bytes) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
