"""Benchmark: the registry service's batched reads against the naive one-get_run-per-version way.

Seeds a model with N versions (default 500) on a real `mlflow server` it starts itself, then
measures, in one run, requests and seconds for both ways, under gunicorn and under MLflow's
default uvicorn, and prints the ratios. Run: `make bench` or `python bench/fetch.py -n 200`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests
from mlflow.tracking import MlflowClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.registry import RegistryService  # noqa: E402
from tests.servers import register_synthetic_model, start_mlflow_server, stop  # noqa: E402

MODEL = "bench_model"
ROUNDS = 3


class RequestCounter:
    """Counts every HTTP request this process sends, by wrapping requests.Session.send."""

    def __init__(self) -> None:
        self.count = 0
        original = requests.Session.send

        def counting_send(session, request, **kwargs):
            self.count += 1
            return original(session, request, **kwargs)

        requests.Session.send = counting_send


def batched(uri: str) -> int:
    service = RegistryService(uri)
    detail = service.model_detail(MODEL)
    runs = service.runs_for(v.run_id for v in detail.versions)
    return len(runs)


def naive(uri: str) -> int:
    """What the old scripts did: list the versions, then one get_run per version."""
    client = MlflowClient(uri, uri)
    client.get_registered_model(MODEL)
    versions = client.search_model_versions(f"name='{MODEL}'")
    return len([client.get_run(v.run_id) for v in versions])


def measure(fetch: Callable[[str], int], uri: str, counter: RequestCounter) -> tuple[int, float]:
    """Requests of one fetch and the best time of ROUNDS fetches."""
    before = counter.count
    fetch(uri)
    requests_made = counter.count - before
    best = min(_timed(fetch, uri) for _ in range(ROUNDS))
    return requests_made, best


def _timed(fetch: Callable[[str], int], uri: str) -> float:
    start = time.perf_counter()
    fetch(uri)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--versions", type=int, default=500)
    args = parser.parse_args()
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    os.environ["MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT"] = "true"
    counter = RequestCounter()
    with tempfile.TemporaryDirectory() as folder:
        print(f"Seeding {args.versions} versions of {MODEL} on a local mlflow server ...")
        for label, gunicorn in (("gunicorn", True), ("uvicorn (MLflow default)", False)):
            server = start_mlflow_server(Path(folder), gunicorn=gunicorn)
            try:
                if gunicorn:
                    register_synthetic_model(MlflowClient(server.url), MODEL, args.versions)
                batched_requests, batched_seconds = measure(batched, server.url, counter)
                naive_requests, naive_seconds = measure(naive, server.url, counter)
            finally:
                stop(server.process)
            print(f"\n{label}, {args.versions} versions:")
            print(f"  batched  {batched_requests:5d} requests  {batched_seconds:8.3f} s")
            print(f"  naive    {naive_requests:5d} requests  {naive_seconds:8.3f} s")
            print(
                f"  ratio    {naive_requests / batched_requests:5.1f}x fewer requests, "
                f"{naive_seconds / batched_seconds:5.1f}x faster"
            )


if __name__ == "__main__":
    main()
