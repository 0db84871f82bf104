"""Migration 0002 on a store holding evaluations stored under 0001: the framework, scope and
criteria columns are filled from each stored scorecard, and the model takes its latest
evaluation's. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from support.webutil import card_for, db_url

__all__ = ["db_url"]


def _with_frameworks(model_id: str, revision: str, when: str) -> dict[str, Any]:
    import truecard
    from support.webutil import EXAMPLE, retarget

    doc = json.loads(truecard.scan(EXAMPLE, use_claims=False, frameworks=["mof", "osaid", "osai"]).model_dump_json())
    doc = retarget(doc, model_id, revision)
    doc["scanned_at"] = when
    return doc


def test_upgrade_from_0001_fills_the_new_columns(db_url: str) -> None:
    import sqlalchemy as sa

    from truecard.store import cards, migrate, open_store
    from truecard.store.db import Database

    db = Database(db_url)
    try:
        migrate.upgrade(db, "0001")
        assert migrate.current(db) == "0001"
        with pytest.raises(Exception, match="truecard db upgrade"):
            open_store(db_url).dispose()
        old = card_for("org/m", "1" * 40, when="2025-01-01T00:00:00+00:00")  # no framework views
        new = _with_frameworks("org/m", "2" * 40, "2025-06-01T00:00:00+00:00")
        md = sa.MetaData()
        models = sa.Table("models", md, autoload_with=db.write_engine)
        evs = sa.Table("evaluations", md, autoload_with=db.write_engine)
        with db.write_engine.begin() as c:
            mpk = c.execute(sa.insert(models).values(
                model_id="org/m", sort_key="org/m", name="org/m", organisation="org", created_at=sa.func.now(),
                total=new["total"], total_detected=new["total_detected"], tier=new["tier"], transparent=0,
                reproducible=0, understandable=0, executable=0, license_class="osi-permissive",
                evaluations_count=2, claims_count=0).returning(models.c.id)).scalar_one()
            ids = []
            for doc in (old, new):
                text = cards.canonical_json(doc)
                ids.append(c.execute(sa.insert(evs).values(
                    model_pk=mpk, revision=doc["subject"]["sources"][0]["revision"], scanned_at=sa.func.now(),
                    stored_at=sa.func.now(), stored_by="test", total=doc["total"],
                    total_detected=doc["total_detected"], tier=doc["tier"], transparent=0, reproducible=0,
                    understandable=0, executable=0, license_class="osi-permissive", truecard_version="0.1.0",
                    fingerprint=cards.fingerprint(text), scorecard=text).returning(evs.c.id)).scalar_one())
            c.execute(sa.update(models).where(models.c.id == mpk).values(latest_evaluation_id=ids[1]))
        before, after = migrate.upgrade(db)
        assert (before, after) == ("0001", migrate.HEAD)
        md = sa.MetaData()
        models = sa.Table("models", md, autoload_with=db.read_engine)
        evs = sa.Table("evaluations", md, autoload_with=db.read_engine)
        with db.read_engine.connect() as c:
            e_old, e_new = c.execute(sa.select(evs).order_by(evs.c.id)).mappings().all()
            m = c.execute(sa.select(models)).mappings().one()
        want = cards.framework_summary(new)
        assert want["mof_class"] is not None and want["osai_score"] is not None
        for k, v in want.items():
            assert e_new[k] == v and m[k] == v, k
        assert e_old["mof_class"] is None and e_old["osaid_ready"] is None and e_old["osai_score"] is None
        assert e_old["points"] == "".join(str(c["points"]) for d in old["dimensions"] for c in d["criteria"])
        assert e_old["scope"] == "card+code" and len(m["points"]) == 15
        open_store(db_url).dispose()  # now at head: opens
    finally:
        db.dispose()
