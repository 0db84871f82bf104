"""Integrity and safety of a model's artifacts, read without loading anything.

- `pickles`: which weight files are code-free (safetensors, GGUF, ...) and, for pickle-based
  ones (`.bin`, `.pt`, `.ckpt`, `.pkl`, PyTorch zip archives), every global they import, found
  statically by picklescan and judged against a tensor allow-list; never `pickle.load`.
- `signatures`: OpenSSF model-signing bundles, checked offline with the `model-signing`
  library: digests against the signed manifest, files not covered, the signer as stated, and
  authenticated when the user trusts a key or certificate (`trusting()`, `--trust-key`/`--trust-cert`).
- `declared`: CycloneDX and SPDX 3 BOMs the repository ships, read as *declared* evidence;
  their licences join the licence findings (`how="declared"`) so contradictions are conflicts.
- `facts`: what the SPDX 3 AI profile and CycloneDX modelCard need beyond the scorecard.

`collect(inv, trees)` runs them all through the `Tree` API and sets `inv.integrity`
(a `truecard.models.Integrity`), which the engine copies into `Scorecard.integrity`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from truecard.models import Evidence, EvidenceKind, Integrity, Problem

_HashScope = Literal["file", "header", "value"] | None  # what a Tree's sha256 says it covers

if TYPE_CHECKING:
    from truecard.evidence.inventory import Inventory
    from truecard.sources.base import Tree

__all__ = ["Trust", "TrustError", "collect", "current_trust", "trusting"]


class TrustError(ValueError):
    """A --trust-key or --trust-cert file that is missing or not a PEM key or certificate."""


@dataclass(frozen=True)
class Trust:
    """Public keys and CA certificates the user trusts to have signed models."""

    keys: tuple[Path, ...] = ()
    certs: tuple[Path, ...] = ()


_TRUST: ContextVar[Trust] = ContextVar("truecard_trust", default=Trust())  # noqa: B039 - frozen


def load_trust(keys: Iterable[str | Path] = (), certs: Iterable[str | Path] = ()) -> Trust:
    """Check trust material up front, so a bad file is a one-line error before any scan."""
    ks, cs = tuple(Path(k) for k in keys), tuple(Path(c) for c in certs)
    if not ks and not cs:
        return Trust()
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
    except ImportError:
        raise TrustError("--trust-key/--trust-cert need the formats extra (pip install 'truecard[formats]')") from None
    for k in ks:
        try:
            serialization.load_pem_public_key(k.read_bytes())
        except OSError as exc:
            raise TrustError(f"--trust-key {k}: {exc.strerror or exc}") from None
        except ValueError:
            raise TrustError(f"--trust-key {k}: not a PEM public key") from None
    for c in cs:
        try:
            if not x509.load_pem_x509_certificates(c.read_bytes()):
                raise ValueError
        except OSError as exc:
            raise TrustError(f"--trust-cert {c}: {exc.strerror or exc}") from None
        except ValueError:
            raise TrustError(f"--trust-cert {c}: not a PEM certificate") from None
    return Trust(ks, cs)


@contextlib.contextmanager
def trusting(keys: Iterable[str | Path] = (), certs: Iterable[str | Path] = ()) -> Iterator[Trust]:
    """Scans inside this block authenticate model signatures with these keys and certificates."""
    trust = load_trust(keys, certs)
    token = _TRUST.set(trust)
    try:
        yield trust
    finally:
        _TRUST.reset(token)


def current_trust() -> Trust:
    return _TRUST.get()


def _evidence_for(tree: Tree, path: str, summary: str, known: dict[tuple[str, str], Evidence] | None = None) -> Evidence:
    hit = (known or {}).get((tree.info.id, path))
    if hit is not None:  # the weights reader already hashed this file: cite the same bytes, hash once
        return hit.model_copy(update={"kind": EvidenceKind.INTEGRITY, "summary": summary[:300]})
    sha, scope = tree.sha256(path)
    return Evidence(kind=EvidenceKind.INTEGRITY, summary=summary[:300], source=tree.info.id, revision=tree.info.revision,
                    path=path, sha256=sha, sha256_scope=cast(_HashScope, scope), url=tree.url_for(path))


def collect(inv: Inventory, trees: Sequence[Tree]) -> None:
    """Fill `inv.integrity`; declared BOM licences go to `inv.licenses`. Reads, never loads or runs."""
    from truecard.integrity import declared, facts, pickles, signatures

    result = Integrity()
    known = {(w.evidence.source or "", w.path): w.evidence for w in inv.weights}

    def evidence_for(tree: Tree, path: str, summary: str) -> Evidence:
        return _evidence_for(tree, path, summary, known)

    budget = [pickles.MAX_FILES, pickles.MAX_REMOTE_FILES]
    trust = current_trust()
    for tree in trees:
        if not tree.lists_files:
            continue
        for step, run in (
            ("weights formats", lambda t=tree: result.serialization.extend(pickles.scan_tree(t, evidence_for, budget))),
            ("model signatures", lambda t=tree: result.signatures.extend(signatures.scan_tree(t, trust, evidence_for))),
            ("shipped BOMs", lambda t=tree: result.declared.extend(declared.read_tree(inv, t, evidence_for))),
        ):
            try:
                run()
            except OSError as exc:
                inv.problems.append(Problem(source=tree.info.id, message=f"integrity ({step}): {exc}"))
            except Exception as exc:  # a check that fails must not cost the user the whole scorecard
                inv.problems.append(Problem(source=tree.info.id, severity="error",
                                            message=f"integrity ({step}) failed: {type(exc).__name__}: {str(exc)[:200]}"))
    try:
        result.facts = facts.gather(inv)
    except Exception as exc:
        inv.problems.append(Problem(message=f"integrity (BOM facts) failed: {type(exc).__name__}: {str(exc)[:200]}",
                                    severity="error"))
    for s in result.unsafe:
        inv.warnings.append(f"unsafe pickle: {s.path} {s.message}")
    for sig in result.mismatched:
        inv.warnings.append(f"model signature {sig.verdict}: {sig.path}: {sig.message}"[:400])
    inv.integrity = result
