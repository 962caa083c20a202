"""Deployment facts of a version, pure: its model URIs, the serve command, the Kubernetes
manifest from the policy's `deployment` section, and the scoring payload's parsing."""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

import pandas as pd
import yaml

from dashboard.errors import DashboardError
from dashboard.policy import Deployment
from dashboard.registry import ModelVersionRecord

SERVING_IMAGE = "ghcr.io/mlflow/mlflow:v3.17.2"
SERVING_PORT = 8080


def model_uris(version: ModelVersionRecord) -> dict[str, str]:
    """Every URI that loads this version: by number, by each alias, by stage."""
    uris = {"version": f"models:/{version.name}/{version.version}"}
    for alias in version.aliases:
        uris[f"@{alias}"] = f"models:/{version.name}@{alias}"
    if version.stage in ("Staging", "Production"):
        uris[f"stage {version.stage}"] = f"models:/{version.name}/{version.stage}"
    return uris


def serve_command(version: ModelVersionRecord, tracking_uri: str, port: int = 5001) -> str:
    """`mlflow models serve` for the version (the tracking URI as shown, credentials masked)."""
    uri = f"models:/{version.name}/{version.version}"
    return (
        f"MLFLOW_TRACKING_URI={shlex.quote(tracking_uri)} "
        f"mlflow models serve -m {shlex.quote(uri)} --port {port} --env-manager local"
    )


def kubernetes_name(model: str, version: int) -> str:
    """A DNS-1123 name for the model's Deployment and Service."""
    base = re.sub(r"[^a-z0-9-]+", "-", model.lower()).strip("-") or "model"
    return f"{base[:50].rstrip('-')}-v{version}"


def manifest(version: ModelVersionRecord, deployment: Deployment, tracking_uri: str) -> str:
    """A Kubernetes Deployment and Service (one YAML, two documents) serving the version."""
    name = kubernetes_name(version.name, version.version)
    labels = {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/component": "model-server",
        "mlflow.model": re.sub(r"[^A-Za-z0-9_.-]", "-", version.name)[:63].strip("-_."),
        "mlflow.version": str(version.version),
    }
    probe = {
        "httpGet": {"path": deployment.health_endpoint, "port": SERVING_PORT},
        "periodSeconds": deployment.health_interval_seconds,
    }
    resources = {"cpu": deployment.cpu_limit, "memory": deployment.memory_limit}
    container = {
        "name": "model",
        "image": SERVING_IMAGE,
        "command": [
            "mlflow", "models", "serve", "-m", f"models:/{version.name}/{version.version}",
            "-h", "0.0.0.0", "-p", str(SERVING_PORT), "--env-manager", "local",
        ],
        "env": [
            {"name": "MLFLOW_TRACKING_URI", "value": tracking_uri},
            {"name": "MODEL_NAME", "value": version.name},
            {"name": "MODEL_VERSION", "value": str(version.version)},
        ],
        "ports": [{"name": "http", "containerPort": SERVING_PORT}],
        "resources": {"limits": resources, "requests": resources},
        "livenessProbe": {**probe, "initialDelaySeconds": 30},
        "readinessProbe": {**probe, "initialDelaySeconds": 10},
    }  # fmt: skip
    documents: list[dict[str, Any]] = [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name, "labels": labels},
            "spec": {
                "replicas": deployment.replicas,
                "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
                "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name, "labels": labels},
            "spec": {
                "selector": {"app.kubernetes.io/name": name},
                "ports": [{"name": "http", "port": 80, "targetPort": SERVING_PORT}],
            },
        },
    ]
    return yaml.safe_dump_all(documents, sort_keys=False)


def parse_dataframe_split(text: str) -> pd.DataFrame:
    """The `dataframe_split` JSON MLflow's scoring server takes, as a DataFrame; DashboardError
    saying what is wrong otherwise."""
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise DashboardError(f"The input is not JSON: {error.msg} (line {error.lineno}).") from None
    if isinstance(payload, dict) and "dataframe_split" in payload:
        payload = payload["dataframe_split"]
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise DashboardError(
            'The input must be {"dataframe_split": {"columns": [...], "data": [[...], ...]}}.'
        )
    try:
        return pd.DataFrame(payload["data"], columns=payload.get("columns"))
    except (ValueError, TypeError) as error:
        raise DashboardError(f"The rows do not fit the columns: {error}") from None


def to_dataframe_split(frame: pd.DataFrame) -> str:
    """A DataFrame as the `dataframe_split` JSON the text box starts with."""
    split = json.loads(frame.to_json(orient="split", index=False))
    rows = ",\n".join(f"    {json.dumps(row)}" for row in split["data"])
    return (
        '{"dataframe_split": {\n'
        f'  "columns": {json.dumps(split["columns"])},\n'
        f'  "data": [\n{rows}\n  ]\n}}}}'
    )


def predictions_frame(predictions: Any) -> pd.DataFrame:
    if isinstance(predictions, pd.DataFrame):
        return predictions
    if isinstance(predictions, pd.Series):
        return predictions.to_frame("prediction")
    return pd.DataFrame({"prediction": list(getattr(predictions, "tolist", lambda: predictions)())})
