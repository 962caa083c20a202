"""Builds the overview rows from registry records; pure, so it is tested without a server."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from dashboard import lifecycle
from dashboard.policy import Policy, naming_checks
from dashboard.registry import ModelVersionRecord, RegisteredModelRecord, RunRecord


@dataclass(frozen=True)
class ModelSummary:
    name: str
    description: str
    tags: dict[str, str]
    version_count: int
    latest_version: int | None
    production_version: int | None
    production_semver: str | None
    key_metric: str | None
    key_metric_value: float | None
    updated_at: datetime | None
    owner: str | None
    policy_flags: tuple[str, ...] = ()


def summarize(
    models: list[RegisteredModelRecord],
    versions: list[ModelVersionRecord],
    runs: dict[str, RunRecord],
    policy: Policy | None = None,
) -> list[ModelSummary]:
    """One row per registered model, sorted by name, flagged where it breaks the policy."""
    grouped = versions_by_model(versions)
    summaries = []
    for model in sorted(models, key=lambda m: m.name):
        model_versions = grouped.get(model.name, [])
        production = lifecycle.production_version(model_versions)
        latest = lifecycle.latest_version(model_versions)
        run = runs.get(production.run_id) if production and production.run_id else None
        metrics = run.metrics if run else {}
        key_metric = lifecycle.key_metric_name(model.tags, metrics)
        update_times = [t for t in [model.updated_at, *(v.updated_at for v in model_versions)] if t]
        summaries.append(
            ModelSummary(
                name=model.name,
                description=model.description,
                tags=model.tags,
                version_count=len(model_versions),
                latest_version=latest.version if latest else None,
                production_version=production.version if production else None,
                production_semver=production.tags.get("semantic_version") if production else None,
                key_metric=key_metric,
                key_metric_value=metrics.get(key_metric) if key_metric else None,
                updated_at=max(update_times, default=None),
                owner=lifecycle.owner(model.tags, latest),
                policy_flags=policy_flags(policy, model.name, len(model_versions))
                if policy
                else (),
            )
        )
    return summaries


def policy_flags(policy: Policy, name: str, version_count: int) -> tuple[str, ...]:
    """What about a model breaks the policy's naming convention or version limit."""
    flags = [check.detail for check in naming_checks(policy, name) if not check.passed]
    if policy.max_versions is not None and version_count > policy.max_versions:
        flags.append(f"{version_count} versions, more than max_versions {policy.max_versions}")
    return tuple(flags)


def production_run_ids(
    models: list[RegisteredModelRecord], versions: list[ModelVersionRecord]
) -> list[str]:
    """Run ids of each model's production version: the only runs the overview needs."""
    by_model = versions_by_model(versions)
    run_ids = []
    for model in models:
        production = lifecycle.production_version(by_model.get(model.name, []))
        if production and production.run_id:
            run_ids.append(production.run_id)
    return run_ids


def versions_by_model(versions: list[ModelVersionRecord]) -> dict[str, list[ModelVersionRecord]]:
    grouped: dict[str, list[ModelVersionRecord]] = defaultdict(list)
    for version in versions:
        grouped[version.name].append(version)
    return grouped


def matches(summary: ModelSummary, name_query: str, tag_query: str) -> bool:
    """Search: the name contains `name_query` (any case); `tag_query` is `key` or `key=value`,
    several separated by commas, each matching a model tag (value: substring, any case)."""
    if name_query and name_query.strip().lower() not in summary.name.lower():
        return False
    for condition in filter(None, (part.strip() for part in tag_query.split(","))):
        key, _, value = condition.partition("=")
        key, value = key.strip(), value.strip().lower()
        if key not in summary.tags:
            return False
        if value and value not in summary.tags[key].lower():
            return False
    return True
