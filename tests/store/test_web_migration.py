"""Migration 0002 on a store holding evaluations stored under 0001: the framework, scope and
criteria columns are filled from each stored scorecard, and the model takes its latest
evaluation's. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest

from support.webutil import card_for, db_url, index_names

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


# The computed sorts as they were defined before 0004 (SQL CASE expressions over the framework
# columns), in Python: the stored ranks must give exactly these orders.
def _old_rank(key: str, row: Any) -> float:
    from truecard.store.cards import OPEN_LICENSE_CLASSES

    if key == "mof":
        c = row["mof_class"]
        return (4 - c) if c in (1, 2, 3) else 0 if c == 0 else -1
    if key == "osaid":
        return -1 if row["osaid_ready"] is None else int(row["osaid_ready"])
    if key == "osai":
        return -1.0 if row["osai_score"] is None else row["osai_score"]
    if key == "open":
        return int(row["license_class"] in OPEN_LICENSE_CLASSES)
    if key == "scope":
        return {"verified": 2, "card+code": 1}.get(row["scope"], 0)
    i = CRITERIA.index(key)  # a criterion: its digit, '' when the points are shorter
    return ord(row["points"][i]) if i < len(row["points"]) else -1


CRITERIA = __import__("truecard.spec", fromlist=["load_spec"]).load_spec().criterion_ids


def _copy_store_at_0003(source: Any, target_url: str) -> None:
    """The rows of a store at head written into an empty database at 0003, without the columns
    0003 does not have: a store as an 0003 server left it (the same values its writes stored)."""
    import sqlalchemy as sa

    from truecard.store import migrate
    from truecard.store.db import Database

    target = Database(target_url)
    try:
        migrate.upgrade(target, "0003")
        src_md, dst_md = sa.MetaData(), sa.MetaData()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "skipped reflection of expression-based index"
            src_md.reflect(source.read_engine)
            dst_md.reflect(target.write_engine)
        with source.read_engine.connect() as src, target.write_engine.begin() as dst:
            dst.execute(sa.delete(dst_md.tables["store_state"]))  # the migrations' own row
            for name in ("users", "models", "evaluations", "claims", "audit_log", "store_state"):
                cols = [c.name for c in dst_md.tables[name].columns]
                rows = [{k: r[k] for k in cols} for r in src.execute(sa.select(src_md.tables[name])).mappings()]
                if rows:
                    dst.execute(sa.insert(dst_md.tables[name]), rows)
            if dst.dialect.name == "postgresql":  # the copied keys: the sequences follow
                for name in ("models", "evaluations", "audit_log"):
                    dst.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                        f"(SELECT max(id) FROM {name}))"))
    finally:
        target.dispose()


def _demo_store_at_0003(target_url: str, tmp_path: Any) -> None:
    """The demo's real evaluations, stored at head in a scratch SQLite file, then copied into
    `target_url` at 0003 (`_copy_store_at_0003`)."""
    from support.webutil import load_demo
    from truecard.store import open_store

    source = open_store(f"sqlite:///{tmp_path / 'head.db'}")
    try:
        load_demo(source)
        _copy_store_at_0003(source, target_url)
    finally:
        source.dispose()


def test_upgrade_from_0003_ranks_existing_models_and_sorts_by_index(db_url: str, tmp_path: Any) -> None:
    """0004 on a store holding the demo's 400 real evaluations stored under 0003: every model
    gets the ranks its columns give, each computed sort and criteria sort has its index, and the
    leaderboard's orders are the ones the computed SQL orders gave before. New writes keep the
    ranks in step."""
    import sqlalchemy as sa

    from truecard.store import migrate, open_store, repo
    from truecard.store.orm import CRITERIA_INDEXED, RANKED, sort_ranks

    _demo_store_at_0003(db_url, tmp_path)
    from truecard.store.db import Database

    db = Database(db_url)
    try:
        assert migrate.current(db) == "0003"
        with db.read_engine.connect() as c:
            assert "mof_rank" not in {col["name"] for col in sa.inspect(c).get_columns("models")}
        assert migrate.upgrade(db, "0004") == ("0003", "0004")
        migrate.upgrade(db)  # the later migrations, so the store opens (they leave the ranks alone)
    finally:
        db.dispose()
    store = open_store(db_url)
    try:
        md = sa.MetaData()
        models = sa.Table("models", md, autoload_with=store.read_engine)
        with store.read_engine.connect() as c:
            rows = list(c.execute(sa.select(models)).mappings())
            indexes = index_names(c, "models")
        assert len(rows) > 300
        for r in rows:
            want = sort_ranks(r["mof_class"], r["osaid_ready"], r["osai_score"], r["license_class"], r["scope"])
            assert {k: r[k] for k in RANKED} == want, r["model_id"]
        # the real data has every rank value: a backfill that set one constant would fail here
        assert all(len({r[k] for r in rows}) >= 2 for k in RANKED), {k: {r[k] for r in rows} for k in RANKED}
        assert {f"ix_models_{c}_sort" for c in RANKED} | {f"ix_models_c{i}_sort"
                                                         for i in range(1, CRITERIA_INDEXED + 1)} <= indexes
        ranked = [r for r in rows if r["ranked"]]
        with store.read() as s:
            for key in ("mof", "osaid", "osai", "open", "scope", CRITERIA[0], CRITERIA[-1]):
                for direction in ("desc", "asc"):
                    got = [m.model_id for m in repo.all_models(s, repo.LeaderboardQuery(key, direction))]
                    sign = -1 if direction == "desc" else 1
                    # ties: total best first when descending, then model id A-Z (Z-A ascending)
                    want_rows = sorted(ranked, key=lambda r: (sign * _old_rank(key, r), sign * r["total"]))
                    want = _tie_break(want_rows, key, direction)
                    assert got == want, (key, direction)
        # a write after the upgrade keeps the ranks in step with the model's new columns
        doc = _with_frameworks("org/new-one", "3" * 40, "2026-01-01T00:00:00+00:00")
        with store.write() as s:
            m = repo.save_evaluation(s, doc, actor="test").model
            assert (m.mof_rank, m.scope_rank) == (sort_ranks(m.mof_class, None, None, None, m.scope)["mof_rank"],
                                                  sort_ranks(None, None, None, None, m.scope)["scope_rank"])
    finally:
        store.dispose()


def _tie_break(rows: list[Any], key: str, direction: str) -> list[str]:
    """Model ids in the leaderboard's order: by rank and total (already sorted, stable), then
    model id (its lower-cased `sort_key`) A-Z when descending, Z-A when ascending."""
    sign = -1 if direction == "desc" else 1
    out = sorted(rows, key=lambda r: (sign * _old_rank(key, r), sign * r["total"], _Desc(r["sort_key"])
                                      if direction == "asc" else r["sort_key"]))
    return [r["model_id"] for r in out]


class _Desc:
    """A string that sorts Z-A (bytewise: the `C` collation the store uses on PostgreSQL too)."""

    def __init__(self, s: str) -> None:
        self.b = s.encode("utf-8")

    def __lt__(self, other: _Desc) -> bool:
        return self.b > other.b

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.b == other.b


def test_upgrade_to_0005_indexes_the_unranked_count(db_url: str, tmp_path: Any) -> None:
    """0005 on a store at 0004 with the demo's evaluations: `models.ranked` gets its index, the
    count of unranked models reads it (SQLite's plan names it) and still counts right."""
    import sqlalchemy as sa

    from truecard.store import migrate, open_store, repo
    from truecard.store.db import Database

    _demo_store_at_0003(db_url, tmp_path)
    db = Database(db_url)
    try:
        assert migrate.upgrade(db, "0004") == ("0003", "0004")
        with db.read_engine.connect() as c:
            assert "ix_models_ranked" not in index_names(c, "models")
        assert migrate.upgrade(db) == ("0004", "0005")
    finally:
        db.dispose()
    store = open_store(db_url)
    try:
        with store.write_engine.begin() as c:
            assert "ix_models_ranked" in index_names(c, "models")
            ids = list(c.execute(sa.text("SELECT id FROM models ORDER BY id LIMIT 3")).scalars())
            c.execute(sa.text("UPDATE models SET ranked = :f WHERE id IN (:a, :b, :c)"),
                      {"f": False, "a": ids[0], "b": ids[1], "c": ids[2]})
            if c.dialect.name == "sqlite":
                plan = " ".join(str(r[-1]) for r in c.execute(sa.text(
                    "EXPLAIN QUERY PLAN SELECT count(models.id) FROM models WHERE models.ranked IS 0")))
                assert "ix_models_ranked" in plan, plan
        with store.read() as s:
            assert repo.unranked_count(s) == 3
    finally:
        store.dispose()
