"""The one module that talks to MLflow: batched registry reads returned as plain frozen dataclasses.

Nothing here imports Streamlit; `dashboard.cache` wraps these reads for the pages.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import mlflow
import requests
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from dashboard.config import mask_uri
from dashboard.errors import DashboardError, NotFound, RegistryUnavailable

# Run ids per `search_runs` request (a POST): 250 ids make a filter of about 9 KB.
RUN_ID_CHUNK_SIZE = 250
# Tags of a run that evaluated a registered version after training (the monitor reads them).
EVALUATION_MODEL_TAG = "evaluation.model"
EVALUATION_VERSION_TAG = "evaluation.version"
VERSIONS_PAGE_SIZE = 10_000
MODELS_PAGE_SIZE = 1_000
EXPERIMENTS_PAGE_SIZE = 1_000
HEALTH_TIMEOUT_SECONDS = 3.0

T = TypeVar("T")


@dataclass(frozen=True)
class RegisteredModelRecord:
    name: str
    description: str
    tags: dict[str, str]
    aliases: dict[str, int]
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True)
class ModelVersionRecord:
    name: str
    version: int
    status: str
    stage: str
    aliases: tuple[str, ...]
    tags: dict[str, str]
    description: str
    created_at: datetime | None
    updated_at: datetime | None
    run_id: str | None
    source: str
    logged_model_id: str | None
    user_id: str | None


@dataclass(frozen=True)
class ModelDetail:
    model: RegisteredModelRecord
    versions: list[ModelVersionRecord]

    def version(self, number: int) -> ModelVersionRecord:
        for record in self.versions:
            if record.version == number:
                return record
        raise NotFound(f"Model {self.model.name!r} has no version {number}.")


@dataclass(frozen=True)
class DatasetRecord:
    name: str
    digest: str
    source_type: str
    source: str
    schema: str
    profile: str
    context: str | None


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    run_name: str
    experiment_id: str
    experiment_name: str
    status: str
    lifecycle_stage: str
    start_time: datetime | None
    end_time: datetime | None
    user_id: str | None
    params: dict[str, str]
    metrics: dict[str, float]
    # Metrics logged at more than one step (a training history worth drawing).
    metrics_with_history: tuple[str, ...]
    tags: dict[str, str]
    datasets: tuple[DatasetRecord, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ArtifactFile:
    path: str  # relative to the root of its store, "/"-separated
    size: int | None


@dataclass(frozen=True)
class ArtifactStore:
    """Where a version's files live: its logged model (MLflow 3) or its source run."""

    kind: str  # "model" or "run"
    owner_id: str  # the logged model id or the run id
    root: str = ""  # folder inside the owner ("" for its top)


@dataclass(frozen=True)
class MetricPoint:
    step: int
    value: float
    timestamp: datetime | None


@dataclass(frozen=True)
class RegistryStatus:
    masked_uri: str
    healthy: bool
    server_version: str | None
    message: str


def to_datetime(milliseconds: int | None) -> datetime | None:
    if not milliseconds:
        return None
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC)


def sqlite_path(uri: str) -> Path | None:
    """The database file of a `sqlite:///` URI (three slashes: relative, four: absolute)."""
    prefix = "sqlite:///"
    if not uri.startswith(prefix):
        return None
    return Path(uri[len(prefix) :].split("?", 1)[0])


def _quote(value: str) -> str:
    """Quote a value for an MLflow search filter."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _all_pages(fetch: Callable[[str | None], Iterable[T]]) -> list[T]:
    """Follow MLflow page tokens until the last page."""
    items: list[T] = []
    token: str | None = None
    while True:
        page = fetch(token)
        items.extend(page)
        token = getattr(page, "token", None)
        if not token:
            return items


class RegistryService:
    """Batched, read-only access to one MLflow tracking server and its model registry."""

    def __init__(self, tracking_uri: str) -> None:
        # MLflow retries a failed request 7 times with back-off by default, which freezes a
        # page for minutes when the server is down; one retry and a short timeout instead.
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "1")
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "20")
        self.tracking_uri = tracking_uri
        self.masked_uri = mask_uri(tracking_uri)
        with self._mlflow_errors("opening the registry"):
            self.client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)

    # ----- errors ---------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        """Remove the raw tracking URI (which may hold a password) from a message."""
        return text.replace(self.tracking_uri, self.masked_uri)

    @contextmanager
    def _mlflow_errors(self, what: str) -> Iterator[None]:
        try:
            yield
        except MlflowException as exc:
            if exc.error_code == "RESOURCE_DOES_NOT_EXIST":
                raise NotFound(f"The registry has no such item: {what} failed.") from None
            reason = self._scrub(str(exc.message).splitlines()[0])[:300]
            raise RegistryUnavailable(
                f"The MLflow registry at {self.masked_uri} failed while {what}: {reason}"
            ) from None
        except (requests.exceptions.RequestException, OSError) as exc:
            raise RegistryUnavailable(
                f"Could not reach the MLflow registry at {self.masked_uri} while {what} "
                f"({type(exc).__name__}). Check MLFLOW_TRACKING_URI and that the server is running."
            ) from None

    # ----- registered models ----------------------------------------------------------------

    def registered_models(self) -> list[RegisteredModelRecord]:
        """Every registered model with its aliases, in one request per 1,000 models."""
        with self._mlflow_errors("listing registered models"):
            models = _all_pages(
                lambda token: self.client.search_registered_models(
                    max_results=MODELS_PAGE_SIZE, page_token=token, order_by=["name ASC"]
                )
            )
        return [_registered_model_record(model) for model in models]

    def registered_model(self, name: str) -> RegisteredModelRecord:
        try:
            with self._mlflow_errors(f"reading model {name!r}"):
                model = self.client.get_registered_model(name)
        except NotFound:
            raise NotFound(f"There is no registered model named {name!r}.") from None
        return _registered_model_record(model)

    # ----- model versions -------------------------------------------------------------------

    def model_detail(self, name: str) -> ModelDetail:
        """One model and all its versions, newest first, with their aliases (two requests)."""
        model = self.registered_model(name)
        with self._mlflow_errors(f"listing versions of {name!r}"):
            versions = _all_pages(
                lambda token: self.client.search_model_versions(
                    filter_string=f"name={_quote(name)}",
                    max_results=VERSIONS_PAGE_SIZE,
                    page_token=token,
                )
            )
        aliases_by_version = _aliases_by_version(model.aliases)
        records = [_version_record(v, aliases_by_version.get(int(v.version), ())) for v in versions]
        return ModelDetail(model, sorted(records, key=lambda record: record.version, reverse=True))

    def all_versions(self, models: list[RegisteredModelRecord]) -> list[ModelVersionRecord]:
        """Every version of every model (one request per 10,000 versions), aliases from `models`."""
        with self._mlflow_errors("listing model versions"):
            versions = _all_pages(
                lambda token: self.client.search_model_versions(
                    max_results=VERSIONS_PAGE_SIZE, page_token=token
                )
            )
        aliases = {model.name: _aliases_by_version(model.aliases) for model in models}
        return [
            _version_record(v, aliases.get(v.name, {}).get(int(v.version), ())) for v in versions
        ]

    # ----- runs -----------------------------------------------------------------------------

    def experiment_names(self) -> dict[str, str]:
        """Experiment id -> name for every experiment, deleted ones included."""
        with self._mlflow_errors("listing experiments"):
            experiments = _all_pages(
                lambda token: self.client.search_experiments(
                    view_type=ViewType.ALL, max_results=EXPERIMENTS_PAGE_SIZE, page_token=token
                )
            )
        return {experiment.experiment_id: experiment.name for experiment in experiments}

    def runs_for(self, run_ids: Iterable[str | None]) -> dict[str, RunRecord]:
        """The runs behind many versions: one `search_runs` per 250 run ids, never one per run.

        Runs that were deleted are still returned (their lifecycle_stage says so); ids that
        match no run are simply absent from the result.
        """
        wanted = sorted({run_id for run_id in run_ids if run_id})
        if not wanted:
            return {}
        experiments = self.experiment_names()
        runs: dict[str, RunRecord] = {}
        for chunk in _chunks(wanted, RUN_ID_CHUNK_SIZE):
            id_list = ", ".join(_quote(run_id) for run_id in chunk)
            with self._mlflow_errors("reading the runs behind the versions"):
                found = _all_pages(
                    lambda token, id_list=id_list: self.client.search_runs(
                        experiment_ids=list(experiments),
                        filter_string=f"attributes.run_id IN ({id_list})",
                        run_view_type=ViewType.ALL,
                        max_results=RUN_ID_CHUNK_SIZE,
                        page_token=token,
                    )
                )
            for run in found:
                runs[run.info.run_id] = _run_record(run, experiments)
        return runs

    def evaluation_runs(self, model: str) -> list[RunRecord]:
        """Runs that evaluated a version of `model` after training, newest first: runs tagged
        `evaluation.model = MODEL` and `evaluation.version = N` (one request per 1,000)."""
        experiments = self.experiment_names()
        if not experiments:
            return []
        with self._mlflow_errors(f"reading the evaluation runs of {model}"):
            found = _all_pages(
                lambda token: self.client.search_runs(
                    experiment_ids=list(experiments),
                    filter_string=f"tags.`{EVALUATION_MODEL_TAG}` = {_quote(model)}",
                    order_by=["attributes.start_time DESC"],
                    max_results=1000,
                    page_token=token,
                )
            )
        return [_run_record(run, experiments) for run in found]

    def metric_history(self, run_id: str, key: str) -> list[MetricPoint]:
        with self._mlflow_errors(f"reading the history of metric {key!r}"):
            history = self.client.get_metric_history(run_id, key)
        points = [MetricPoint(m.step, m.value, to_datetime(m.timestamp)) for m in history]
        return sorted(points, key=lambda point: (point.step, point.timestamp or 0))

    # ----- artifacts ------------------------------------------------------------------------

    def artifact_files(self, store: ArtifactStore) -> list[ArtifactFile]:
        """Every file under a store, folders walked recursively (one request per folder)."""
        files: list[ArtifactFile] = []
        folders = [store.root or None]
        while folders:
            folder = folders.pop()
            with self._mlflow_errors(f"listing the artifacts of {store.kind} {store.owner_id}"):
                if store.kind == "model":
                    entries = self.client.list_logged_model_artifacts(store.owner_id, folder)
                else:
                    entries = self.client.list_artifacts(store.owner_id, folder)
            for entry in entries:
                if entry.is_dir:
                    folders.append(entry.path)
                else:
                    path = entry.path
                    if store.root:
                        path = path.removeprefix(store.root.rstrip("/") + "/")
                    files.append(ArtifactFile(path, entry.file_size))
        return sorted(files, key=lambda file: file.path)

    def read_artifact(self, store: ArtifactStore, path: str) -> bytes:
        """The bytes of one file; the caller has checked `path` against artifact_files."""
        full_path = f"{store.root.rstrip('/')}/{path}" if store.root else path
        with tempfile.TemporaryDirectory() as folder, self._mlflow_errors(f"downloading {path}"):
            if store.kind == "model":
                location = self.client.get_logged_model(store.owner_id).artifact_location
                local = mlflow.artifacts.download_artifacts(
                    artifact_uri=f"{location.rstrip('/')}/{full_path}",
                    dst_path=folder,
                    tracking_uri=self.tracking_uri,
                )
            else:
                local = self.client.download_artifacts(store.owner_id, full_path, folder)
            return Path(local).read_bytes()

    # ----- serving ---------------------------------------------------------------------------

    def load_pyfunc(self, name: str, version: int) -> Any:
        """The version as an `mlflow.pyfunc` model (downloads its files); DashboardError with
        MLflow's reason when it cannot be loaded."""
        uri = f"models:/{name}/{version}"
        try:
            local = mlflow.artifacts.download_artifacts(
                artifact_uri=uri, dst_path=tempfile.mkdtemp(prefix="model-"),
                tracking_uri=self.tracking_uri,
            )  # fmt: skip
            return mlflow.pyfunc.load_model(local)
        except Exception as error:  # loading runs the flavor's own code: any error can surface
            first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
            reason = self._scrub(first_line)[:300]
            raise DashboardError(f"{uri} could not be loaded: {reason}") from None

    # ----- writes (called only by dashboard.actions and dashboard.backends) ------------------

    def set_version_tag(self, name: str, version: int, key: str, value: str) -> None:
        with self._mlflow_errors(f"setting tag {key!r} on {name} v{version}"):
            self.client.set_model_version_tag(name, str(version), key, value)

    def delete_version_tag(self, name: str, version: int, key: str) -> None:
        with self._mlflow_errors(f"deleting tag {key!r} of {name} v{version}"):
            self.client.delete_model_version_tag(name, str(version), key)

    def set_alias(self, name: str, alias: str, version: int) -> None:
        """Point `alias` at `version`; MLflow moves it from its old holder in one write."""
        with self._mlflow_errors(f"setting alias @{alias} of {name} to v{version}"):
            self.client.set_registered_model_alias(name, alias, str(version))

    def delete_alias(self, name: str, alias: str) -> None:
        with self._mlflow_errors(f"removing alias @{alias} of {name}"):
            self.client.delete_registered_model_alias(name, alias)

    def update_description(self, name: str, version: int, text: str) -> None:
        with self._mlflow_errors(f"updating the description of {name} v{version}"):
            self.client.update_model_version(name, str(version), description=text)

    def delete_version(self, name: str, version: int) -> None:
        with self._mlflow_errors(f"deleting {name} v{version}"):
            self.client.delete_model_version(name, str(version))

    def transition_stage(self, name: str, version: int, stage: str, archive_existing: bool) -> None:
        """Move a version to an MLflow stage; with `archive_existing`, the versions in that stage
        are archived in the same request, so production never holds two versions or none."""
        with self._mlflow_errors(f"moving {name} v{version} to {stage}"), warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # stages are deprecated, still used
            self.client.transition_model_version_stage(
                name, str(version), stage, archive_existing_versions=archive_existing
            )


def registry_status(tracking_uri: str) -> RegistryStatus:
    """Can the registry be reached, and which MLflow answers? Never raises.

    For a SQLite URI the file must already exist: MLflow would otherwise create an empty
    registry silently, which hides a mistyped path.
    """
    masked = mask_uri(tracking_uri)
    scheme = urlsplit(tracking_uri).scheme
    if scheme in ("http", "https"):
        return _http_status(tracking_uri, masked)
    if scheme == "sqlite":
        path = sqlite_path(tracking_uri)
        if path is None or not path.is_file():
            return RegistryStatus(
                masked,
                False,
                None,
                f"No MLflow registry database at {path or masked}. Run `make demo` to create "
                "the demo registry, or set MLFLOW_TRACKING_URI to your tracking server.",
            )
        return RegistryStatus(masked, True, f"{mlflow.__version__} (embedded)", "SQLite registry")
    return RegistryStatus(
        masked,
        False,
        None,
        f"MLFLOW_TRACKING_URI {masked} is not supported by the dashboard: use an http(s):// "
        "tracking server URL or a sqlite:/// database path.",
    )


def _http_status(tracking_uri: str, masked: str) -> RegistryStatus:
    parts = urlsplit(tracking_uri)
    base = f"{parts.scheme}://{parts.hostname}{':' + str(parts.port) if parts.port else ''}"
    base += parts.path.rstrip("/")
    auth = (parts.username, parts.password or "") if parts.username else None
    try:
        health = requests.get(f"{base}/health", timeout=HEALTH_TIMEOUT_SECONDS, auth=auth)
        version = requests.get(f"{base}/version", timeout=HEALTH_TIMEOUT_SECONDS, auth=auth)
    except requests.exceptions.RequestException as exc:
        return RegistryStatus(
            masked,
            False,
            None,
            f"Cannot reach the MLflow server at {masked} ({type(exc).__name__}). Check that "
            "MLFLOW_TRACKING_URI names the right host and port and that the server is running.",
        )
    if health.status_code != 200:
        return RegistryStatus(
            masked,
            False,
            None,
            f"The MLflow server at {masked} answered its health check with HTTP "
            f"{health.status_code}. Check MLFLOW_TRACKING_URI and the server's log.",
        )
    server_version = version.text.strip() if version.status_code == 200 else None
    if server_version and len(server_version) > 40:
        server_version = None  # not an MLflow version string: some proxy answered
    return RegistryStatus(masked, True, server_version, "Server healthy")


def _aliases_by_version(aliases: dict[str, int]) -> dict[int, tuple[str, ...]]:
    by_version: dict[int, list[str]] = {}
    for alias, version in sorted(aliases.items()):
        by_version.setdefault(int(version), []).append(alias)
    return {version: tuple(names) for version, names in by_version.items()}


def _registered_model_record(model) -> RegisteredModelRecord:
    return RegisteredModelRecord(
        name=model.name,
        description=model.description or "",
        tags=dict(model.tags or {}),
        aliases={alias: int(version) for alias, version in (model.aliases or {}).items()},
        created_at=to_datetime(model.creation_timestamp),
        updated_at=to_datetime(model.last_updated_timestamp),
    )


def _version_record(version, aliases: tuple[str, ...]) -> ModelVersionRecord:
    return ModelVersionRecord(
        name=version.name,
        version=int(version.version),
        status=version.status or "",
        stage=version.current_stage or "None",
        aliases=aliases,
        tags=dict(version.tags or {}),
        description=version.description or "",
        created_at=to_datetime(version.creation_timestamp),
        updated_at=to_datetime(version.last_updated_timestamp),
        run_id=version.run_id or None,
        source=version.source or "",
        logged_model_id=getattr(version, "model_id", None) or _logged_model_id(version.source),
        user_id=version.user_id or None,
    )


def _logged_model_id(source: str | None) -> str | None:
    """`models:/m-abc…` sources name the MLflow 3 logged model the version was made from."""
    if source and source.startswith("models:/m-"):
        return source.removeprefix("models:/").split("/", 1)[0]
    return None


def _run_record(run, experiments: dict[str, str]) -> RunRecord:
    # RunData keeps the Metric objects (with their step) only privately; a latest step above
    # zero means the metric has a history worth drawing.
    metric_objects = getattr(run.data, "_metric_objs", None) or []
    with_history = tuple(sorted({metric.key for metric in metric_objects if metric.step > 0}))
    datasets = tuple(
        DatasetRecord(
            name=item.dataset.name,
            digest=item.dataset.digest,
            source_type=item.dataset.source_type,
            source=item.dataset.source,
            schema=item.dataset.schema or "",
            profile=item.dataset.profile or "",
            context=next((t.value for t in item.tags if t.key == "mlflow.data.context"), None),
        )
        for item in (run.inputs.dataset_inputs if run.inputs else [])
    )
    tags = dict(run.data.tags)
    return RunRecord(
        run_id=run.info.run_id,
        run_name=run.info.run_name or tags.get("mlflow.runName", ""),
        experiment_id=run.info.experiment_id,
        experiment_name=experiments.get(run.info.experiment_id, run.info.experiment_id),
        status=run.info.status,
        lifecycle_stage=run.info.lifecycle_stage,
        start_time=to_datetime(run.info.start_time),
        end_time=to_datetime(run.info.end_time),
        user_id=run.info.user_id or None,
        params=dict(run.data.params),
        metrics=dict(run.data.metrics),
        metrics_with_history=with_history,
        tags=tags,
        datasets=datasets,
    )
