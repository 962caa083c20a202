"""Session fixtures: a real MLflow server seeded with the demo models, and a 200-version model."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import bcrypt
import pytest
import sqlalchemy as sa
import streamlit as st
import yaml
from mlflow.tracking import MlflowClient

from dashboard import demo
from tests.servers import (
    MlflowServer,
    register_synthetic_model,
    start_mlflow_server,
    start_postgres,
    stop,
)

BULK_MODEL = "bulk_model"
BULK_VERSIONS = 200
SMALL_MODEL = "small_model"
SMALL_VERSIONS = 5
HUGE_MODEL = "huge_model"
HUGE_VERSIONS = 500
# Test users: username -> role; each one's password is "pw-" + username.
TEST_USERS = {
    "vic": "viewer",
    "dana": "data_scientist",
    "pat": "data_scientist",
    "rita": "reviewer",
    "ron": "reviewer",
    "ada": "admin",
}
TEST_COOKIE_KEY = "test-cookie-key-" + "x" * 32


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
    register_synthetic_model(client, HUGE_MODEL, HUGE_VERSIONS)
    return mlflow_server.url


@pytest.fixture(scope="session")
def client(registry_uri: str) -> MlflowClient:
    return MlflowClient(registry_uri, registry_uri)


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(scope="session")
def users_file(tmp_path_factory) -> Path:
    """A users file of TEST_USERS (cheap bcrypt rounds: the tests sign in often)."""
    path = tmp_path_factory.mktemp("auth") / "users.yaml"
    users = {
        name: {
            "name": name.title(),
            "password": bcrypt.hashpw(f"pw-{name}".encode(), bcrypt.gensalt(4)).decode(),
            "roles": [role],
        }
        for name, role in TEST_USERS.items()
    }
    path.write_text(yaml.safe_dump({"credentials": {"usernames": users}}), encoding="utf-8")
    return path


@pytest.fixture
def auth_env(users_file: Path, monkeypatch, tmp_path) -> Path:
    """Sign-in configured with the test users, and an audit store of the test's own."""
    monkeypatch.setenv("DASHBOARD_AUTH_CONFIG", str(users_file))
    monkeypatch.setenv("DASHBOARD_COOKIE_KEY", TEST_COOKIE_KEY)
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{tmp_path / 'dashboard.db'}")
    return users_file


@pytest.fixture
def dashboard_env(registry_uri: str, auth_env: Path, monkeypatch, fresh_cache) -> str:
    """Point the dashboard at the seeded server, as a user would with MLFLOW_TRACKING_URI."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", registry_uri)
    return registry_uri


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    url, stop_cluster = start_postgres()
    yield url
    stop_cluster()


def pytest_configure(config) -> None:
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """An empty database for the store: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'audit.db'}"
    server = request.getfixturevalue("postgres_server")
    database = f"audit_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {database}"))
    admin.dispose()
    return f"{server}/{database}"
