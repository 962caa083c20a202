"""The team screen's content, built from registry records: pure, so it is tested directly.

One card per model that has a production version: its release, key metric with the change
against the previous production version, how long it has served, and pending requests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dashboard import lifecycle
from dashboard.policy import PRODUCTION_AT_TAG
from dashboard.registry import ModelVersionRecord, RegisteredModelRecord, RunRecord
from dashboard.summaries import versions_by_model

CARDS_PER_PAGE = 12
# Metrics where a lower value is better: their arrow points the other way.
LOWER_IS_BETTER = ("rmse", "mae", "mse", "loss", "log_loss", "latency")


@dataclass(frozen=True)
class ScreenCard:
    model: str
    version: int
    semver: str | None
    metric: str | None
    value: float | None
    previous_version: int | None
    previous_value: float | None
    since: datetime | None  # when it entered production (None: not recorded)
    since_recorded: bool  # False: `since` is the version's last update, an estimate
    pending: int = 0

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous_value is None:
            return None
        return self.value - self.previous_value

    @property
    def trend(self) -> str:
        """better, worse, same, or "" when there is nothing to compare with."""
        change = self.change
        if change is None:
            return ""
        if abs(change) < 1e-12:
            return "same"
        lower_better = any(part in (self.metric or "") for part in LOWER_IS_BETTER)
        return "better" if (change > 0) != lower_better else "worse"


def run_ids_needed(versions: list[ModelVersionRecord]) -> list[str]:
    """Runs of each model's production version and the one before it."""
    needed = []
    for model_versions in versions_by_model(versions).values():
        production = lifecycle.production_version(model_versions)
        if production is None:
            continue
        previous = lifecycle.previous_production(model_versions, production)
        needed += [v.run_id for v in (production, previous) if v and v.run_id]
    return needed


def cards(
    models: list[RegisteredModelRecord],
    versions: list[ModelVersionRecord],
    runs: dict[str, RunRecord],
    pending: dict[str, int],
) -> list[ScreenCard]:
    by_model = versions_by_model(versions)
    result = []
    for model in sorted(models, key=lambda m: m.name):
        model_versions = by_model.get(model.name, [])
        production = lifecycle.production_version(model_versions)
        if production is None:
            continue
        previous = lifecycle.previous_production(model_versions, production)
        run = runs.get(production.run_id or "")
        metric = lifecycle.key_metric_name(model.tags, run.metrics if run else {})
        previous_run = runs.get(previous.run_id or "") if previous else None
        recorded = _moment(production.tags.get(PRODUCTION_AT_TAG))
        result.append(
            ScreenCard(
                model=model.name,
                version=production.version,
                semver=production.tags.get("semantic_version"),
                metric=metric,
                value=run.metrics.get(metric) if run and metric else None,
                previous_version=previous.version if previous else None,
                previous_value=previous_run.metrics.get(metric)
                if previous_run and metric
                else None,
                since=recorded or production.updated_at,
                since_recorded=recorded is not None,
                pending=pending.get(model.name, 0),
            )
        )
    return result


def _moment(text: str | None) -> datetime | None:
    """The `lifecycle.production_at` tag as a time; None when absent or written by hand in
    another form (the card then estimates from the version's last update)."""
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def page_count(total: int, per_page: int = CARDS_PER_PAGE) -> int:
    return max(1, math.ceil(total / per_page))


def page(items: list[ScreenCard], index: int, per_page: int = CARDS_PER_PAGE) -> list[ScreenCard]:
    """The `index`-th page (wrapping), so a rotating screen shows every model in turn."""
    start = (index % page_count(len(items), per_page)) * per_page
    return items[start : start + per_page]


def duration(delta: timedelta) -> str:
    """ "3 d 4 h", "5 h 12 min", "7 min": how long, for a glance from across the room."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"
