"""Every regular expression truecard applies to repository text, timed on adversarial input.

Run on demand: `PYTHONPATH=src python benchmarks/redos.py [N]`. Each module-level compiled
pattern of the evidence, licence and integrity parsers is run (search, and match where it
is anchored) on runs of the characters patterns typically loop over, at length N (default
20,000) and N/4; a linear pattern costs about 4x more on the longer input, a quadratic one
16x, a cubic one 64x. Prints the slowest patterns and their growth.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import time

PACKAGES = ("truecard.evidence", "truecard.licenses", "truecard.integrity", "truecard.sources", "truecard.criteria")
UNITS = [" ", "\t", "*", "-", "a", "a ", "<!--", "{{", "[", "](", "#", "# ", "-->", "}}", "0", "1.", "://",
         "http://", "<a", "<h1>", "```", "|", ". ", ", and ", "license ", "under ", "_", "=", "/", "\\", "'",
         '"', ": ", "@", "x.", "()", "<", ">", "\u4e00", "A", "Aa", "1 ", " a", "- ", "* "]


def patterns() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for pkg in PACKAGES:
        mod = importlib.import_module(pkg)
        names = [pkg] + [f"{pkg}.{m.name}" for m in pkgutil.walk_packages(mod.__path__, "")
                         if not m.name.startswith("_") or m.name in ("_common",)]
        for name in names:
            try:
                m = importlib.import_module(name if name.startswith("truecard") else f"{pkg}.{name}")
            except Exception:
                continue
            for attr, v in vars(m).items():
                if isinstance(v, re.Pattern) and isinstance(v.pattern, str):
                    out.append((f"{m.__name__}.{attr}", v))
    seen, uniq = set(), []
    for n, p in out:
        if (p.pattern, p.flags) not in seen:
            seen.add((p.pattern, p.flags))
            uniq.append((n, p))
    return uniq


def cost(p: re.Pattern[str], text: str) -> float:
    t0 = time.perf_counter()
    p.search(text)
    p.match(text)
    for _ in p.finditer(text):
        pass
    return time.perf_counter() - t0


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    pats = patterns()
    print(f"{len(pats)} patterns, inputs of {n:,} and {n // 4:,} characters", flush=True)
    slow = 0
    for name, p in pats:
        for u in UNITS:
            small = u * (n // 4 // len(u))
            a = cost(p, small)
            if a > 0.02:
                b = cost(p, u * (n // len(u)))
                slow += 1
                print(f"{b:8.3f}s  x{b / a:5.1f}  {name}  unit={u!r}", flush=True)
                break
    print(f"{slow} patterns superlinear or slow")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
