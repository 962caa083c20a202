"""Configuration from the environment, and secrets kept out of what a page shows."""

from __future__ import annotations

import pytest

from dashboard.config import load_settings, mask_uri, public_base_url
from dashboard.errors import ConfigurationError
from dashboard.registry import registry_status


@pytest.mark.parametrize(
    ("uri", "masked"),
    [
        ("http://admin:s3cret@mlflow:5000", "http://admin:***@mlflow:5000"),
        ("https://token@mlflow.example", "https://***@mlflow.example"),
        ("https://mlflow.example/?token=abc&x=1", "https://mlflow.example/?token=***&x=1"),
        ("sqlite:////work/demo/mlflow.db", "sqlite:////work/demo/mlflow.db"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
    ],
)
def test_secrets_in_the_tracking_uri_are_masked(uri, masked):
    assert mask_uri(uri) == masked


def test_mlflow_ui_links_carry_no_credentials():
    assert public_base_url("http://admin:s3cret@mlflow:5000/") == "http://mlflow:5000"
    assert public_base_url("sqlite:////tmp/x.db") is None


def test_demo_registry_is_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("DASHBOARD_DEMO_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.demo_mode
    assert settings.tracking_uri == f"sqlite:///{tmp_path}/mlflow.db"
    assert settings.cache_ttl_seconds == 30


def test_cache_ttl_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DASHBOARD_CACHE_TTL", "5")
    assert load_settings().cache_ttl_seconds == 5
    monkeypatch.setenv("DASHBOARD_CACHE_TTL", "-1")
    with pytest.raises(ConfigurationError, match="DASHBOARD_CACHE_TTL"):
        load_settings()


def test_missing_demo_registry_tells_how_to_create_it(tmp_path):
    status = registry_status(f"sqlite:///{tmp_path}/mlflow.db")
    assert not status.healthy
    assert "make demo" in status.message
    assert not (tmp_path / "mlflow.db").exists()  # nothing was created behind the user's back
