"""Monitoring rules applied to a model's versions: pure, shared by the monitor and its page.

The production version's value of a rule's metric is its latest evaluation run's (a run
tagged `evaluation.model` / `evaluation.version`), else its training run's. A breach is a
value below `min_value`, or more than `max_drop` below the previous production version's
value. The last good version is the most recent earlier production version whose value
clears the same threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import lifecycle
from dashboard.policy import MonitorRule
from dashboard.registry import EVALUATION_VERSION_TAG, ModelVersionRecord, RunRecord

STATES = ("ok", "breach", "no_data", "no_production")


@dataclass(frozen=True)
class Reading:
    value: float | None
    source: str  # where the value comes from, for the page and the audit reason


@dataclass(frozen=True)
class Assessment:
    rule: MonitorRule
    production: int | None
    reading: Reading
    previous: int | None  # the previous production version, the drop's reference
    reference: float | None
    threshold: float | None
    state: str
    last_good: int | None
    message: str


def reading(
    version: ModelVersionRecord,
    metric: str,
    runs: dict[str, RunRecord],
    evaluations: list[RunRecord],
) -> Reading:
    """`metric` of `version`: its newest evaluation run's, else its training run's."""
    for run in evaluations:  # newest first
        if run.tags.get(EVALUATION_VERSION_TAG) == str(version.version) and metric in run.metrics:
            return Reading(run.metrics[metric], f"evaluation run {run.run_name or run.run_id}")
    run = runs.get(version.run_id or "")
    if run and metric in run.metrics:
        return Reading(run.metrics[metric], "training run")
    return Reading(None, "not logged")


def assess(
    rule: MonitorRule,
    versions: list[ModelVersionRecord],
    runs: dict[str, RunRecord],
    evaluations: list[RunRecord],
) -> Assessment:
    production = lifecycle.production_version(versions)
    if production is None:
        return Assessment(
            rule, None, Reading(None, "—"), None, None, None, "no_production", None,
            f"{rule.model} has no version in production.",
        )  # fmt: skip
    current = reading(production, rule.metric, runs, evaluations)
    earlier = lifecycle.earlier_production(versions, production)
    previous = earlier[0] if earlier else None
    reference = reading(previous, rule.metric, runs, evaluations).value if previous else None
    limits = []
    if rule.min_value is not None:
        limits.append(rule.min_value)
    if rule.max_drop is not None and reference is not None:
        limits.append(reference - rule.max_drop)
    threshold = max(limits) if limits else None

    def passes(value: float | None) -> bool:
        return value is not None and (threshold is None or value >= threshold)

    last_good = next(
        (v.version for v in earlier if passes(reading(v, rule.metric, runs, evaluations).value)),
        None,
    )
    if current.value is None:
        state, message = "no_data", f"v{production.version} has no {rule.metric} logged."
    elif threshold is None:
        state = "ok"
        message = (
            f"{rule.metric} {current.value:.4f}; no earlier production version to compare with."
        )
    elif current.value >= threshold:
        state = "ok"
        message = f"{rule.metric} {current.value:.4f} ≥ {threshold:.4f}."
    else:
        state = "breach"
        against = (
            f" (v{previous.version} had {reference:.4f})"
            if previous and reference is not None
            else ""
        )
        message = (
            f"{rule.metric} of v{production.version} is {current.value:.4f} from its "
            f"{current.source}, below {threshold:.4f}{against}."
        )
    return Assessment(
        rule, production.version, current, previous.version if previous else None, reference,
        threshold, state, last_good, message,
    )  # fmt: skip
