"""Streamlit caching around the registry service: the only Streamlit import of the data layer.

Every read is keyed by the tracking URI, so writes can clear exactly the entries they made
stale (`clear_model`), and screens opened by many people share one set of MLflow requests.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import auth, screen, summaries
from dashboard.actions import ActionContext
from dashboard.backends import backend_for, present, present_versions
from dashboard.config import DEFAULT_CACHE_TTL_SECONDS, load_settings
from dashboard.errors import ConfigurationError
from dashboard.policy import Lifecycle, Policy, load_policy
from dashboard.registry import (
    ArtifactFile,
    ArtifactStore,
    MetricPoint,
    ModelDetail,
    ModelVersionRecord,
    RegisteredModelRecord,
    RegistryService,
    RegistryStatus,
    RunRecord,
    registry_status,
)
from dashboard.screen import ScreenCard
from dashboard.store import Store, open_store
from dashboard.summaries import ModelSummary


def _ttl_seconds() -> int:
    try:
        return load_settings().cache_ttl_seconds
    except ConfigurationError:
        return DEFAULT_CACHE_TTL_SECONDS  # app.py reports the bad value and stops


TTL_SECONDS = _ttl_seconds()
STATUS_TTL_SECONDS = min(TTL_SECONDS, 10)


@st.cache_resource(show_spinner=False)
def registry_service(tracking_uri: str) -> RegistryService:
    return RegistryService(tracking_uri)


@st.cache_data(ttl=STATUS_TTL_SECONDS, show_spinner=False)
def status(tracking_uri: str) -> RegistryStatus:
    return registry_status(tracking_uri)


@st.cache_resource(show_spinner=False)
def _policy(path: str, modified: float) -> Policy:
    return load_policy(path)


def policy() -> Policy:
    """The policy at DASHBOARD_POLICY, read again when the file changes."""
    path = load_settings().policy_path
    try:
        modified = Path(path).stat().st_mtime
    except OSError:
        modified = 0.0  # load_policy reports the missing file
    return _policy(str(path), modified)


@st.cache_resource(show_spinner="Opening the dashboard's database…")
def _store(db_url: str) -> Store:
    return open_store(db_url)


def store() -> Store:
    """The audit store at DASHBOARD_DB_URL, migrated to the latest schema on first use."""
    return _store(load_settings().db_url)


def action_context(tracking_uri: str) -> ActionContext:
    """What an action needs: the service, the policy, who acts (the signed-in user) with which
    roles, which cache to clear, and where its audit event goes."""
    user = auth.current_user()
    return ActionContext(
        registry=registry_service(tracking_uri),
        policy=policy(),
        actor=user.username,
        roles=user.roles,
        on_change=lambda model: clear_model(tracking_uri, model),
        store=store(),
    )


def overview(tracking_uri: str) -> list[ModelSummary]:
    return _overview(tracking_uri, policy())


@st.cache_data(ttl=TTL_SECONDS, show_spinner="Reading the registry…")
def _overview(tracking_uri: str, policy: Policy) -> list[ModelSummary]:
    """Overview rows: three requests, plus one per 250 production versions."""
    service = registry_service(tracking_uri)
    models = service.registered_models()
    versions = present_versions(service.all_versions(models), backend_for(policy.lifecycle))
    runs = service.runs_for(summaries.production_run_ids(models, versions))
    return summaries.summarize(models, versions, runs, policy)


def screen_cards(tracking_uri: str) -> list[ScreenCard]:
    """The team screen's cards: one shared cached read for every screen open (pending
    request counts come from the dashboard's own database)."""
    versions = all_versions(tracking_uri)
    runs = runs_for(tracking_uri, tuple(sorted(set(screen.run_ids_needed(versions)))))
    pending = Counter(r.model for r in store().requests(statuses=["pending"]))
    return screen.cards(registered_models(tracking_uri), versions, runs, dict(pending))


def all_versions(tracking_uri: str) -> list[ModelVersionRecord]:
    """Every version of every model, read in one batched request (pages of 10,000)."""
    return _all_versions(tracking_uri, policy().lifecycle)


@st.cache_data(ttl=TTL_SECONDS, show_spinner="Reading versions…")
def _all_versions(tracking_uri: str, lifecycle: Lifecycle) -> list[ModelVersionRecord]:
    models = registered_models(tracking_uri)
    return present_versions(
        registry_service(tracking_uri).all_versions(models), backend_for(lifecycle)
    )


@st.cache_resource(show_spinner="Loading the model…", max_entries=8)
def pyfunc_model(tracking_uri: str, name: str, version: int) -> Any:
    """A loaded version, kept for the next scoring (a failed load is not kept)."""
    return registry_service(tracking_uri).load_pyfunc(name, version)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def evaluation_runs(tracking_uri: str, model: str) -> list[RunRecord]:
    return registry_service(tracking_uri).evaluation_runs(model)


@st.cache_resource(show_spinner=False)
def last_known(tracking_uri: str) -> dict[str, object]:
    """What the team screen last read successfully, and when: shown, with its age, while
    the registry cannot be reached. One per process, shared by every screen."""
    return {}


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def model_names(tracking_uri: str) -> list[str]:
    return [model.name for model in registered_models(tracking_uri)]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def registered_models(tracking_uri: str) -> list[RegisteredModelRecord]:
    return registry_service(tracking_uri).registered_models()


def model_detail(tracking_uri: str, name: str) -> ModelDetail:
    """One model and its versions, stages read through the policy's lifecycle backend."""
    return _model_detail(tracking_uri, name, policy().lifecycle)


@st.cache_data(ttl=TTL_SECONDS, show_spinner="Reading versions…")
def _model_detail(tracking_uri: str, name: str, lifecycle: Lifecycle) -> ModelDetail:
    return present(registry_service(tracking_uri).model_detail(name), backend_for(lifecycle))


@st.cache_data(ttl=TTL_SECONDS, show_spinner="Reading runs…")
def runs_for(tracking_uri: str, run_ids: tuple[str, ...]) -> dict[str, RunRecord]:
    """Pass a sorted tuple so the same set of runs hits the same cache entry."""
    return registry_service(tracking_uri).runs_for(run_ids)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def metric_history(tracking_uri: str, run_id: str, key: str) -> list[MetricPoint]:
    return registry_service(tracking_uri).metric_history(run_id, key)


@st.cache_data(ttl=TTL_SECONDS, show_spinner="Listing files…")
def artifact_files(tracking_uri: str, store: ArtifactStore) -> list[ArtifactFile]:
    return registry_service(tracking_uri).artifact_files(store)


@st.cache_data(ttl=TTL_SECONDS, show_spinner="Downloading…", max_entries=64)
def artifact_bytes(tracking_uri: str, store: ArtifactStore, path: str) -> bytes:
    """One file's bytes; callers check the path against artifact_files and the size cap."""
    return registry_service(tracking_uri).read_artifact(store, path)


def clear_model(tracking_uri: str, name: str) -> None:
    """Forget what a write to model `name` made stale; other models stay cached."""
    current = policy()
    _model_detail.clear(tracking_uri, name, current.lifecycle)
    _overview.clear(tracking_uri, current)
    _all_versions.clear(tracking_uri, current.lifecycle)
    registered_models.clear(tracking_uri)
    model_names.clear(tracking_uri)


def clear_all() -> None:
    for cached in (
        status,
        _overview,
        _all_versions,
        model_names,
        registered_models,
        _model_detail,
        runs_for,
        metric_history,
        artifact_files,
        artifact_bytes,
    ):
        cached.clear()
