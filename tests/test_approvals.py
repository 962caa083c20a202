"""Promotion requests: separation of duties, execution only when the policy passes, one
execution under concurrent approvals, cancel, reject, and the approval tags in MLflow."""

from __future__ import annotations

import threading

import pytest

from dashboard import actions
from dashboard.actions import ActionContext
from dashboard.policy import parse_policy
from dashboard.registry import RegistryService
from dashboard.store import AuditFilter, open_store
from tests.test_actions import make_model

REVIEWER = frozenset({"reviewer"})

POLICY = parse_policy("""
model_registry:
  stage_transitions:
    None -> Staging: {}
    Staging -> Production:
      required_metrics: ["accuracy >= 0.90"]
      approval_required: true
""")


@pytest.fixture
def store(db_url):
    return open_store(db_url)


def as_(actor, registry_uri, store) -> ActionContext:
    return ActionContext(RegistryService(registry_uri), POLICY, actor, REVIEWER, store=store)


def test_a_request_is_approved_by_another_reviewer_and_mirrored_in_mlflow(
    registry_uri, client, store
):
    name = make_model(client, {"accuracy": 0.95, "stage": "Staging"})
    direct = actions.transition(as_("dana", registry_uri, store), name, 1, "Production")
    assert direct.message == "Refused by policy: needs approval by a reviewer."
    filed = actions.request_promotion(
        as_("dana", registry_uri, store), name, 1, "Production", "beats v0 on accuracy"
    )
    assert filed.done, filed.message
    [request] = store.requests(statuses=["pending"], model=name)
    assert (request.requester, request.to_stage, request.reason) == (
        "dana",
        "Production",
        "beats v0 on accuracy",
    )
    assert client.get_model_version(name, "1").tags["approval.status"] == "pending"

    own = actions.approve(as_("dana", registry_uri, store), request.id)
    assert "separation of duties" in own.message
    assert client.get_model_version(name, "1").current_stage == "Staging"

    approved = actions.approve(as_("rita", registry_uri, store), request.id, "looks good")
    assert approved.done, approved.message
    version = client.get_model_version(name, "1")
    assert version.current_stage == "Production"
    assert version.tags["approval.approved_by"] == "rita"
    assert version.tags["approval.request_id"] == str(request.id)
    assert version.tags["approval.status"] == "executed"
    decided = store.request(request.id)
    assert (decided.status, decided.reviewer, decided.comment) == ("executed", "rita", "looks good")
    trail = [
        (e.actor, e.action, e.outcome) for e in reversed(store.events(AuditFilter(models=[name])))
    ]
    assert trail == [
        ("dana", "transition", "refused"),
        ("dana", "request", "done"),
        ("dana", "approve", "refused"),
        ("rita", "approve", "done"),
    ]


def test_approval_waits_while_the_policy_fails(registry_uri, client, store):
    name = make_model(client, {"accuracy": 0.85, "stage": "Staging"})
    actions.request_promotion(as_("dana", registry_uri, store), name, 1, "Production")
    [request] = store.requests(model=name)
    refused = actions.approve(as_("rita", registry_uri, store), request.id)
    assert refused.outcome == "refused" and "accuracy 0.85 < 0.9" in refused.message
    still = store.request(request.id)
    assert still.status == "pending"
    assert any(not c["passed"] for c in still.checklist_at_decision)
    assert client.get_model_version(name, "1").current_stage == "Staging"


def test_two_reviewers_approving_at_once_execute_it_once(registry_uri, client, store):
    name = make_model(client, {"accuracy": 0.95, "stage": "Staging"})
    actions.request_promotion(as_("dana", registry_uri, store), name, 1, "Production")
    [request] = store.requests(model=name)
    results, start = {}, threading.Barrier(2)

    def approve(reviewer):
        start.wait()
        results[reviewer] = actions.approve(as_(reviewer, registry_uri, store), request.id)

    threads = [threading.Thread(target=approve, args=(r,)) for r in ("rita", "sam")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = sorted(result.outcome for result in results.values())
    assert outcomes == ["done", "refused"], {k: v.message for k, v in results.items()}
    executed = [
        e
        for e in store.events(AuditFilter(models=[name], actions=["approve"]))
        if e.outcome == "done"
    ]
    assert len(executed) == 1
    assert store.request(request.id).status == "executed"
    assert client.get_model_version(name, "1").current_stage == "Production"


def test_requester_cancels_and_reviewer_rejects(registry_uri, client, store):
    name = make_model(client, {"accuracy": 0.95, "stage": "Staging"})
    dana, rita = as_("dana", registry_uri, store), as_("rita", registry_uri, store)
    actions.request_promotion(dana, name, 1, "Production")
    [first] = store.requests(model=name)
    assert "Only dana" in actions.cancel(rita, first.id).message
    assert actions.cancel(dana, first.id).done
    assert store.request(first.id).status == "cancelled"
    assert "already cancelled" in actions.approve(rita, first.id).message

    actions.request_promotion(dana, name, 1, "Production")
    second = store.requests(statuses=["pending"], model=name)[0]
    assert (
        "already has a pending request"
        in actions.request_promotion(dana, name, 1, "Production").message
    )
    assert "Say why" in actions.reject(rita, second.id, "").message
    assert actions.reject(rita, second.id, "needs a drift check").done
    assert client.get_model_version(name, "1").tags["approval.status"] == "rejected"
    assert client.get_model_version(name, "1").current_stage == "Staging"


def test_no_request_for_a_transition_without_approval(registry_uri, client, store):
    name = make_model(client, {"accuracy": 0.95})
    refused = actions.request_promotion(as_("dana", registry_uri, store), name, 1, "Staging")
    assert "needs no approval" in refused.message
