"""The policy file: the team's example loads unchanged, every mistake is refused with its place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.policy import (
    BumpVersion,
    DeleteTag,
    EditDescription,
    PolicyError,
    RemoveAlias,
    Rollback,
    SetAlias,
    SetTag,
    Transition,
    VersionFacts,
    evaluate,
    load_policy,
    next_semantic_version,
    parse_policy,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "policies" / "example.yaml"


@pytest.fixture(scope="module")
def policy():
    return load_policy(EXAMPLE)


def facts(
    stage="Staging", tags=None, metrics=None, aliases=(), model="iris_classifier", version=3
) -> VersionFacts:
    return VersionFacts(model, version, stage, tags or {}, metrics or {}, aliases)


def test_the_example_policy_loads_unchanged(policy):
    assert policy.naming_pattern == "^[a-z][a-z0-9_]*$"
    assert (policy.naming_max_length, policy.max_versions, policy.retention_days) == (100, 50, 365)
    assert policy.archive_stages == ("Archived", "Staging")
    promote = policy.transition("Staging", "Production")
    assert promote.required_tags == ("approved", "performance_validated")
    assert [str(c) for c in promote.required_metrics] == ["accuracy >= 0.9", "f1_score >= 0.9"]
    assert promote.approval_required and not promote.reason_required
    assert policy.transition("Production", "Archived").reason_required
    assert policy.deployment.replicas == 3 and policy.deployment.memory_limit == "4Gi"
    assert policy.deployment.health_endpoint == "/health"
    assert policy.monitoring.accuracy_drop == 0.05
    assert policy.lifecycle.backend == "stages"


MISTAKES = [
    (
        "model_registry:\n  naming_convention:\n    patern: x\n",
        "model_registry.naming_convention.patern",
        3,
        "unknown key",
    ),
    (
        "model_registry:\n  naming_convention:\n    pattern: '^[a-z'\n",
        "model_registry.naming_convention.pattern",
        3,
        "not a valid regular expression",
    ),
    (
        "model_registry:\n  stage_transitions:\n    None -> Staging:\n"
        "      required_metrics: ['accuracy >> 0.9']\n",
        "model_registry.stage_transitions.None -> Staging.required_metrics[0]",
        4,
        "is not 'metric'",
    ),
    (
        "model_registry:\n  stage_transitions:\n    None -> Prod:\n      reason_required: true\n",
        "model_registry.stage_transitions.None -> Prod",
        3,
        "unknown stage 'Prod'",
    ),
    (
        "model_registry:\n  version_policy:\n    max_versions: fifty\n",
        "model_registry.version_policy.max_versions",
        3,
        "must be a whole number",
    ),
    (
        "model_registry:\n  version_policy:\n    archive_stages: [Archived, Gone]\n",
        "model_registry.version_policy.archive_stages[1]",
        3,
        "unknown stage 'Gone'",
    ),
    (
        "model_registry:\n  stage_transitions:\n    Staging -> Production:\n"
        "      approval_required: yes please\n",
        "model_registry.stage_transitions.Staging -> Production.approval_required",
        4,
        "must be true or false",
    ),
    ("model_registry: {}\ndeployment:\n  replicas: 0\n", "deployment.replicas", 3, "at least 1"),
    (
        "model_registry: {}\nmonitoring:\n  alert_threshold:\n    accuracy_drop: high\n",
        "monitoring.alert_threshold.accuracy_drop",
        4,
        "must be a number",
    ),
    (
        "model_registry:\n  lifecycle:\n    backend: tags\n",
        "model_registry.lifecycle.backend",
        3,
        "must be 'stages' or 'aliases'",
    ),
    ("deployment:\n  replicas: 2\n", "model_registry", None, "is required"),
    (
        "model_registry:\n  stage_transitions:\n    Staging to Production: {}\n",
        "model_registry.stage_transitions.Staging to Production",
        3,
        "Stage -> Stage",
    ),
]


@pytest.mark.parametrize(("text", "key_path", "line", "reason"), MISTAKES)
def test_each_kind_of_mistake_is_refused_with_its_key_path_and_line(text, key_path, line, reason):
    with pytest.raises(PolicyError) as refused:
        parse_policy(text, "policy.yaml")
    assert refused.value.key_path == key_path
    assert refused.value.line == line
    assert reason in refused.value.reason
    assert str(refused.value).startswith("Policy policy.yaml")


def test_broken_yaml_names_the_line():
    with pytest.raises(PolicyError, match="line 2.*not valid YAML"):
        parse_policy("model_registry:\n\tnaming_convention: {}\n", "p.yaml")


def test_check_policy_command_prints_the_reason_and_fails(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("model_registry:\n  version_policy:\n    retention_days: -3\n")
    command = [sys.executable, "-m", "dashboard", "check-policy"]
    refused = subprocess.run([*command, str(bad)], capture_output=True, text=True, cwd=ROOT)
    assert refused.returncode == 1
    assert "line 3" in refused.stderr and "retention_days" in refused.stderr
    accepted = subprocess.run([*command, str(EXAMPLE)], capture_output=True, text=True, cwd=ROOT)
    assert accepted.returncode == 0, accepted.stderr


def test_required_tags_and_logged_metrics_gate_staging(policy):
    ready = facts("None", {"tested": "true", "reviewed": "yes"}, {"accuracy": 0.5, "f1_score": 0.4})
    assert evaluate(policy, ready, Transition("Staging"), "alice").passed
    missing = evaluate(
        policy, facts("None", {"tested": "true"}, {"accuracy": 0.5}), Transition("Staging"), "alice"
    )
    assert {c.detail for c in missing.failures} == {
        "tag 'reviewed' is missing",
        "metric 'f1_score' is not logged",
    }


def test_metric_conditions_explain_the_numbers(policy):
    tags = {"approved": "true", "performance_validated": "true"}
    low = evaluate(
        policy,
        facts("Staging", tags, {"accuracy": 0.85, "f1_score": 0.95}),
        Transition("Production"),
        "alice",
    )
    assert "accuracy 0.85 < 0.9" in [c.detail for c in low.failures]
    assert "f1_score 0.95 >= 0.9" in [c.detail for c in low.checks if c.passed]


def test_approval_required_is_refused_until_approved(policy):
    tags = {"approved": "true", "performance_validated": "true"}
    good = facts("Staging", tags, {"accuracy": 0.95, "f1_score": 0.95})
    pending = evaluate(policy, good, Transition("Production"), "alice")
    assert [c.detail for c in pending.failures] == ["needs approval by a reviewer"]
    assert evaluate(policy, good, Transition("Production", approved=True), "bob").passed


def test_reason_required(policy):
    archive = evaluate(policy, facts("Production"), Transition("Archived"), "alice")
    assert "a reason is required for this transition" in [c.detail for c in archive.failures]


def test_unlisted_promotions_are_refused_and_unlisted_archiving_is_allowed(policy):
    skip = evaluate(policy, facts("None"), Transition("Production"), "alice")
    assert (
        skip.failures[0].detail == "the policy lists no rule for None -> Production, so it "
        "is refused"
    )
    assert evaluate(policy, facts("Staging"), Transition("Archived"), "alice").passed
    leave_production = evaluate(policy, facts("Production"), Transition("None"), "alice")
    assert "no rule for Production -> None" in leave_production.failures[0].detail


def test_naming_convention_gates_promotion(policy):
    bad_name = facts(
        "None",
        {"tested": "1", "reviewed": "1"},
        {"accuracy": 1, "f1_score": 1},
        model="Iris-Classifier",
    )
    checklist = evaluate(policy, bad_name, Transition("Staging"), "alice")
    assert [c.rule for c in checklist.failures] == ["naming convention"]


def test_rollback_needs_a_reason_and_a_former_production_target(policy):
    current = facts("Production", version=4)
    never = evaluate(policy, facts("Archived", version=2), Rollback(current, ""), "bob")
    assert {c.rule for c in never.failures} == {"reason", "once in production"}
    former = facts("Archived", {"lifecycle.production_at": "2026-01-01"}, version=2)
    assert evaluate(policy, former, Rollback(current, "accuracy dropped"), "bob").passed


def test_tag_keys_values_and_managed_tags(policy):
    version = facts()
    assert evaluate(policy, version, SetTag("team.owner", "ml"), "a").passed
    assert not evaluate(policy, version, SetTag("bad key!", "x"), "a").passed
    assert not evaluate(policy, version, SetTag("k" * 251, "x"), "a").passed
    assert not evaluate(policy, version, SetTag("note", "x" * 5001), "a").passed
    managed = evaluate(policy, version, SetTag("semantic_version", "v9.0.0"), "a")
    assert "written only by the dashboard" in managed.failures[0].detail
    assert not evaluate(policy, version, DeleteTag("absent"), "a").passed


def test_aliases_and_descriptions(policy):
    version = facts(aliases=("champion",))
    assert evaluate(policy, version, SetAlias("challenger"), "a").passed
    assert not evaluate(policy, version, SetAlias("latest"), "a").passed
    assert not evaluate(policy, version, SetAlias("v3"), "a").passed
    assert evaluate(policy, version, RemoveAlias("champion"), "a").passed
    assert not evaluate(policy, version, RemoveAlias("challenger"), "a").passed
    assert not evaluate(policy, version, EditDescription("x" * 5001), "a").passed
    assert not evaluate(policy, version, BumpVersion("huge"), "a").passed


def test_lifecycle_aliases_move_only_by_transition():
    aliases = parse_policy("model_registry:\n  lifecycle:\n    backend: aliases\n")
    refused = evaluate(aliases, facts(), SetAlias("production"), "a")
    assert "move it with a stage transition" in refused.failures[0].detail


def test_semantic_version_bumps():
    assert next_semantic_version((), "minor") == "v1.0.0"
    used = ("v1.2.0", "v1.10.3", "", "not-a-version")
    assert next_semantic_version(used, "patch") == "v1.10.4"
    assert next_semantic_version(used, "minor") == "v1.11.0"
    assert next_semantic_version(used, "major") == "v2.0.0"
