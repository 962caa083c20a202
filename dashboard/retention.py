"""Which versions the policy's version_policy would delete, and why: pure.

A version is listed when it is older than `retention_days` and in one of `archive_stages`,
or when the model has more than `max_versions` (the oldest beyond the limit), oldest first.
Never listed: a version holding an alias, in Staging or Production, or with a pending request.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from dashboard.policy import Policy
from dashboard.registry import ModelVersionRecord
from dashboard.summaries import versions_by_model


@dataclass(frozen=True)
class Candidate:
    version: ModelVersionRecord
    reason: str


def protected(version: ModelVersionRecord, pending: Collection[tuple[str, int]]) -> str | None:
    if version.aliases:
        return "holds " + ", ".join(f"@{alias}" for alias in version.aliases)
    if version.stage in ("Staging", "Production"):
        return f"in {version.stage}"
    if (version.name, version.version) in pending:
        return "has a pending request"
    return None


def candidates(
    versions: list[ModelVersionRecord],
    policy: Policy,
    pending: Collection[tuple[str, int]],
    now: datetime,
) -> list[Candidate]:
    listed: list[Candidate] = []
    for model_versions in versions_by_model(versions).values():
        oldest_first = sorted(model_versions, key=lambda v: (v.created_at or now, v.version))
        over = len(oldest_first) - policy.max_versions if policy.max_versions else 0
        for position, version in enumerate(oldest_first):
            if protected(version, pending):
                continue
            reasons = []
            age = now - version.created_at if version.created_at else timedelta(0)
            if (
                policy.retention_days
                and age > timedelta(days=policy.retention_days)
                and (not policy.archive_stages or version.stage in policy.archive_stages)
            ):
                reasons.append(
                    f"{age.days} days old (retention {policy.retention_days} days) "
                    f"and {version.stage}"
                )
            if position < over:
                reasons.append(
                    f"beyond max_versions: {len(oldest_first)} versions, limit "
                    f"{policy.max_versions}, one of the {over} oldest"
                )
            if reasons:
                listed.append(Candidate(version, "; ".join(reasons)))
    return sorted(listed, key=lambda c: (c.version.created_at or now, c.version.name))
