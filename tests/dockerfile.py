"""The Dockerfile read statically (no Docker engine here), so tests can run its exact commands."""

from __future__ import annotations

import json
from pathlib import Path

from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parent.parent


def parsed() -> DockerfileParser:
    return DockerfileParser(path=str(ROOT / "Dockerfile"))


def instructions(name: str) -> list[str]:
    return [i["value"] for i in parsed().structure if i["instruction"] == name]


def start_command() -> list[str]:
    return json.loads(parsed().cmd)


def environment() -> dict[str, str]:
    return dict(parsed().envs)
