"""Real servers for tests: an `mlflow server` on a free loopback port, and its access log."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import mlflow
import requests
from mlflow.tracking import MlflowClient

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited with code {process.returncode} before {url} answered"
            )
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    """Stop a server started with start_new_session=True, and its workers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class MlflowServer:
    url: str
    access_log: Path
    process: subprocess.Popen

    def requests_logged(self) -> int:
        """Requests the server has answered so far (lines of its gunicorn access log)."""
        if not self.access_log.exists():
            return 0
        return sum(1 for _ in self.access_log.open())

    def settled_count(self) -> int:
        """The access-log count once it has stopped moving (gunicorn logs after responding)."""
        count = self.requests_logged()
        while True:
            time.sleep(0.15)
            again = self.requests_logged()
            if again == count:
                return count
            count = again


def start_mlflow_server(folder: Path, gunicorn: bool = True) -> MlflowServer:
    """`mlflow server` with a SQLite store and local artifacts, without the job runner.

    Under gunicorn by default (MLflow's uvicorn default answers kept-alive requests about
    45 ms late); gunicorn's access log counts the requests the server receives.
    """
    port = free_port()
    access_log = folder / "access.log"
    command = [
        str(BIN / "mlflow"), "server",
        "--backend-store-uri", f"sqlite:///{folder / 'mlflow.db'}",
        "--artifacts-destination", str(folder / "artifacts"),
        "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
    ]  # fmt: skip
    if gunicorn:
        command += ["--gunicorn-opts", f"--log-level warning --access-logfile {access_log}"]
    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/health", process)
    except RuntimeError:
        stop(process)
        raise RuntimeError((folder / "server.log").read_text()[-3000:]) from None
    return MlflowServer(url, access_log, process)


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


def start_postgres() -> tuple[str, Callable[[], None]]:
    """A private PostgreSQL cluster in a temporary folder on a free loopback port.

    Returns the server's base URL (no database) and a function that stops it and removes the
    folder. The server binaries are Debian's; as root, they run as the `postgres` user.
    """
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries are missing: apt-get install postgresql")
    binaries = Path(found[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="pg-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_postgres, *command], check=True, capture_output=True, text=True)

    run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync")
    options = f"-p {port} -h 127.0.0.1 -k {folder} -c fsync=off -c full_page_writes=off"
    run(
        str(binaries / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(folder / "log"),
        "-w",
        "start",
    )

    def stop_cluster() -> None:
        run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)

    return f"postgresql+psycopg2://postgres@127.0.0.1:{port}", stop_cluster
