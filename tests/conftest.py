"""Session fixtures: a real MLflow server seeded with the demo models, and a 200-version model."""

from __future__ import annotations

import os
from collections.abc import Iterator

import mlflow
import pytest
import streamlit as st
from mlflow.tracking import MlflowClient

from dashboard import demo
from tests.servers import MlflowServer, start_mlflow_server, stop

BULK_MODEL = "bulk_model"
BULK_VERSIONS = 200
SMALL_MODEL = "small_model"
SMALL_VERSIONS = 5


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory) -> Iterator[MlflowServer]:
    server = start_mlflow_server(tmp_path_factory.mktemp("mlflow-server"))
    yield server
    stop(server.process)


@pytest.fixture(scope="session")
def registry_uri(mlflow_server: MlflowServer) -> str:
    """The server's URL, seeded with the demo models and two synthetic ones."""
    demo.seed(mlflow_server.url)
    client = MlflowClient(mlflow_server.url, mlflow_server.url)
    register_synthetic_model(client, SMALL_MODEL, SMALL_VERSIONS)
    register_synthetic_model(client, BULK_MODEL, BULK_VERSIONS)
    return mlflow_server.url


def register_synthetic_model(client: MlflowClient, name: str, count: int) -> None:
    """`count` versions, each from its own run with params and metrics (no model files: the
    registry reads under test never open artifacts)."""
    experiment_id = client.create_experiment(f"{name}-training")
    client.create_registered_model(name, tags={"key_metric": "accuracy", "owner": "bench"})
    for number in range(1, count + 1):
        run = client.create_run(experiment_id, run_name=f"{name}-{number}")
        client.log_batch(
            run.info.run_id,
            metrics=[mlflow.entities.Metric("accuracy", 0.80 + number / (count * 10), 0, 0)],
            params=[mlflow.entities.Param("n_estimators", str(10 * number))],
        )
        client.set_terminated(run.info.run_id)
        client.create_model_version(
            name,
            f"runs:/{run.info.run_id}/model",
            run.info.run_id,
            tags={"semantic_version": f"v1.{number - 1}.0"},
        )
    client.set_registered_model_alias(name, "champion", str(count))


@pytest.fixture(scope="session")
def client(registry_uri: str) -> MlflowClient:
    return MlflowClient(registry_uri, registry_uri)


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def dashboard_env(registry_uri: str, monkeypatch, fresh_cache) -> str:
    """Point the dashboard at the seeded server, as a user would with MLFLOW_TRACKING_URI."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", registry_uri)
    return registry_uri


def pytest_configure(config) -> None:
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
