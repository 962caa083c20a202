"""Pure builders of the DataFrames the pages draw; no Streamlit and no I/O, so tests read them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import pandas as pd

from dashboard.registry import ModelVersionRecord, RunRecord
from dashboard.summaries import ModelSummary

# Headline metrics shown beside the key metric when a run logged them.
HEADLINE_METRICS = ("accuracy", "f1_score", "precision", "recall", "roc_auc", "r2", "rmse", "mae")


def overview_frame(summaries: Iterable[ModelSummary]) -> pd.DataFrame:
    rows = [
        {
            "Model": s.name,
            "Production": f"v{s.production_version}" if s.production_version else "—",
            "Release": s.production_semver or "—",
            "Key metric": s.key_metric or "—",
            "Value": s.key_metric_value,
            "Latest": f"v{s.latest_version}" if s.latest_version else "—",
            "Versions": s.version_count,
            "Last update": s.updated_at,
            "Owner": s.owner or "—",
            "Policy": "; ".join(s.policy_flags) or "ok",
            "Tags": ", ".join(f"{k}={v}" for k, v in sorted(s.tags.items())),
        }
        for s in summaries
    ]
    columns = [
        "Model",
        "Production",
        "Release",
        "Key metric",
        "Value",
        "Latest",
        "Versions",
        "Last update",
        "Owner",
        "Policy",
        "Tags",
    ]
    return pd.DataFrame(rows, columns=columns)


def metric_columns(key_metric: str | None, runs: Iterable[RunRecord]) -> list[str]:
    """The key metric first, then the headline metrics any of these runs logged."""
    logged = set().union(*(run.metrics for run in runs))
    columns = [key_metric] if key_metric else []
    columns += [m for m in HEADLINE_METRICS if m in logged and m != key_metric]
    return columns


def versions_frame(
    versions: Iterable[ModelVersionRecord],
    runs: Mapping[str, RunRecord],
    metrics: list[str],
) -> pd.DataFrame:
    """One row per version (newest first) with stage, aliases, lineage and metric columns."""
    rows = []
    for version in versions:
        run = runs.get(version.run_id or "")
        row = {
            "Version": version.version,
            "Stage": version.stage,
            "Aliases": ", ".join(version.aliases),
            "Release": version.tags.get("semantic_version", ""),
            "Status": version.status,
            "Author": version.tags.get("author") or version.user_id or "",
            "Created": version.created_at,
            "Updated": version.updated_at,
            "Source run": (run.run_name or version.run_id) if run else (version.run_id or "—"),
        }
        for metric in metrics:
            row[metric] = run.metrics.get(metric) if run else None
        rows.append(row)
    columns = [
        "Version",
        "Stage",
        "Aliases",
        "Release",
        "Status",
        "Author",
        "Created",
        "Updated",
        "Source run",
        *metrics,
    ]
    return pd.DataFrame(rows, columns=columns)


def history_frame(versions: Iterable[ModelVersionRecord]) -> pd.DataFrame:
    """What the registry itself records of a model's history, newest first: each version's
    registration and its last change (MLflow keeps no actor for the latter)."""
    events: list[dict[str, object]] = []
    for version in versions:
        author = version.tags.get("author") or version.user_id or "unknown"
        events.append(
            {
                "When": version.created_at,
                "Version": version.version,
                "Event": "registered",
                "By": author,
            }
        )
        if version.updated_at and version.created_at and version.updated_at > version.created_at:
            events.append(
                {
                    "When": version.updated_at,
                    "Version": version.version,
                    "Event": f"last changed (now {version.stage})",
                    "By": "not recorded",
                }
            )
    frame = pd.DataFrame(events, columns=["When", "Version", "Event", "By"])
    return frame.sort_values(["When", "Version"], ascending=False, ignore_index=True)


def mapping_frame(values: Mapping[str, object], key: str, value: str) -> pd.DataFrame:
    """A two-column table of a dict (tags, params, metrics), sorted by key."""
    return pd.DataFrame(sorted(values.items()), columns=[key, value])


def format_time(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "—"
