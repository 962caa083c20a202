"""Pure comparison of model versions: side-by-side table, best version, and a two-version diff."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import yaml

from dashboard.registry import ArtifactFile, ModelVersionRecord, RunRecord

# Metrics whose names say lower is better; everything else defaults to higher is better.
LOWER_IS_BETTER_HINTS = ("loss", "rmse", "mse", "mae", "error", "latency", "time")
SECTION, NAME = "Section", "Name"


def version_label(number: int) -> str:
    return f"v{number}"


def comparison_frame(
    versions: Sequence[ModelVersionRecord],
    runs: Mapping[str, RunRecord],
    include_run_tags: bool = False,
) -> pd.DataFrame:
    """Rows of (section, name), one column per version; values as the registry holds them."""
    rows: dict[tuple[str, str], dict[str, object]] = {}

    def put(section: str, name: str, version: ModelVersionRecord, value: object) -> None:
        rows.setdefault((section, name), {})[version_label(version.version)] = value

    for version in versions:
        run = runs.get(version.run_id or "")
        put("version", "stage", version, version.stage)
        put("version", "aliases", version, ", ".join(f"@{a}" for a in version.aliases))
        put("version", "release", version, version.tags.get("semantic_version", ""))
        for key, value in (run.params if run else {}).items():
            put("param", key, version, value)
        for key, value in (run.metrics if run else {}).items():
            put("metric", key, version, value)
        if include_run_tags and run:
            for key, value in run.tags.items():
                if not key.startswith("mlflow."):
                    put("run tag", key, version, value)
    order = {"version": 0, "param": 1, "metric": 2, "run tag": 3}
    columns = [version_label(v.version) for v in versions]
    records = [
        {SECTION: section, NAME: name, **{c: values.get(c) for c in columns}}
        for (section, name), values in sorted(rows.items(), key=lambda i: (order[i[0][0]], i[0][1]))
    ]
    return pd.DataFrame(records, columns=[SECTION, NAME, *columns])


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as text (numbers to 4 significant digits, missing as "—"), so each column
    has one type."""
    shown = frame.copy()
    for column in shown.columns[2:]:
        shown[column] = [_cell(value) for value in shown[column]]
    return shown


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def differing_rows(frame: pd.DataFrame) -> pd.Series:
    """True for rows whose value is not the same in every version (a missing value differs)."""
    values = frame.drop(columns=[SECTION, NAME])

    def differs(row: pd.Series) -> bool:
        seen = {"<missing>" if pd.isna(v) else str(v) for v in row}
        return len(seen) > 1

    return values.apply(differs, axis=1) if len(values.columns) else pd.Series(False, frame.index)


def lower_is_better(metric: str) -> bool:
    return any(hint in metric.lower() for hint in LOWER_IS_BETTER_HINTS)


@dataclass(frozen=True)
class Best:
    version: int
    value: float
    metric: str
    higher_is_better: bool

    def sentence(self, runner_up: tuple[int, float] | None = None) -> str:
        direction = "highest" if self.higher_is_better else "lowest"
        text = f"v{self.version} is best on {self.metric}: {direction} value, {self.value:.4g}"
        if runner_up:
            text += f" (next: v{runner_up[0]} with {runner_up[1]:.4g})"
        return text + "."


def best_version(
    versions: Sequence[ModelVersionRecord],
    runs: Mapping[str, RunRecord],
    metric: str,
    higher_is_better: bool,
) -> tuple[Best, tuple[int, float] | None] | None:
    """The best version on `metric` and the runner-up; None when no version logged it.
    Ties go to the newer version."""
    scored = [
        (v.version, runs[v.run_id].metrics[metric])
        for v in versions
        if v.run_id in runs and metric in runs[v.run_id].metrics
    ]
    if not scored:
        return None
    sign = 1 if higher_is_better else -1
    ranked = sorted(scored, key=lambda item: (sign * item[1], item[0]), reverse=True)
    best = Best(ranked[0][0], ranked[0][1], metric, higher_is_better)
    return best, (ranked[1] if len(ranked) > 1 else None)


# ----- two-version diff ----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    name: str
    old: object
    new: object
    kind: str  # changed, added, removed, same


def mapping_diff(
    old: Mapping[str, object], new: Mapping[str, object], keep_same: bool = False
) -> list[Change]:
    changes = []
    for key in sorted(set(old) | set(new)):
        if key not in new:
            changes.append(Change(key, old[key], None, "removed"))
        elif key not in old:
            changes.append(Change(key, None, new[key], "added"))
        elif old[key] != new[key]:
            changes.append(Change(key, old[key], new[key], "changed"))
        elif keep_same:
            changes.append(Change(key, old[key], new[key], "same"))
    return changes


def metric_deltas(old: Mapping[str, float], new: Mapping[str, float]) -> pd.DataFrame:
    rows = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        delta = after - before if before is not None and after is not None else None
        rows.append({"Metric": key, "Old": before, "New": after, "Delta": delta})
    return pd.DataFrame(rows, columns=["Metric", "Old", "New", "Delta"])


def signature_fields(mlmodel_text: str | None) -> dict[str, list[str]]:
    """`inputs` and `outputs` of an MLmodel file's signature, as `name: type` lines."""
    if not mlmodel_text:
        return {"inputs": [], "outputs": []}
    signature = (yaml.safe_load(mlmodel_text) or {}).get("signature") or {}
    fields = {}
    for part in ("inputs", "outputs"):
        raw = signature.get(part)
        specs = json.loads(raw) if isinstance(raw, str) else (raw or [])
        fields[part] = [
            f"{spec.get('name', '(unnamed)')}: {spec.get('type', '?')}"
            for spec in specs
            if isinstance(spec, dict)
        ]
    return fields


def lines_diff(old_text: str | None, new_text: str | None) -> list[Change]:
    """Added and removed lines (e.g. of requirements.txt), comments and blanks ignored."""

    def lines(text: str | None) -> set[str]:
        return {
            line.strip()
            for line in (text or "").splitlines()
            if line.strip() and not line.strip().startswith("#")
        }

    old, new = lines(old_text), lines(new_text)
    return [Change(line, line, None, "removed") for line in sorted(old - new)] + [
        Change(line, None, line, "added") for line in sorted(new - old)
    ]


def artifacts_diff(old: Sequence[ArtifactFile], new: Sequence[ArtifactFile]) -> list[Change]:
    return mapping_diff({f.path: f.size for f in old}, {f.path: f.size for f in new})


def changes_frame(changes: Sequence[Change], old_label: str, new_label: str) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Name": c.name, "Change": c.kind, old_label: c.old, new_label: c.new} for c in changes],
        columns=["Name", "Change", old_label, new_label],
    )


def parallel_frame(
    versions: Sequence[ModelVersionRecord], runs: Mapping[str, RunRecord], metric: str
) -> pd.DataFrame | None:
    """Numeric params (those that vary) with the metric last, one row per version; None when
    fewer than two versions or no varying numeric param."""
    rows = []
    for version in versions:
        run = runs.get(version.run_id or "")
        if run and metric in run.metrics:
            rows.append({**run.params, metric: run.metrics[metric]})
    if len(rows) < 2:
        return None
    frame = pd.DataFrame(rows)
    numeric = frame.drop(columns=[metric]).apply(pd.to_numeric, errors="coerce")
    varying = [c for c in numeric.columns if numeric[c].notna().all() and numeric[c].nunique() > 1]
    if not varying:
        return None
    return pd.concat([numeric[varying], frame[[metric]]], axis=1)
