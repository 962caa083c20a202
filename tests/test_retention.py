"""Retention clean-up on a seeded registry: what is listed and why, what is never listed,
the admin-only deletion, and the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard import actions, retention
from dashboard.actions import ActionContext
from dashboard.policy import parse_policy
from dashboard.registry import RegistryService
from dashboard.store import AuditFilter, open_store
from tests.conftest import BULK_MODEL, BULK_VERSIONS
from tests.test_actions import make_model
from tests.test_pages import render

POLICY = parse_policy("""
model_registry:
  version_policy: {max_versions: 3, retention_days: 30, archive_stages: [Archived, Staging]}
  stage_transitions:
    Staging -> Production: {approval_required: true}
""")


@pytest.fixture
def store(tmp_path):
    return open_store(f"sqlite:///{tmp_path / 'store.db'}")


@pytest.fixture
def seeded(client, registry_uri, store):
    """v1 Archived, v2 Archived with an alias, v3 Staging, v4 None with a pending request,
    v5 None, v6 Production: six versions against a limit of three."""
    name = make_model(
        client,
        {"accuracy": 0.9, "stage": "Archived"},
        {"accuracy": 0.9, "stage": "Archived", "aliases": ["baseline"]},
        {"accuracy": 0.9, "stage": "Staging"},
        {"accuracy": 0.9},
        {"accuracy": 0.9},
        {"accuracy": 0.9, "stage": "Production"},
    )
    requester = ActionContext(
        RegistryService(registry_uri), POLICY, "dana", frozenset({"data_scientist"}), store=store
    )
    store.create_request(name, 4, "None", "Staging", "dana", "try it", [])
    return name, requester


def listed(registry_uri, name, store, now):
    detail = RegistryService(registry_uri).model_detail(name)
    pending = {(r.model, r.version) for r in store.requests(statuses=["pending"])}
    return {
        c.version.version: c.reason
        for c in retention.candidates(detail.versions, POLICY, pending, now)
    }


def test_the_dry_run_lists_with_reasons_and_never_protected_versions(registry_uri, seeded, store):
    name, _ = seeded
    today = listed(registry_uri, name, store, datetime.now(UTC))
    # Beyond max_versions (6 > 3): the 3 oldest, less the protected v2 (alias) and v3 (Staging).
    assert set(today) == {1}
    assert "beyond max_versions: 6 versions, limit 3" in today[1]
    later = listed(registry_uri, name, store, datetime.now(UTC) + timedelta(days=45))
    assert set(later) == {1}  # v5 is old but in None, not an archive stage
    assert "45 days old (retention 30 days) and Archived" in later[1]
    for kept in (2, 3, 4, 6):  # alias, Staging, pending request, Production
        assert kept not in later


def test_only_an_admin_deletes_and_each_deletion_is_audited(registry_uri, client, seeded, store):
    name, scientist = seeded
    service = RegistryService(registry_uri)
    refused = actions.delete_version(scientist, name, 1, "retention")
    assert refused.outcome == "refused" and "needs admin" in refused.message
    reviewer = ActionContext(service, POLICY, "rita", frozenset({"reviewer"}), store=store)
    assert actions.delete_version(reviewer, name, 1, "retention").outcome == "refused"
    admin = ActionContext(service, POLICY, "ada", frozenset({"admin"}), store=store)
    kept = actions.delete_version(admin, name, 2, "retention")
    assert kept.outcome == "refused" and "it holds @baseline" in kept.message
    done = actions.delete_version(admin, name, 1, "retention: beyond max_versions")
    assert done.done, done.message
    assert {int(v.version) for v in client.search_model_versions(f"name='{name}'")} == {
        2, 3, 4, 5, 6
    }  # fmt: skip
    trail = [(e.actor, e.outcome) for e in store.events(AuditFilter(actions=["delete_version"]))]
    assert trail == [("ada", "done"), ("ada", "refused"), ("rita", "refused"), ("dana", "refused")]


def test_the_page_is_for_admins_and_deletes_after_confirmation(dashboard_env, client):
    name = make_model(
        client,
        *[{"accuracy": 0.9, "stage": "Archived"} for _ in range(3)],
        {"accuracy": 0.9, "stage": "Production"},
    )
    hidden = render("pages/retention.py", user="rita")
    assert all(t.value != "Retention clean-up" for t in hidden.title)
    page = render("pages/retention.py", user="ada")
    rows = page.dataframe[0].value
    assert name not in set(rows["Model"])  # the example policy keeps 50 versions for a year
    bulk = rows[rows["Model"] == BULK_MODEL]
    assert 0 < len(bulk) <= BULK_VERSIONS - 50
    assert bulk["Why"].str.contains("beyond max_versions").all()
    delete = next(b for b in page.button if b.label == "Delete listed versions")
    assert delete.disabled  # nothing deletes before the confirmation
    assert page.checkbox[0].label.startswith("I have checked the list")
