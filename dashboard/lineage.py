"""Pure lineage of a version: dataset -> run -> logged model -> version -> stage and aliases,
as nodes and edges, drawn as Graphviz DOT; and the data panel's facts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

from dashboard.registry import ModelVersionRecord, RunRecord

STATISTICS = ("training_samples", "test_samples", "num_features", "num_classes")
DATA_TAGS = (
    "data.source",
    "data.preprocessing",
    "data.feature_engineering",
    "data.train_test_split",
)
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # dataset, run, logged model, version, stage, alias, missing
    label: str
    link: str | None = None


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str, str], ...]  # from, to, label
    missing: tuple[str, ...]  # sentences about what could not be drawn


def version_lineage(
    version: ModelVersionRecord,
    run: RunRecord | None,
    key_metrics: list[str],
    mlflow_ui: str | None,
) -> Graph:
    nodes: list[Node] = []
    edges: list[tuple[str, str, str]] = []
    missing: list[str] = []
    version_id = "version"
    nodes.append(
        Node(
            version_id,
            "version",
            f"Model version\n{version.name} v{version.version}",
            f"./version?model={quote(version.name)}&version={version.version}",
        )
    )
    upstream = version_id
    if version.logged_model_id:
        nodes.append(
            Node(
                "logged_model",
                "logged model",
                f"Logged model\n{version.logged_model_id}",
                f"{mlflow_ui}/#/models/{version.logged_model_id}" if mlflow_ui else None,
            )
        )
        edges.append(("logged_model", version_id, "registered as"))
        upstream = "logged_model"
    if run is not None:
        params = ", ".join(f"{k}={v}" for k, v in sorted(run.params.items())[:3])
        metrics = ", ".join(f"{m}={run.metrics[m]:.3g}" for m in key_metrics if m in run.metrics)
        state = " (deleted)" if run.lifecycle_stage == "deleted" else ""
        label = f"Run{state}\n{run.run_name or run.run_id}\nexperiment: {run.experiment_name}"
        label += f"\n{params}" if params else ""
        label += f"\n{metrics}" if metrics else ""
        link = (
            f"{mlflow_ui}/#/experiments/{run.experiment_id}/runs/{run.run_id}"
            if mlflow_ui
            else None
        )
        nodes.append(Node("run", "run", label, link))
        edges.append(("run", upstream, "logged"))
        if not run.datasets:
            missing.append("The run records no dataset input.")
        for position, dataset in enumerate(run.datasets):
            node_id = f"dataset{position}"
            nodes.append(
                Node(node_id, "dataset", f"Dataset\n{dataset.name}\ndigest {dataset.digest}")
            )
            edges.append((node_id, "run", dataset.context or "input"))
    elif version.run_id:
        nodes.append(Node("run", "missing", f"Run {version.run_id}\nnot found (deleted?)"))
        edges.append(("run", upstream, "logged"))
        missing.append(f"The source run {version.run_id} no longer exists in MLflow.")
    else:
        missing.append("This version was registered without a source run: no run or dataset.")
    if version.stage != "None":
        nodes.append(Node("stage", "stage", f"Stage\n{version.stage}"))
        edges.append((version_id, "stage", "stage"))
    for alias in version.aliases:
        nodes.append(Node(f"alias_{alias}", "alias", f"@{alias}"))
        edges.append((version_id, f"alias_{alias}", "alias"))
    return Graph(tuple(nodes), tuple(edges), tuple(missing))


STYLES = {
    "dataset": 'shape=cylinder, style=filled, fillcolor="#e3f2fd"',
    "run": 'shape=box, style="rounded,filled", fillcolor="#fff3e0"',
    "logged model": 'shape=box3d, style=filled, fillcolor="#ede7f6"',
    "version": 'shape=box, style="rounded,filled,bold", fillcolor="#e8f5e9"',
    "stage": 'shape=ellipse, style=filled, fillcolor="#c8e6c9"',
    "alias": 'shape=tag, style=filled, fillcolor="#f3e5f5"',
    "missing": 'shape=box, style="rounded,dashed", color="#c62828", fontcolor="#c62828"',
}


def to_dot(graph: Graph) -> str:
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    lines = [
        "digraph lineage {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9, color="#607d8b"];',
    ]
    for node in graph.nodes:
        link = f", URL={quoted(node.link)}, target=_top" if node.link else ""
        lines.append(f"  {node.id} [label={quoted(node.label)}, {STYLES[node.kind]}{link}];")
    for source, target, label in graph.edges:
        lines.append(f"  {source} -> {target} [label={quoted(label)}];")
    lines.append("}")
    return "\n".join(lines)


def dataset_source(source_type: str, source: str) -> str:
    """A dataset source as a person reads it: its name or URI rather than MLflow's JSON."""
    try:
        parsed = json.loads(source)
    except (json.JSONDecodeError, TypeError):
        return f"{source_type}: {source}"
    if isinstance(parsed, dict):
        name = (
            (parsed.get("tags") or {}).get("mlflow.source.name")
            or parsed.get("uri")
            or parsed.get("url")
            or parsed.get("path")
        )
        if name:
            return f"{source_type}: {name}"
    return f"{source_type}: {source}"


def data_facts(version: ModelVersionRecord, run: RunRecord | None) -> dict[str, str]:
    """The data tags (version's, else run's) and statistics, each 'not recorded' if missing."""
    tags = {**(run.tags if run else {}), **version.tags}
    facts = {tag: tags.get(tag) or NOT_RECORDED for tag in DATA_TAGS}
    metrics = run.metrics if run else {}
    for statistic in STATISTICS:
        facts[statistic] = f"{metrics[statistic]:g}" if statistic in metrics else NOT_RECORDED
    return facts
