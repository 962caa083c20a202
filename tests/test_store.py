"""The audit store on SQLite and PostgreSQL: migrations, append-only, filters, completeness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard import actions
from dashboard.actions import ActionContext
from dashboard.errors import DashboardError
from dashboard.policy import PRODUCTION_AT_TAG, parse_policy
from dashboard.registry import RegistryService
from dashboard.store import AuditEvent, AuditFilter, open_store
from tests.test_actions import RULES, make_model
from tests.test_approvals import REVIEWER


def event(**overrides) -> AuditEvent:
    fields = dict(
        actor="alice",
        action="set_tag",
        model="m",
        version=1,
        outcome="done",
        before={"tags": {}},
        after={"tags": {"a": "1"}},
        reason="why",
        checklist=[{"rule": "tag key", "passed": True, "detail": "ok"}],
    )
    return AuditEvent(**{**fields, **overrides})


def test_migrations_build_the_schema_on_an_empty_database(db_url):
    store = open_store(db_url)
    tables = sa.inspect(store.engine).get_table_names()
    expected = {"audit_events", "promotion_requests", "monitor_checks", "alembic_version"}
    assert expected <= set(tables)
    columns = {c["name"] for c in sa.inspect(store.engine).get_columns("promotion_requests")}
    assert "kind" in columns
    with store.engine.connect() as connection:
        assert (
            connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            == "0003"
        )
    open_store(db_url)  # a second start finds the schema current and changes nothing


def test_events_are_recorded_and_read_back(db_url):
    store = open_store(db_url)
    store.record(event())
    store.record(
        event(
            actor="bob", action="transition", outcome="refused", model="n", error="needs approval"
        )
    )
    [read] = store.events(AuditFilter(actors=["alice"]))
    assert (read.actor, read.action, read.model, read.version) == ("alice", "set_tag", "m", 1)
    assert read.before == {"tags": {}} and read.after == {"tags": {"a": "1"}}
    assert read.checklist[0]["detail"] == "ok" and read.reason == "why"
    assert read.at.tzinfo is not None
    assert [e.actor for e in store.events()] == ["bob", "alice"]  # newest first
    assert [e.model for e in store.events(AuditFilter(outcomes=["refused"]))] == ["n"]
    assert store.events(AuditFilter(models=["m"], actions=["transition"])) == []
    future = datetime.now(UTC) + timedelta(days=1)
    assert store.events(AuditFilter(since=future)) == []
    assert store.distinct("actor") == ["alice", "bob"]


def test_the_trail_is_append_only(db_url):
    store = open_store(db_url)
    store.record(event())
    for statement in ("UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as c:
            c.execute(sa.text(statement))
    assert [e.actor for e in store.events()] == ["alice"]


def test_an_unreachable_database_is_a_sentence():
    with pytest.raises(DashboardError, match="DASHBOARD_DB_URL"):
        open_store("postgresql+psycopg2://nobody:secret@127.0.0.1:1/none")


def test_every_action_records_exactly_one_event(registry_uri, client, tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'audit.db'}")
    ctx = ActionContext(
        RegistryService(registry_uri),
        parse_policy(RULES % "stages"),
        "carol",
        REVIEWER,
        store=store,
    )
    name = make_model(
        client,
        {"accuracy": 0.95, "stage": "Archived", "tags": {PRODUCTION_AT_TAG: "1"}},
        {"accuracy": 0.92, "stage": "Production", "tags": {PRODUCTION_AT_TAG: "2"}},
        {"accuracy": 0.91, "tags": {"tested": "true"}},
    )
    calls = [
        lambda: actions.set_tag(ctx, name, 3, "team", "vision"),
        lambda: actions.set_tag(ctx, name, 3, "bad key!", "x"),
        lambda: actions.delete_tag(ctx, name, 3, "team"),
        lambda: actions.set_alias(ctx, name, 3, "candidate"),
        lambda: actions.remove_alias(ctx, name, 3, "candidate"),
        lambda: actions.edit_description(ctx, name, 3, "A note"),
        lambda: actions.bump_version(ctx, name, 3, "minor"),
        lambda: actions.transition(ctx, name, 3, "Staging"),
        lambda: actions.transition(ctx, name, 3, "Production", seen=actions.Seen(stage="None")),
        lambda: actions.archive(ctx, name, 2),
        lambda: actions.roll_back(ctx, name, "accuracy dropped"),
        lambda: actions.set_tag(ctx, name, 99, "team", "x"),
    ]
    results = [call() for call in calls]
    events = list(reversed(store.events(AuditFilter(models=[name]))))
    assert len(events) == len(calls)
    assert [e.outcome for e in events] == [r.outcome for r in results]
    assert [e.action for e in events] == [
        "set_tag",
        "set_tag",
        "delete_tag",
        "set_alias",
        "remove_alias",
        "edit_description",
        "bump_version",
        "transition",
        "transition",
        "archive",
        "roll_back",
        "set_tag",
    ]
    assert all(e.actor == "carol" for e in events)
    tag = events[0]
    assert tag.before["tags"].get("team") is None and tag.after["tags"]["team"] == "vision"
    refused = events[1]
    assert refused.outcome == "refused" and "must be 1 to 250 characters" in refused.error
    assert any(not check["passed"] for check in refused.checklist)
    stale = events[8]
    assert stale.outcome == "refused" and "now in Staging, not None" in stale.error
    rollback = events[10]
    assert rollback.outcome == "done" and rollback.reason == "accuracy dropped"
    assert (rollback.before["production_version"], rollback.after["production_version"]) == (2, 1)
    assert events[11].version == 99 and "no version 99" in events[11].error


def test_audit_page_filters_and_exports(dashboard_env, client, monkeypatch, tmp_path):
    from tests.test_pages import render

    db_url = f"sqlite:///{tmp_path / 'dashboard.db'}"
    monkeypatch.setenv("DASHBOARD_DB_URL", db_url)
    store = open_store(db_url)
    store.record(event(model="alpha"))
    store.record(event(model="beta", actor="bob", outcome="refused", error="needs approval"))
    app = render("pages/audit.py")
    assert not app.error
    assert set(app.dataframe[0].value["Model"]) == {"alpha", "beta"}
    app.multiselect[1].set_value(["bob"]).run()
    frame = app.dataframe[0].value
    assert list(frame["Model"]) == ["beta"]
    assert frame.iloc[0]["Error"] == "needs approval"
    linked = render("pages/audit.py", model="alpha")
    assert list(linked.dataframe[0].value["Model"]) == ["alpha"]


def test_production_timeline_from_audit_events():
    from dashboard.audit_view import production_timeline

    start = datetime(2026, 1, 1, tzinfo=UTC)
    events = [
        event(
            action="approve",
            actor="rita",
            at=start,
            reason="ship",
            before={"production_version": 1},
            after={"production_version": 2},
        ),
        event(
            action="set_tag",
            at=start + timedelta(hours=1),
            before={"production_version": 2},
            after={"production_version": 2},
        ),
        event(
            action="roll_back",
            actor="ada",
            at=start + timedelta(days=1),
            reason="drift",
            before={"production_version": 2},
            after={"production_version": 1},
        ),
        event(
            action="transition",
            outcome="refused",
            at=start + timedelta(days=2),
            before={"production_version": 1},
            after=None,
        ),
    ]
    timeline = production_timeline(events)
    assert list(timeline["Version"]) == [1, 2]
    assert list(timeline["Moved by"]) == ["ada", "rita"]
    assert list(timeline["Why"]) == ["drift", "ship"]
    assert timeline.iloc[1]["Until"] == start + timedelta(days=1)
    assert pd.isna(timeline.iloc[0]["Until"])  # still in production
