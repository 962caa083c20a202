"""The monitor on a real server: a seeded accuracy drop rolled back (auto) or proposed
(propose), the last good version, and a rule that holds."""

from __future__ import annotations

import pytest
from mlflow.entities import Metric

from dashboard import actions, monitor, monitoring
from dashboard.actions import ActionContext
from dashboard.policy import PRODUCTION_AT_TAG, parse_policy
from dashboard.registry import RegistryService
from dashboard.store import AuditFilter, open_store
from tests.test_actions import make_model
from tests.test_pages import render

POLICY = """
model_registry:
  stage_transitions:
    Staging -> Production: {approval_required: true}
monitoring:
  alert_threshold: {accuracy_drop: 0.05}
  rules:
    %s
"""


def served(at: str) -> dict[str, str]:
    return {PRODUCTION_AT_TAG: f"2026-{at}T00:00:00+00:00"}


def evaluate_in_production(client, name: str, version: int, accuracy: float) -> None:
    """A later evaluation run of `version`, as a monitoring job would log it."""
    experiment_id = client.get_experiment_by_name(name).experiment_id
    run = client.create_run(
        experiment_id,
        tags={"evaluation.model": name, "evaluation.version": str(version)},
        run_name=f"eval-v{version}",
    )
    client.log_batch(run.info.run_id, metrics=[Metric("accuracy", accuracy, 0, 0)])
    client.set_terminated(run.info.run_id)


@pytest.fixture
def store(tmp_path):
    return open_store(f"sqlite:///{tmp_path / 'store.db'}")


def dropped_model(client) -> str:
    """v1 served production first (0.95); v2 serves now (trained 0.94, evaluated at 0.80)."""
    name = make_model(
        client,
        {"accuracy": 0.95, "stage": "Archived", "tags": served("01-01")},
        {"accuracy": 0.94, "stage": "Production", "tags": served("02-01")},
    )
    evaluate_in_production(client, name, 2, 0.80)
    return name


def context(registry_uri, rule: str, store) -> ActionContext:
    policy = parse_policy(POLICY % rule)
    return monitor.monitor_context(RegistryService(registry_uri), policy, store)


def test_auto_mode_rolls_back_a_seeded_drop(registry_uri, client, store):
    name = dropped_model(client)
    ctx = context(registry_uri, f"{name}: {{mode: auto}}", store)
    [check] = monitor.run_once(ctx)
    assert (check.state, check.action, check.version) == ("breach", "rolled_back", 2)
    assert check.value == pytest.approx(0.80) and check.threshold == pytest.approx(0.90)
    assert client.get_model_version(name, "1").current_stage == "Production"
    archived = client.get_model_version(name, "2")
    assert archived.current_stage == "Archived"
    assert archived.tags["rollback_reason"].startswith("monitor: accuracy of v2 is 0.8000")
    [event] = store.events(AuditFilter(models=[name]))
    assert (event.actor, event.action, event.outcome) == ("monitor", "roll_back", "done")
    assert store.latest_checks()[name].action == "rolled_back"
    [again] = monitor.run_once(ctx)  # v1 now serves and holds: nothing more happens
    assert (again.state, again.action, again.version) == ("ok", "none", 1)


def test_propose_mode_files_one_request_a_reviewer_approves(registry_uri, client, store):
    name = dropped_model(client)
    ctx = context(registry_uri, f"{name}: {{mode: propose}}", store)
    [check] = monitor.run_once(ctx)
    assert (check.state, check.action) == ("breach", "proposed")
    assert client.get_model_version(name, "2").current_stage == "Production"  # not yet
    [request] = store.requests(model=name)
    assert (request.kind, request.version, request.status) == ("rollback", 1, "pending")
    assert client.get_model_version(name, "1").tags["approval.requested_by"] == "monitor"
    [second] = monitor.run_once(ctx)
    assert second.action == "refused" and "already waiting" in second.message
    assert len(store.requests(model=name)) == 1

    reviewer = ActionContext(
        RegistryService(registry_uri), ctx.policy, "rita", frozenset({"reviewer"}), store=store
    )
    result = actions.approve(reviewer, request.id, "confirmed on the dashboard")
    assert result.done, result.message
    assert client.get_model_version(name, "1").current_stage == "Production"
    assert client.get_model_version(name, "1").tags["approval.approved_by"] == "rita"
    assert store.request(request.id).status == "executed"
    trail = [
        (e.actor, e.action, e.outcome) for e in reversed(store.events(AuditFilter(models=[name])))
    ]
    assert trail[0] == ("monitor", "request", "done")
    assert ("rita", "roll_back", "done") in trail and trail[-1] == ("rita", "approve", "done")


def test_the_last_good_version_is_the_latest_earlier_one_that_passes(registry_uri, client):
    name = make_model(
        client,
        {"accuracy": 0.97, "stage": "Archived", "tags": served("01-01")},
        {"accuracy": 0.86, "stage": "Archived", "tags": served("02-01")},
        {"accuracy": 0.99, "stage": "Archived"},  # never served production: not a candidate
        {"accuracy": 0.93, "stage": "Production", "tags": served("03-01")},
    )
    evaluate_in_production(client, name, 4, 0.70)
    service = RegistryService(registry_uri)
    detail = service.model_detail(name)
    runs = service.runs_for(v.run_id for v in detail.versions)
    rule = parse_policy(POLICY % f"{name}: {{min_value: 0.9}}").monitoring.rules[0]
    found = monitoring.assess(rule, detail.versions, runs, service.evaluation_runs(name))
    assert (found.state, found.production, found.previous) == ("breach", 4, 2)
    assert found.reading.source == "evaluation run eval-v4"
    assert found.last_good == 1  # v2 (0.86) is below 0.9; v3 never served


def test_a_rule_that_holds_does_nothing(registry_uri, client, store):
    name = make_model(
        client,
        {"accuracy": 0.91, "stage": "Archived", "tags": served("01-01")},
        {"accuracy": 0.90, "stage": "Production", "tags": served("02-01")},
    )
    [check] = monitor.run_once(context(registry_uri, f"{name}: {{mode: auto}}", store))
    assert (check.state, check.action) == ("ok", "none")
    assert client.get_model_version(name, "2").current_stage == "Production"
    assert store.events(AuditFilter(models=[name])) == []


def test_the_monitor_command_runs_one_pass(registry_uri, client, tmp_path, monkeypatch):
    name = dropped_model(client)
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY % f"{name}: {{mode: auto}}", encoding="utf-8")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", registry_uri)
    monkeypatch.setenv("DASHBOARD_POLICY", str(policy))
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{tmp_path / 'store.db'}")
    assert monitor.main(["--once"]) == 0
    assert client.get_model_version(name, "1").current_stage == "Production"
    policy.write_text(POLICY % "{}", encoding="utf-8")
    assert monitor.main(["--once"]) == 1  # no rules: says so and stops


def test_the_monitoring_page_shows_each_rule_its_state_and_the_last_pass(
    dashboard_env, registry_uri, client, tmp_path, monkeypatch
):
    name = dropped_model(client)
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY % f"{name}: {{mode: propose}}", encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_POLICY", str(policy))
    before = render("pages/monitoring.py", user="vic").dataframe[0].value.iloc[0]
    assert (before["Model"], before["State"], before["Last good"]) == (name, "BREACH", "v1")
    assert before["Value"] == pytest.approx(0.80) and before["From"] == "evaluation run eval-v2"
    assert before["It did"] == "never ran"
    assert monitor.main(["--once"]) == 0  # same environment: same policy, same store
    after = render("pages/monitoring.py", user="vic").dataframe[0].value.iloc[0]
    assert after["It did"].startswith("proposed: ")
    assert after["Monitor ran"] is not None
