"""Pure lifecycle rules: which version serves production, which metric is key, who owns it.

No I/O: these functions take the registry service's records and return plain values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dashboard.policy import PRODUCTION_AT_TAG
from dashboard.registry import ModelVersionRecord

PRODUCTION_STAGE = "Production"
# Aliases that mark the serving version when a team uses aliases instead of stages.
PRODUCTION_ALIASES = ("production", "champion")
# Tried in order when a model has no `key_metric` tag.
PREFERRED_KEY_METRICS = ("accuracy", "f1_score", "roc_auc", "r2", "rmse", "mae")
KEY_METRIC_TAG = "key_metric"
OWNER_TAGS = ("owner", "author")


def production_version(versions: Iterable[ModelVersionRecord]) -> ModelVersionRecord | None:
    """The version in stage Production (the newest, should there be several), else the one
    holding a production alias, else None."""
    versions = list(versions)
    in_stage = [v for v in versions if v.stage == PRODUCTION_STAGE]
    if in_stage:
        return max(in_stage, key=lambda v: v.version)
    for alias in PRODUCTION_ALIASES:
        for version in versions:
            if alias in version.aliases:
                return version
    return None


def earlier_production(
    versions: Iterable[ModelVersionRecord], current: ModelVersionRecord | None
) -> list[ModelVersionRecord]:
    """Versions other than `current` that served production (they carry
    `lifecycle.production_at`), the most recent first."""
    served = [
        v
        for v in versions
        if v.tags.get(PRODUCTION_AT_TAG) and (current is None or v.version != current.version)
    ]
    return sorted(served, key=lambda v: (v.tags[PRODUCTION_AT_TAG], v.version), reverse=True)


def previous_production(
    versions: Iterable[ModelVersionRecord], current: ModelVersionRecord | None
) -> ModelVersionRecord | None:
    """The most recent version, other than the current one, that served production."""
    earlier = earlier_production(versions, current)
    return earlier[0] if earlier else None


def latest_version(versions: Iterable[ModelVersionRecord]) -> ModelVersionRecord | None:
    return max(versions, key=lambda v: v.version, default=None)


def key_metric_name(model_tags: Mapping[str, str], metrics: Mapping[str, float]) -> str | None:
    """The model's `key_metric` tag, else the first preferred metric the run logged."""
    tagged = model_tags.get(KEY_METRIC_TAG)
    if tagged:
        return tagged
    return next((name for name in PREFERRED_KEY_METRICS if name in metrics), None)


def owner(model_tags: Mapping[str, str], version: ModelVersionRecord | None) -> str | None:
    """Who answers for a model: its `owner` or `author` tag, else the newest version's author."""
    for tag in OWNER_TAGS:
        if model_tags.get(tag):
            return model_tags[tag]
    if version is None:
        return None
    return version.tags.get("author") or version.user_id
