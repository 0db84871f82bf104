"""The store: migrations, evaluations and history, leaderboard queries, claims, tokens,
export/import (lossless, bad lines, the reference tool's format). SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import io
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from support.webutil import (
    ROOT,
    card_for,
    client,
    db_url,
    demo_lines,
    example_card,
    index_names,
    load_demo,
    make_token,
    save,
    store,
)
from truecard.spec import load_spec
from truecard.store import StoreError, cards, migrate, open_store, reference, repo, transfer
from truecard.store.diff import diff_scorecards

CRITERION_IDS = load_spec().criterion_ids

__all__ = ["client", "db_url", "store"]  # fixtures used here


# ------------------------------------------------------------------------------ migrations


def test_empty_database_gets_the_schema_and_orm_matches_migrations(store: Any) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    from truecard.store.orm import Base, Model

    assert migrate.current(store) == migrate.head(store) == migrate.HEAD
    with store.write_engine.connect() as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "skipping expression-based index ix_models_rank"
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        indexes = {i["name"] for i in inspect(conn).get_indexes("models")}
    # the expression indexes (total DESC, ...; 0004's ranks and criteria) cannot be compared by
    # reflection: checked by name below
    expression_indexes = {"ix_models_rank", *(str(i.name) for i in Model.__table__.indexes
                                              if any("DESC" in str(e) for e in i.expressions))}
    diffs = [d for d in diffs if not (d[0] in ("add_index", "remove_index") and d[1].name in expression_indexes)]
    assert diffs == [], "the ORM and the migrations disagree: add a migration"
    assert {"ix_models_rank", "ix_models_reproducible_sort", "ix_models_license_class_sort"} <= indexes
    with store.read_engine.connect() as conn:
        assert len(expression_indexes) == 21 and expression_indexes <= index_names(conn, "models")


def test_foreign_or_outdated_database_is_refused(db_url: str) -> None:
    from sqlalchemy import create_engine, text

    eng = create_engine(db_url)
    with eng.begin() as c:
        c.execute(text("CREATE TABLE something_else (id INTEGER PRIMARY KEY)"))
    with pytest.raises(StoreError, match="no truecard schema"):
        open_store(db_url)
    with eng.begin() as c:
        c.execute(text("DROP TABLE something_else"))
    open_store(db_url).dispose()
    with eng.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    eng.dispose()
    with pytest.raises(StoreError, match="truecard db upgrade"):
        open_store(db_url)


# ----------------------------------------------------------------------------- evaluations


def test_save_history_latest_and_duplicates(store: Any) -> None:
    first = card_for("org/m", "a" * 40, when="2025-01-01T00:00:00+00:00")
    second = card_for("org/m", "b" * 40, {"reproducible.replication": 0, "transparent.datasets": 0},
                      when="2025-02-01T00:00:00+00:00")
    older = card_for("org/m", "c" * 40, {"executable.inference": 0}, when="2024-12-01T00:00:00+00:00")
    e1, e2 = save(store, first), save(store, second)
    with store.write() as s:
        res = repo.save_evaluation(s, first, actor="t")
        assert res.duplicate and res.evaluation.id == e1
    save(store, older)  # scanned earlier, stored later: history grows, latest stays
    with store.read() as s:
        m = repo.get_model(s, "org/m")
        assert m is not None and m.evaluations_count == 3
        assert m.latest_evaluation_id == e2
        assert (m.total, m.tier) == (second["total"], second["tier"])
        assert m.organisation == "org" and m.license_class == "osi-permissive"
        hist = repo.history(s, m)
        assert [h.revision for h in hist] == ["c" * 40, "a" * 40, "b" * 40]
        assert json.loads(repo.get_evaluation(s, m).scorecard) == second  # stored whole
        assert repo.get_model(s, "ORG/M") is m  # hub ids are case-insensitive
        actions = [a.action for a in repo.audit_for(s, m)]
        assert actions.count("evaluation.add") == 3


@pytest.mark.parametrize("mutate, fragment", [
    (lambda d: d.update(total=30), "total 30/30 disagrees"),
    (lambda d: d.update(tier="Platinum"), "tier 'Platinum' is wrong"),
    (lambda d: d["dimensions"][0].update(score=3), "disagrees with its criteria"),
    (lambda d: d["dimensions"][0]["criteria"].pop(), "criteria must be"),
    (lambda d: d["dimensions"][1]["criteria"][0].update(points=3), "less than or equal to 2"),
    (lambda d: d.update(total_detected=0), "total_detected 0 disagrees"),
    (lambda d: d.pop("subject"), "subject"),
    (lambda d: d["dimensions"][0]["criteria"][0]["evidence"][0].update(extra_field=1), "extra_field"),
])
def test_inconsistent_scorecards_are_refused(mutate: Any, fragment: str) -> None:
    doc = card_for("org/m")
    mutate(doc)
    with pytest.raises(cards.InvalidEvaluation, match=fragment):
        cards.validate_scorecard(doc)


def test_model_ids() -> None:
    assert cards.check_model_id("EleutherAI/pythia-1b") == "EleutherAI/pythia-1b"
    for bad in ["", "a/b/c", "../x", "org/..", "org/claims", "a b", "x" * 201, "/abs", "org/<script>"]:
        with pytest.raises(cards.InvalidModelId):
            cards.check_model_id(bad)
    assert cards.repo_path("https://huggingface.co/org/name/tree/main") == "org/name"
    assert cards.slug("Meta Llama 3.3 (70B)") == "Meta-Llama-3.3-70B"
    from truecard.models import Scorecard

    card = Scorecard.model_validate(example_card())
    assert cards.derive_model_id(card) == "tiny-open-model"
    assert cards.derive_model_id(Scorecard.model_validate(card_for("org/x"))) == "org/x"


def test_weights_license_class_most_restrictive_wins() -> None:
    lic = [{"scope": "model", "class": "osi-permissive", "confidence": 1.0},
           {"scope": "weights", "class": "restricted", "confidence": 0.9},
           {"scope": "code", "class": "proprietary", "confidence": 1.0}]
    assert cards.weights_license_class({"licenses": lic}) == "restricted"
    assert cards.weights_license_class({"licenses": lic[:1]}) == "osi-permissive"
    assert cards.weights_license_class({"licenses": []}) == "none"
    assert cards.weights_license_class({"licenses": [{"scope": "model", "class": "unknown", "confidence": 0.2}]}) == "unknown"
    per_artifact = [{"artifact": "inference-code", "class": "osi-permissive"}, {"artifact": "weights", "class": "restricted"}]
    assert cards.weights_license_class({"licenses": per_artifact}) == "restricted"
    assert cards.weights_license_class(example_card()) == "osi-permissive"


# ----------------------------------------------------------------------------- leaderboard


def _ids(store: Any, **kw: Any) -> tuple[list[str], int]:
    with store.read() as s:
        rows, n = repo.list_models(s, repo.LeaderboardQuery(**kw))
        return [r.model_id for r in rows], n


def test_leaderboard_sort_filter_search_paginate(store: Any) -> None:
    load_demo(store, 120)
    save(store, card_for("zz-lab/top_model", changes=dict.fromkeys(CRITERION_IDS, 2)))  # 30/30, all detected
    ids, n = _ids(store, per_page=200)
    assert n == 121 and ids[0] == "zz-lab/top_model"
    with store.read() as s:
        rows, _ = repo.list_models(s, repo.LeaderboardQuery(per_page=200))
        totals = [r.total for r in rows]
        assert totals == sorted(totals, reverse=True)
        for key, attr in [("transparent", "transparent"), ("reproducible", "reproducible"),
                          ("understandable", "understandable"), ("executable", "executable"),
                          ("scanned", "last_scanned_at"), ("name", "model_id"), ("org", "organisation"),
                          ("license", "license_class"), ("detected", "total_detected")]:
            for direction in ("asc", "desc"):
                rows, _ = repo.list_models(s, repo.LeaderboardQuery(sort=key, direction=direction, per_page=200))
                vals = [getattr(r, attr).lower() if key == "name" else getattr(r, attr) for r in rows]
                assert vals == sorted(vals, reverse=direction == "desc"), (key, direction)
    ids, n = _ids(store, tier="platinum")
    assert ids == ["zz-lab/top_model"] and n == 1
    ids, n = _ids(store, org="01-ai", per_page=200)
    assert n == 3 and all(i.startswith("01-ai/") for i in ids)
    ids, n = _ids(store, license="restricted", per_page=200)
    with store.read() as s:
        assert all(repo.get_model(s, i).license_class == "restricted" for i in ids)
    ids, n = _ids(store, min_score=15, per_page=200)
    with store.read() as s:
        assert all(repo.get_model(s, i).total >= 15 for i in ids)
    assert _ids(store, q="TOP_MOD")[0] == ["zz-lab/top_model"]
    assert _ids(store, q="%")[1] == 0  # LIKE wildcards are escaped
    page1, n = _ids(store, per_page=50)
    page3, _ = _ids(store, per_page=50, page=3)
    assert len(page1) == 50 and len(page3) == 21 and not set(page1) & set(page3)
    q = repo.LeaderboardQuery(sort="nope", tier="mithril", license="gpl", per_page=10_000).normalised()
    assert (q.sort, q.tier, q.license, q.per_page) == ("total", None, None, repo.PER_PAGE_MAX)
    assert len(q.problems) == 3


# ---------------------------------------------------------------------------- claims, tokens


def test_tokens_ownership_and_claims(store: Any) -> None:
    save(store, card_for("org/m"))
    save(store, card_for("org/other"))
    alice = make_token(store, "alice", owns=("org/m",))
    admin = make_token(store, "root", admin=True)
    with store.write() as s:
        user = repo.user_for_token(s, alice)
        assert user is not None and user.name == "alice"
        assert repo.user_for_token(s, alice + "x") is None and repo.user_for_token(s, "") is None
        m, other = repo.get_model(s, "org/m"), repo.get_model(s, "org/other")
        assert repo.can_maintain(user, m) and not repo.can_maintain(user, other)
        assert repo.can_maintain(repo.user_for_token(s, admin), other)
        with pytest.raises(repo.Forbidden):
            repo.add_claim(s, other, user, criterion="reproducible.replication", evidence_url="https://x.org/r")
        for bad_url in ["javascript:alert(1)", "ftp://x.org/f", "https://", "https://x.org/a b", "data:text/html,x"]:
            with pytest.raises(ValueError, match="http"):
                repo.add_claim(s, m, user, criterion="reproducible.replication", evidence_url=bad_url)
        with pytest.raises(ValueError, match="unknown criterion"):
            repo.add_claim(s, m, user, criterion="made.up", evidence_url="https://x.org")
        with pytest.raises(ValueError, match="at most 2000"):
            repo.add_claim(s, m, user, criterion="reproducible.replication", evidence_url="https://x.org", note="n" * 2001)
        c = repo.add_claim(s, m, user, criterion="reproducible.replication",
                           evidence_url="https://example.org/replication", note="Reproduced by Example Lab\x00")
        assert c.note == "Reproduced by Example Lab" and c.author == "alice"
    with store.read() as s:
        m = repo.get_model(s, "org/m")
        assert m.claims_count == 1 and m.total == card_for("org/m")["total"]  # a claim never changes the score
        entry = repo.audit_for(s, m)[0]
        assert (entry.actor, entry.action) == ("alice", "claim.add")
        assert json.loads(entry.detail)["evidence_url"] == "https://example.org/replication"
        prefix = repo.list_tokens(s)[0].prefix
    with store.write() as s:
        assert repo.revoke_token(s, prefix) == 1
    with store.read() as s:
        assert repo.user_for_token(s, alice) is None
    with store.write() as s, pytest.raises(repo.NotFound):
        repo.create_token(s, "bob", owns=("org/missing",))


def test_push_ownership_rules(store: Any) -> None:
    from truecard.store.orm import User

    with store.write() as s:
        alice, _ = repo.get_or_create_user(s, "alice")
        bob, _ = repo.get_or_create_user(s, "bob")
        res = repo.save_evaluation(s, card_for("org/m"), actor="alice", user=alice, enforce_owner=True)
        assert res.created_model and res.model.owner_id == alice.id
        with pytest.raises(repo.Forbidden, match="maintained by alice"):
            repo.save_evaluation(s, card_for("org/m", "b" * 40), actor="bob", user=bob, enforce_owner=True)
        assert isinstance(alice, User)
    save(store, card_for("org/unowned"))
    with store.write() as s:
        bob = repo.get_or_create_user(s, "bob")[0]
        with pytest.raises(repo.Forbidden, match="no one"):
            repo.save_evaluation(s, card_for("org/unowned", "c" * 40), actor="bob", user=bob, enforce_owner=True)


def test_sessions(store: Any) -> None:
    with store.write() as s:
        user, _ = repo.get_or_create_user(s, "alice")
        sid = repo.create_session(s, user)
    with store.write() as s:
        ws = repo.session_for(s, sid)
        assert ws is not None and ws.user.name == "alice" and len(ws.csrf) > 20
        assert repo.session_for(s, sid + "x") is None
        repo.delete_session(s, sid)
    with store.read() as s:
        assert repo.session_for(s, sid) is None


# ------------------------------------------------------------------------------------ diff


def test_diff_says_which_criteria_moved_and_why() -> None:
    old = card_for("org/m", "a" * 40)
    new = card_for("org/m", "b" * 40, {"transparent.datasets": 1, "reproducible.replication": 0})
    d = diff_scorecards(old, new)
    moved = {r["id"]: r for r in d["moved"]}
    assert set(moved) == {"transparent.datasets", "reproducible.replication"}
    assert moved["transparent.datasets"]["before"] == old["dimensions"][0]["criteria"][4]["points"]
    assert moved["reproducible.replication"]["rationale_after"] == "test: set to 0"
    assert d["total"] == {"before": old["total"], "after": new["total"]}
    assert d["revision"] == {"before": "a" * 40, "after": "b" * 40}


# ---------------------------------------------------------------------------- export/import


def _export(store: Any) -> str:
    buf = io.StringIO()
    transfer.export(store, buf)
    return buf.getvalue()


def test_export_import_round_trip_is_lossless(store: Any, tmp_path: Path) -> None:
    load_demo(store, 30)
    save(store, card_for("org/m", "a" * 40, when="2025-01-01T00:00:00+00:00"))
    save(store, card_for("org/m", "b" * 40, {"transparent.datasets": 0}, when="2025-03-01T00:00:00+00:00"))
    token = make_token(store, "alice", owns=("org/m",))
    with store.write() as s:
        u = repo.user_for_token(s, token)
        repo.add_claim(s, repo.get_model(s, "org/m"), u, criterion="reproducible.replication",
                       evidence_url="https://example.org/r?a=1&b=<2>", note="ünïcode & \"quotes\"\nline 2")
    first = _export(store)
    assert first.count("\n") == 33
    f = tmp_path / "export.jsonl"
    f.write_text(first, encoding="utf-8")
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    report = transfer.import_file(other, f, actor="test")
    assert report.ok and (report.evaluations, report.claims) == (32, 1)
    assert _export(other) == first  # byte for byte
    again = transfer.import_file(other, f, actor="test")  # idempotent
    assert (again.evaluations, again.claims, again.duplicates) == (0, 0, 33)
    gz = tmp_path / "export.jsonl.gz"
    gz.write_bytes(gzip.compress(first.encode()))
    third = open_store(f"sqlite:///{tmp_path / 'third.db'}")
    assert transfer.import_file(third, gz, actor="t").evaluations == 32
    for db in (other, third):
        db.dispose()


def test_malformed_lines_are_reported_by_number_and_the_rest_imported(store: Any, tmp_path: Path) -> None:
    good = [json.loads(line) for line in demo_lines()[:4]]
    bad_total = card_for("org/bad")
    bad_total["total"] = 30
    lines = [
        json.dumps(good[0]),
        "{not json",
        json.dumps(good[1]),
        "",
        json.dumps({"kind": "evaluation", "model_id": "../etc", "scorecard": good[2]["scorecard"]}),
        json.dumps(["a list"]),
        json.dumps({"kind": "evaluation", "model_id": "org/bad", "scorecard": bad_total}),
        json.dumps({"kind": "claim", "model_id": "nobody/here", "criterion": "reproducible.cost",
                    "evidence_url": "https://x.org"}),
        json.dumps(good[3]),
        json.dumps(card_for("org/bare")),  # a bare scorecard line is fine too
    ]
    f = tmp_path / "mixed.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = transfer.import_file(store, f, actor="test")
    assert [n for n, _ in report.errors] == [2, 5, 6, 7, 8]
    msgs = dict(report.errors)
    assert "not valid JSON" in msgs[2] and "invalid model id" in msgs[5]
    assert "expected a JSON object" in msgs[6] and "disagrees" in msgs[7] and "unknown model" in msgs[8]
    assert report.evaluations == 4
    with store.read() as s:
        assert repo.get_model(s, "org/bare") is not None and repo.get_model(s, "org/bad") is None


REFERENCE_EXPORT = [
    {
        "id": "m1abc", "sessionId": "session_1", "modelName": "Pythia", "modelUrl": "https://huggingface.co/EleutherAI/pythia-12b",
        "scores": {
            "transparent": {"license": True, "weights": True, "inference": True, "training": True, "datasets": True},
            "reproducible": {"hardware": True, "pipeline": True, "checkpoints": True, "cost": False, "community": True},
            "understandable": {"modelcard": True, "architecture": True, "provenance": False},
            "executable": {"runnable": True, "finetune": False},
        },
        "evidence": {"license": "https://github.com/EleutherAI/pythia/blob/main/LICENSE", "datasets": "the Pile",
                     "community": "javascript:alert(1)"},
        "notes": "Auto-evaluated", "totalScore": 26, "tier": "Gold", "timestamp": 1730000000000, "evalCount": 3,
    },
    {
        "id": "m2", "modelName": "Mistral 7B <b>", "modelUrl": "", "totalScore": 30, "tier": "Platinum",
        "scores": {"transparent": {"license": {"checked": True, "evidence": "https://mistral.ai"},
                                   "weights": {"checked": False}}},
        "timestamp": "2025-10-01T10:00:00.000Z",
    },
]


def test_reference_tool_export_imports_as_claims_never_detected(store: Any, tmp_path: Path) -> None:
    f = tmp_path / "true-all-evaluations-1730000000000.json"
    f.write_text(json.dumps(REFERENCE_EXPORT, indent=2), encoding="utf-8")
    report = transfer.import_file(store, f, actor="test")
    assert report.ok and report.evaluations == 2, report.errors
    with store.read() as s:
        m = repo.get_model(s, "EleutherAI/pythia-12b")
        doc = repo.scorecard_doc(repo.get_evaluation(s, m))
        assert (m.total, m.total_detected, m.tier) == (24, 0, "Gold")  # 12 boxes ticked, none detected
        crit = {c["id"]: c for d in doc["dimensions"] for c in d["criteria"]}
        assert crit["transparent.license"]["basis"] == "claimed" and crit["transparent.license"]["detected_points"] == 0
        assert crit["transparent.license"]["evidence"][0]["origin"] == "claimed"
        assert crit["transparent.license"]["evidence"][0]["url"].startswith("https://github.com/EleutherAI")
        assert crit["reproducible.replication"]["evidence"][0]["url"] is None  # javascript: dropped
        assert crit["reproducible.cost"]["points"] == 0
        assert any("totalScore was 26" in w for w in doc["warnings"])
        assert doc["frameworks"]["true-reference-tool"]["evalCount"] == 3
        m2 = repo.get_model(s, "Mistral-7B-b")
        assert m2 is not None and (m2.total, m2.tier) == (2, "Bronze")
    # one exported evaluation (an object, pretty-printed) imports the same way
    one = tmp_path / "true-evaluation-Pythia.json"
    single = dict(REFERENCE_EXPORT[0], id="other", timestamp=1740000000000)
    one.write_text(json.dumps(single, indent=2), encoding="utf-8")
    assert transfer.import_file(store, one, actor="t").evaluations == 1
    with store.read() as s:
        assert repo.get_model(s, "EleutherAI/pythia-12b").evaluations_count == 2
    # a broken array reports the line it breaks on
    broken = tmp_path / "broken.json"
    broken.write_text('[\n {"modelName": "a", "scores": {}},\n {"modelName": \n', encoding="utf-8")
    rep = transfer.import_file(store, broken, actor="t")
    assert rep.evaluations == 1 and rep.errors and rep.errors[0][0] in (3, 4)
    with pytest.raises(reference.ReferenceError):
        reference.to_scorecard({"modelName": "", "scores": {}})


def test_demo_data_is_truecards_own_evaluations_of_real_models() -> None:
    """400 card-only corpus evaluations, 19 card + code evaluations of the labelled models with a
    code snapshot (a later evaluation of the same model), and the bundled example, run."""
    lines = demo_lines()
    recs = [json.loads(line) for line in lines]
    assert all(r["kind"] == "evaluation" and cards.validate_scorecard(r["scorecard"]) for r in recs)
    ids = [r["model_id"] for r in recs]
    assert "01-ai/Yi-9B" in ids and len(set(ids[:400])) == 400
    scopes = [cards.scope_of(r["scorecard"]) for r in recs]
    assert scopes[:400] == ["card-only"] * 400
    assert scopes[400:419] == ["card+code"] * 19 and set(ids[400:419]) <= set(ids[:400])
    assert scopes[419] == "verified" and ids[419] == "truecard/tiny-open-model"
    assert all(set(r["scorecard"]["frameworks"]) >= {"mof", "osaid", "osai"} for r in recs)
    src = recs[0]["scorecard"]["subject"]["sources"][0]
    assert src["kind"] == "hf" and src["partial"] is True and "README.md" in src["notes"][0]
    code = recs[400]["scorecard"]["subject"]["sources"][1]
    assert code["kind"] == "gh" and code["location"].startswith("https://github.com/") and len(code["revision"]) == 40
    for line in lines:  # no temporary or local path leaked
        assert "/tmp/" not in line and "/work/" not in line and "truecard-demo-" not in line
    assert (ROOT / "src/truecard/store/data/demo-evaluations.jsonl.gz").stat().st_size < 2_000_000
