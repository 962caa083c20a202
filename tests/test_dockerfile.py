"""The image installs the pinned requirements and starts the app with `streamlit run app.py`."""

from __future__ import annotations

import re

from tests.dockerfile import ROOT, environment, instructions, parsed, start_command

PIN = re.compile(r"^[A-Za-z0-9_.\-\[\]]+==[0-9][^ ;]*$")


def requirement_lines(name: str) -> list[str]:
    lines = (ROOT / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith(("#", "-r"))]


def test_every_requirement_is_pinned_exactly():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in requirement_lines(name):
            assert PIN.match(line), f"{name}: {line!r} is not an exact pin"


def test_stack_versions_are_the_ones_the_product_names():
    pins = dict(line.split("==") for line in requirement_lines("requirements.txt"))
    assert pins["mlflow"] == "3.17.2"
    assert pins["streamlit"] == "1.67.0"
    assert pins["streamlit-authenticator"] == "0.4.2"
    assert {"pandas", "plotly", "PyYAML", "SQLAlchemy"} <= set(pins)


def test_image_is_python_311_and_installs_the_runtime_requirements():
    assert parsed().baseimage.startswith("python:3.11")
    assert "pip install --no-cache-dir -r requirements.txt" in instructions("RUN")
    copied = " ".join(instructions("COPY"))
    # Everything the app reads at run time: code, the default policy, the demo users.
    for part in (
        "requirements.txt", "app.py", "dashboard", "pages", "policies", "demo",
        ".streamlit/config.toml",
    ):  # fmt: skip
        assert part in copied
    for source in (value.split()[0] for value in instructions("COPY")):
        assert (ROOT / source).exists(), f"COPY {source}: no such path in the repository"


def test_image_serves_streamlit_on_8501_as_a_non_root_user():
    assert start_command() == ["streamlit", "run", "app.py"]
    assert instructions("EXPOSE") == ["8501"]
    assert environment()["STREAMLIT_SERVER_PORT"] == "8501"
    assert environment()["STREAMLIT_SERVER_ADDRESS"] == "0.0.0.0"
    assert instructions("USER") == ["dashboard"]
    assert "_stcore/health" in instructions("HEALTHCHECK")[0]


def test_image_ships_no_secrets():
    copied = " ".join(instructions("COPY"))
    assert "secrets.toml" not in copied
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text()
