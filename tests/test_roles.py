"""The role x action matrix, enforced by the actions module whatever a page shows: each
action is called directly as each role against the real server."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dashboard import actions, roles
from dashboard.actions import ActionContext, ActionResult
from dashboard.policy import PRODUCTION_AT_TAG, parse_policy
from dashboard.registry import RegistryService
from dashboard.store import AuditFilter, Store, open_store
from tests.test_actions import make_model, snapshot

# The matrix as the closing note states it: who may run which action. Spelled out, not
# derived, so a change to dashboard.roles must change this table too.
MATRIX = {
    # action:            viewer, data_scientist, reviewer, admin
    "set_tag":          (False, True, True, True),
    "delete_tag":       (False, True, True, True),
    "edit_description": (False, True, True, True),
    "bump_version":     (False, True, True, True),
    "transition":       (False, True, True, True),
    "archive":          (False, True, True, True),
    "request":          (False, True, True, True),
    "cancel":           (False, True, True, True),
    "set_alias":        (False, False, True, True),
    "remove_alias":     (False, False, True, True),
    "approve":          (False, False, True, True),
    "reject":           (False, False, True, True),
    "roll_back":        (False, False, True, True),
    "delete_version":   (False, False, False, True),
}  # fmt: skip

POLICY = parse_policy("""
model_registry:
  stage_transitions:
    None -> Staging: {}
    Staging -> Production: {approval_required: true}
    Production -> Archived: {}
    Staging -> Archived: {}
""")


def test_the_roles_module_holds_the_matrix():
    assert set(MATRIX) == set(roles.ACTION_ROLES)
    for action, allowed in MATRIX.items():
        for role, expected in zip(roles.ROLES, allowed, strict=True):
            assert roles.allows({role}, action) == expected, (role, action)
    assert not roles.allows(set(), "set_tag")  # no role: nothing
    assert not roles.allows({"superuser"}, "set_tag")  # unknown role: nothing
    assert roles.allows({"monitor"}, "roll_back") and not roles.allows({"monitor"}, "set_tag")


@pytest.fixture(scope="module")
def audit_store(tmp_path_factory) -> Store:
    return open_store(f"sqlite:///{tmp_path_factory.mktemp('roles') / 'audit.db'}")


def calls(
    ctx: ActionContext, name: str, requests: dict[str, int]
) -> dict[str, Callable[[], ActionResult]]:
    """One call of each action on model `name` (v1 Production, v2 Staging, v3 None, v4 was
    in production before v1)."""
    return {
        "set_tag": lambda: actions.set_tag(ctx, name, 3, "note", "x"),
        "delete_tag": lambda: actions.delete_tag(ctx, name, 3, "keep"),
        "edit_description": lambda: actions.edit_description(ctx, name, 3, "new text"),
        "bump_version": lambda: actions.bump_version(ctx, name, 3, "patch"),
        "transition": lambda: actions.transition(ctx, name, 3, "Staging"),
        "request": lambda: actions.request_promotion(ctx, name, 2, "Production"),
        "archive": lambda: actions.archive(ctx, name, 2),
        "cancel": lambda: actions.cancel(ctx, requests["own"]),
        "set_alias": lambda: actions.set_alias(ctx, name, 3, "challenger"),
        "remove_alias": lambda: actions.remove_alias(ctx, name, 1, "champion"),
        "approve": lambda: actions.approve(ctx, requests["approve"]),
        "reject": lambda: actions.reject(ctx, requests["reject"], "not now"),
        "roll_back": lambda: actions.roll_back(ctx, name, "drift", 4),
    }


@pytest.mark.parametrize("role", roles.ROLES)
def test_each_action_as_each_role(role, registry_uri, client, audit_store):
    actor = f"{role}_user"
    registry = RegistryService(registry_uri)
    ctx = ActionContext(registry, POLICY, actor, frozenset({role}), store=audit_store)
    setup = ActionContext(registry, POLICY, "someone_else", frozenset({"admin"}), store=audit_store)
    own = ActionContext(registry, POLICY, actor, frozenset({"admin"}), store=audit_store)
    models = {}
    requests = {}
    for purpose in ("approve", "reject", "own"):
        models[purpose] = make_model(client, {"accuracy": 0.9, "stage": "Staging"})
        filer = own if purpose == "own" else setup
        assert actions.request_promotion(filer, models[purpose], 1, "Production").done
        requests[purpose] = audit_store.requests(model=models[purpose])[0].id
    name = make_model(
        client,
        {"accuracy": 0.9, "stage": "Production", "aliases": ["champion"],
         "tags": {PRODUCTION_AT_TAG: "2026-02-01T00:00:00+00:00"}},
        {"accuracy": 0.9, "stage": "Staging"},
        {"accuracy": 0.9, "tags": {"keep": "1"}},
        {"accuracy": 0.9, "stage": "Archived",
         "tags": {PRODUCTION_AT_TAG: "2026-01-01T00:00:00+00:00"}},
    )  # fmt: skip
    column = roles.ROLES.index(role)
    for action, call in calls(ctx, name, requests).items():
        before = snapshot(client, name)
        result = call()
        refusal = roles.refusal({role}, action)
        if MATRIX[action][column]:
            assert refusal is None
            assert result.done, (role, action, result.message)
        else:
            assert result.outcome == "refused" and result.message == refusal, (role, action)
            assert snapshot(client, name) == before, (role, action)  # nothing written
        event = audit_store.events(AuditFilter(actors=[actor], actions=[action]))[0]
        assert event.outcome == result.outcome
    requests_left = {r.id: r.status for r in audit_store.requests(statuses=["pending"])}
    may_decide = MATRIX["approve"][column]
    assert (requests["approve"] in requests_left) == (not may_decide)
    assert (requests["own"] in requests_left) == (not MATRIX["cancel"][column])
