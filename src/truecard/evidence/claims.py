"""Claims: a person's assertions for what no file can show (e.g. a community replication).

Read from `truecard.yaml` in a scanned folder or from `--claims FILE`. Always marked
`claimed` in every output; `--no-claims` ignores them. A malformed file is a clear error.

    claims:
      - criterion: reproducible.replication
        points: 2
        evidence_url: https://example.org/replication-report
        note: Reproduced by Example Lab in 2025
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import core_schema

from truecard.bounded import load_yaml
from truecard.evidence.inventory import Claim, Inventory
from truecard.models import Evidence, EvidenceKind, Origin, clip
from truecard.sources.base import Tree
from truecard.spec import load_spec

CLAIMS_FILE = "truecard.yaml"


class ClaimsError(ValueError):
    """A claims file that cannot be used; the message says where and why."""


class _HttpUrl:
    """pydantic's `HttpUrl` checks, built from pydantic_core alone; the value is the normalised str.

    `pydantic.HttpUrl` lives in `pydantic.networks`, whose import pulls in `importlib.metadata`
    and the email package (≈ 15 ms of every cold scan, which reads the example's claims). The
    same core `url` schema (http/https, at most 2083 characters) gives the same normalisation,
    the same error messages and the same JSON Schema (`format: uri`); the only difference is
    that the field holds `str(url)`, which is all `load_claims` ever used.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            str,
            core_schema.url_schema(max_length=2083, allowed_schemes=["http", "https"]),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )


HttpUrlStr = Annotated[str, _HttpUrl()]


class ClaimSpec(BaseModel):
    model_config = ConfigDict(defer_build=True)  # read only inside ClaimsFile, built with it

    criterion: str
    points: int = Field(default=2, ge=0, le=2)
    evidence_url: HttpUrlStr | None = None
    note: str = Field(default="", max_length=2000)

    @field_validator("criterion")
    @classmethod
    def known(cls, v: str) -> str:
        ids = load_spec().criterion_ids  # the current spec's, at validation time (a test may add one)
        if v not in ids:
            raise ValueError(f"unknown criterion {v!r}; one of: {', '.join(ids)}")
        return v


class ClaimsFile(BaseModel):
    claims: list[ClaimSpec] = Field(default_factory=list)


def parse_claims(text: str, where: str) -> list[ClaimSpec]:
    try:
        data: Any = load_yaml(text, yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ClaimsError(f"{where}: not valid YAML: {exc}") from None
    if data is None:
        return []
    if isinstance(data, list):
        data = {"claims": data}
    if not isinstance(data, dict):
        raise ClaimsError(f"{where}: expected a mapping with a 'claims' list")
    try:
        return ClaimsFile.model_validate(data).claims
    except ValidationError as exc:
        errs = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])
        raise ClaimsError(f"{where}: invalid claims: {errs}") from None


def load_claims(inv: Inventory, trees: list[Tree], claims_file: str | os.PathLike[str] | None) -> None:
    specs: list[tuple[ClaimSpec, str, str | None, Tree | None]] = []
    for t in trees:
        e = t.entry(CLAIMS_FILE)
        if e is not None:
            try:
                text = t.read_head(CLAIMS_FILE, 1 << 20).decode("utf-8", "replace")
            except OSError as exc:
                raise ClaimsError(
                    f"{t.info.location}/{CLAIMS_FILE}: unreadable: {exc.strerror or exc}"
                ) from None
            for c in parse_claims(text, f"{t.info.location}/{CLAIMS_FILE}"):
                specs.append((c, CLAIMS_FILE, t.sha256(CLAIMS_FILE)[0], t))
    if claims_file is not None:
        p = Path(claims_file)
        if not p.is_file():
            raise ClaimsError(f"{claims_file}: claims file not found")
        import hashlib

        raw = p.read_bytes()[: 1 << 20]
        for c in parse_claims(raw.decode("utf-8", "replace"), str(claims_file)):
            specs.append((c, str(p), hashlib.sha256(raw).hexdigest(), None))
    for c, path, sha, tree in specs:
        url = str(c.evidence_url) if c.evidence_url else None
        inv.claims.append(
            Claim(
                criterion=c.criterion,
                points=c.points,
                evidence_url=url,
                note=c.note,
                evidence=Evidence(
                    kind=EvidenceKind.CLAIM,
                    summary=f"claimed {c.points}/2: {clip(c.note or url or '', 150)}",
                    source=tree.info.id if tree else f"file:{path}",
                    revision=tree.info.revision if tree else None,
                    path=path,
                    url=url,
                    excerpt=clip(c.note) if c.note else None,
                    sha256=sha,
                    sha256_scope="file",
                    origin=Origin.CLAIMED,
                ),
            )
        )
