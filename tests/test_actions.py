"""Governed actions on the real server, on both lifecycle backends, checked with MlflowClient."""

from __future__ import annotations

import uuid
import warnings

import pytest
from mlflow.entities import Metric
from mlflow.tracking import MlflowClient

from dashboard import actions
from dashboard.actions import ActionContext, Seen
from dashboard.errors import RegistryUnavailable
from dashboard.policy import PRODUCTION_AT_TAG, load_policy, parse_policy
from dashboard.registry import RegistryService
from tests.test_policy import EXAMPLE

ADMIN = frozenset({"admin"})

RULES = """
model_registry:
  naming_convention: {pattern: "^[a-z][a-z0-9_]*$"}
  lifecycle: {backend: %s}
  stage_transitions:
    None -> Staging: {required_tags: [tested], required_metrics: [accuracy]}
    Staging -> Production: {required_metrics: ["accuracy >= 0.90"]}
    Production -> Archived: {reason_required: true}
"""


def make_model(client: MlflowClient, *versions: dict) -> str:
    """A fresh model; each dict gives a version's accuracy, tags, stage and aliases."""
    name = f"gov_{uuid.uuid4().hex[:10]}"
    experiment_id = client.create_experiment(name)
    client.create_registered_model(name)
    for number, spec in enumerate(versions, start=1):
        run = client.create_run(experiment_id)
        client.log_batch(run.info.run_id, metrics=[Metric("accuracy", spec["accuracy"], 0, 0)])
        client.create_model_version(
            name, f"runs:/{run.info.run_id}/model", run.info.run_id, tags=spec.get("tags", {})
        )
        if spec.get("stage"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                client.transition_model_version_stage(name, str(number), spec["stage"])
        for alias in spec.get("aliases", ()):
            client.set_registered_model_alias(name, alias, str(number))
    return name


def snapshot(client: MlflowClient, name: str) -> dict:
    versions = client.search_model_versions(f"name='{name}'")
    return {
        "versions": {v.version: (v.current_stage, dict(v.tags), v.description) for v in versions},
        "aliases": dict(client.get_registered_model(name).aliases),
    }


@pytest.fixture(scope="module")
def registry(registry_uri: str) -> RegistryService:
    return RegistryService(registry_uri)


@pytest.fixture
def changed() -> list[str]:
    return []


def context(registry, backend="stages", changed=None, policy=None, actor="alice"):
    policy = policy or parse_policy(RULES % backend)
    on_change = changed.append if changed is not None else (lambda model: None)
    return ActionContext(registry, policy, actor, ADMIN, on_change)


# ----- stages backend ----------------------------------------------------------------------


def test_promotion_through_staging_to_production_on_stages(registry, client, changed):
    name = make_model(
        client,
        {"accuracy": 0.95, "stage": "Production", "tags": {PRODUCTION_AT_TAG: "2026-01-01"}},
        {"accuracy": 0.97, "tags": {"tested": "true"}},
    )
    ctx = context(registry, changed=changed)
    staged = actions.transition(ctx, name, 2, "Staging", seen=Seen(stage="None"))
    assert staged.done, staged.message
    promoted = actions.transition(ctx, name, 2, "Production")
    assert promoted.done, promoted.message
    assert client.get_model_version(name, "2").current_stage == "Production"
    assert client.get_model_version(name, "1").current_stage == "Archived"  # never two at once
    assert client.get_model_version(name, "2").tags[PRODUCTION_AT_TAG]
    assert changed == [name, name]


def test_refused_promotion_leaves_mlflow_unchanged(registry, client):
    name = make_model(client, {"accuracy": 0.80})
    before = snapshot(client, name)
    refused = actions.transition(context(registry), name, 1, "Staging")
    assert refused.outcome == "refused"
    assert "tag 'tested' is missing" in refused.message
    assert snapshot(client, name) == before


def test_metric_condition_refuses_a_weak_version(registry, client):
    name = make_model(client, {"accuracy": 0.85, "stage": "Staging"})
    refused = actions.transition(context(registry), name, 1, "Production")
    assert "accuracy 0.85 < 0.9" in refused.message
    assert client.get_model_version(name, "1").current_stage == "Staging"


def test_example_policy_says_production_needs_approval(registry, client):
    name = make_model(
        client,
        {
            "accuracy": 0.95,
            "stage": "Staging",
            "tags": {"approved": "true", "performance_validated": "true"},
        },
    )
    run_id = client.get_model_version(name, "1").run_id
    client.log_metric(run_id, "f1_score", 0.93)
    before = snapshot(client, name)
    ctx = context(registry, policy=load_policy(EXAMPLE))
    refused = actions.transition(ctx, name, 1, "Production")
    assert refused.outcome == "refused"
    assert refused.message == "Refused by policy: needs approval by a reviewer."
    assert snapshot(client, name) == before


def test_archiving_production_needs_a_reason(registry, client):
    name = make_model(client, {"accuracy": 0.95, "stage": "Production"})
    ctx = context(registry)
    assert "reason is required" in actions.archive(ctx, name, 1).message
    archived = actions.archive(ctx, name, 1, reason="retired")
    assert archived.done
    assert client.get_model_version(name, "1").current_stage == "Archived"


def test_roll_back_on_stages_archives_the_current_version_with_the_reason(registry, client):
    name = make_model(
        client,
        {"accuracy": 0.95, "stage": "Archived", "tags": {PRODUCTION_AT_TAG: "1"}},
        {"accuracy": 0.70, "stage": "Production", "tags": {PRODUCTION_AT_TAG: "2"}},
    )
    result = actions.roll_back(
        context(registry),
        name,
        "accuracy fell to 0.70",
        seen=Seen(production_version=2, shows_production=True),
    )
    assert result.done, result.message
    old, target = client.get_model_version(name, "2"), client.get_model_version(name, "1")
    assert old.current_stage == "Archived"
    assert old.tags["rollback_reason"] == "accuracy fell to 0.70"
    assert target.current_stage == "Production"
    assert target.tags["rollback_from"] == "2"


def test_roll_back_refuses_a_version_that_never_served_production(registry, client):
    name = make_model(client, {"accuracy": 0.95}, {"accuracy": 0.9, "stage": "Production"})
    before = snapshot(client, name)
    refused = actions.roll_back(context(registry), name, "bad", target_version=1)
    assert "version 1 never served production" in refused.message
    assert snapshot(client, name) == before


def test_stale_page_is_refused_and_says_what_changed(registry, client):
    name = make_model(
        client,
        {"accuracy": 0.95, "stage": "Archived", "tags": {PRODUCTION_AT_TAG: "1"}},
        {"accuracy": 0.92, "stage": "Production", "tags": {PRODUCTION_AT_TAG: "2"}},
    )
    before = snapshot(client, name)
    stale = actions.roll_back(
        context(registry), name, "drop", seen=Seen(production_version=1, shows_production=True)
    )
    assert stale.outcome == "refused"
    assert "production is now v2, not v1" in stale.message
    stale_stage = actions.transition(
        context(registry), name, 2, "Archived", "x", seen=Seen(stage="Staging")
    )
    assert "v2 is now in Production, not Staging" in stale_stage.message
    assert snapshot(client, name) == before


class FailingMove(RegistryService):
    """The real service, except that moving a version into production fails."""

    def transition_stage(self, name, version, stage, archive_existing):
        if stage == "Production" and archive_existing and version == 1:
            raise RegistryUnavailable("the server went away")
        super().transition_stage(name, version, stage, archive_existing)

    def set_alias(self, name, alias, version):
        if alias == "production" and version == 1:
            raise RegistryUnavailable("the server went away")
        super().set_alias(name, alias, version)


@pytest.mark.parametrize("backend", ["stages", "aliases"])
def test_failed_roll_back_puts_the_registry_back(registry_uri, client, backend):
    if backend == "stages":
        name = make_model(
            client,
            {"accuracy": 0.9, "stage": "Archived", "tags": {PRODUCTION_AT_TAG: "1"}},
            {"accuracy": 0.7, "stage": "Production"},
        )
    else:
        name = make_model(
            client,
            {"accuracy": 0.9, "tags": {PRODUCTION_AT_TAG: "1", "lifecycle.archived": "true"}},
            {"accuracy": 0.7, "aliases": ["production"]},
        )
    before = snapshot(client, name)
    result = actions.roll_back(context(FailingMove(registry_uri), backend), name, "drop")
    assert result.outcome == "failed"
    assert "the server went away" in result.message
    assert "put back as it was" in result.message
    assert snapshot(client, name) == before


# ----- aliases backend ---------------------------------------------------------------------


def test_promotion_and_roll_back_on_aliases(registry, client):
    name = make_model(
        client,
        {"accuracy": 0.93, "aliases": ["production"], "tags": {PRODUCTION_AT_TAG: "1"}},
        {"accuracy": 0.96, "tags": {"tested": "true"}},
    )
    ctx = context(registry, "aliases")
    assert actions.transition(ctx, name, 2, "Staging").done
    assert client.get_registered_model(name).aliases == {"production": "1", "staging": "2"}
    promoted = actions.transition(ctx, name, 2, "Production")
    assert promoted.done, promoted.message
    assert client.get_registered_model(name).aliases == {"production": "2"}
    assert client.get_model_version(name, "1").tags["lifecycle.archived"] == "true"
    assert all(v.current_stage == "None" for v in client.search_model_versions(f"name='{name}'"))

    rolled = actions.roll_back(ctx, name, "latency regression")
    assert rolled.done, rolled.message
    assert client.get_registered_model(name).aliases == {"production": "1"}
    old, target = client.get_model_version(name, "2"), client.get_model_version(name, "1")
    assert old.tags["lifecycle.archived"] == "true"
    assert old.tags["rollback_reason"] == "latency regression"
    assert "lifecycle.archived" not in target.tags
    assert target.tags["rollback_from"] == "2"


def test_lifecycle_alias_cannot_be_moved_by_hand_on_aliases(registry, client):
    name = make_model(client, {"accuracy": 0.9})
    refused = actions.set_alias(context(registry, "aliases"), name, 1, "production")
    assert "move it with a stage transition" in refused.message
    assert client.get_registered_model(name).aliases == {}


# ----- tags, aliases, descriptions, versions -----------------------------------------------


def test_tags_are_set_and_deleted_and_bad_ones_refused(registry, client):
    name = make_model(client, {"accuracy": 0.9})
    ctx = context(registry)
    assert actions.set_tag(ctx, name, 1, "team", "vision").done
    assert client.get_model_version(name, "1").tags["team"] == "vision"
    before = snapshot(client, name)
    assert "must be 1 to 250 characters" in actions.set_tag(ctx, name, 1, "bad*key", "x").message
    assert "at most 5000" in actions.set_tag(ctx, name, 1, "note", "x" * 5001).message
    assert "no version 9" in actions.set_tag(ctx, name, 9, "team", "x").message
    assert "no registered model" in actions.set_tag(ctx, "no_such_model", 1, "a", "b").message
    assert "only by the dashboard" in actions.set_tag(ctx, name, 1, "rollback_from", "1").message
    assert snapshot(client, name) == before
    assert actions.delete_tag(ctx, name, 1, "team").done
    assert "team" not in client.get_model_version(name, "1").tags


def test_aliases_move_between_versions(registry, client):
    name = make_model(client, {"accuracy": 0.9}, {"accuracy": 0.91})
    ctx = context(registry)
    assert actions.set_alias(ctx, name, 1, "candidate").done
    moved = actions.set_alias(ctx, name, 2, "candidate")
    assert moved.message.endswith("(moved from v1).")
    assert client.get_registered_model(name).aliases == {"candidate": "2"}
    assert "does not hold @candidate" in actions.remove_alias(ctx, name, 1, "candidate").message
    assert actions.remove_alias(ctx, name, 2, "candidate").done
    assert client.get_registered_model(name).aliases == {}


def test_description_is_saved_and_limited(registry, client):
    name = make_model(client, {"accuracy": 0.9})
    ctx = context(registry)
    assert actions.edit_description(ctx, name, 1, "**Better** recall <script>x</script>").done
    assert client.get_model_version(name, "1").description.startswith("**Better**")
    assert "at most 5000" in actions.edit_description(ctx, name, 1, "x" * 5001).message


def test_semantic_version_bumps_write_release_date_and_author(registry, client):
    name = make_model(client, {"accuracy": 0.9}, {"accuracy": 0.91}, {"accuracy": 0.92})
    ctx = context(registry, actor="carol")
    assert actions.bump_version(ctx, name, 1, "minor").message.endswith(
        "is release v1.0.0 (minor bump)."
    )
    assert actions.bump_version(ctx, name, 2, "minor").done
    assert actions.bump_version(ctx, name, 3, "major").done
    tags = [client.get_model_version(name, str(n)).tags for n in (1, 2, 3)]
    assert [t["semantic_version"] for t in tags] == ["v1.0.0", "v1.1.0", "v2.0.0"]
    assert all(t["author"] == "carol" and len(t["release_date"]) == 10 for t in tags)
