"""The team screen: its content, the read-only token, shared reads across screens, and the
last known state while the registry is down."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import streamlit as st
from mlflow.tracking import MlflowClient
from streamlit.testing.v1 import AppTest

from dashboard import screen
from dashboard.registry import ModelVersionRecord, RegisteredModelRecord
from tests.servers import start_mlflow_server, stop
from tests.test_actions import make_model
from tests.test_pages import ROOT, entry_point, render

TOKEN = "wall-" + "t" * 40


def screen_html(app: AppTest) -> str:
    return "\n".join(element.proto.body for element in app.get("html"))


def open_with_token(token: str | None, page: int = 1) -> AppTest:
    app = AppTest.from_file(entry_point(), default_timeout=60)
    app.switch_page(str(ROOT / "pages/screen.py"))
    app.query_params["page"] = str(page)
    if token is not None:
        app.query_params["token"] = token
    return app.run()


def every_page(open_page) -> str:
    """The HTML of all the screen's pages (`?page=N` pins one page per wall screen)."""
    first = screen_html(open_page(1))
    found = re.search(r"Page 1 of (\d+)", first)
    pages = int(found.group(1)) if found else 1
    return first + "".join(screen_html(open_page(n)) for n in range(2, pages + 1))


def test_a_signed_in_user_sees_every_production_model(dashboard_env, client):
    app = render("pages/screen.py", user="vic", page="1")
    assert not app.exception and not app.error
    html = every_page(lambda n: render("pages/screen.py", user="vic", page=str(n)))
    for name in ("iris_classifier", "wine_classifier", "breast_cancer_detector"):
        assert name in html
    iris = next(
        v for v in client.search_model_versions("name='iris_classifier'")
        if v.current_stage == "Production"
    )  # fmt: skip
    assert f"v{iris.version} · {iris.tags['semantic_version']}" in html
    assert "In production ·" in html and "Last changes" in html
    assert "display: none" in screen_html(app)  # kiosk: no sidebar, no header


def test_the_screen_token_opens_the_screen_and_nothing_else(dashboard_env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SCREEN_TOKEN", TOKEN)
    right = open_with_token(TOKEN)
    assert "iris_classifier" in every_page(lambda n: open_with_token(TOKEN, n))
    assert not right.text_input  # no sign-in form
    assert not right.sidebar.button  # no sign out, no refresh: read-only
    wrong = open_with_token(TOKEN[:-1] + "x")
    assert "token is not valid" in wrong.error[0].value
    assert "iris_classifier" not in screen_html(wrong)
    assert [b.label for b in wrong.button] == ["Sign in"]
    missing = open_with_token(None)
    assert not missing.error and [b.label for b in missing.button] == ["Sign in"]
    monkeypatch.delenv("DASHBOARD_SCREEN_TOKEN")
    unset = open_with_token(TOKEN)  # no token configured: every token is refused
    assert "token is not valid" in unset.error[0].value


def test_ten_screens_cost_the_registry_no_more_than_one(
    dashboard_env, mlflow_server, monkeypatch, capsys
):
    monkeypatch.setenv("DASHBOARD_SCREEN_TOKEN", TOKEN)
    st.cache_data.clear()
    before = mlflow_server.settled_count()
    open_with_token(TOKEN)
    one = mlflow_server.settled_count() - before
    for _ in range(9):
        open_with_token(TOKEN)
    ten = mlflow_server.settled_count() - before
    with capsys.disabled():
        print(f"\nMLflow requests per refresh interval: 1 screen {one}, 10 screens {ten}")
    assert one > 0 and ten == one


def test_an_unreachable_registry_shows_a_banner_and_the_last_known_state(
    auth_env, tmp_path, monkeypatch, fresh_cache
):
    server = start_mlflow_server(tmp_path)
    client = MlflowClient(server.url, server.url)
    name = make_model(client, {"accuracy": 0.91, "stage": "Production"})
    monkeypatch.setenv("MLFLOW_TRACKING_URI", server.url)
    monkeypatch.setenv("DASHBOARD_SCREEN_TOKEN", TOKEN)
    assert name in screen_html(open_with_token(TOKEN))
    stop(server.process)
    st.cache_data.clear()  # the TTL has passed
    down = open_with_token(TOKEN)
    assert not down.exception
    html = screen_html(down)
    assert "registry unreachable" in html
    assert "Showing the state read at" in html
    assert name in html  # the last known card is still on the wall


def card(**fields) -> screen.ScreenCard:
    values = dict(
        model="m", version=2, semver=None, metric="accuracy", value=0.9, previous_version=1,
        previous_value=0.8, since=None, since_recorded=False,
    )  # fmt: skip
    return screen.ScreenCard(**{**values, **fields})


@pytest.mark.parametrize(
    ("metric", "value", "previous", "trend"),
    [
        ("accuracy", 0.9, 0.8, "better"),
        ("accuracy", 0.7, 0.8, "worse"),
        ("rmse", 0.7, 0.8, "better"),
        ("accuracy", 0.8, 0.8, "same"),
        ("accuracy", 0.8, None, ""),
    ],
)
def test_the_arrow_follows_the_metric_direction(metric, value, previous, trend):
    assert card(metric=metric, value=value, previous_value=previous).trend == trend


def test_more_than_twelve_models_rotate_through_pages():
    cards = [card(model=f"m{i:02d}") for i in range(30)]
    assert screen.page_count(len(cards)) == 3
    seen = {c.model for index in range(3) for c in screen.page(cards, index)}
    assert seen == {c.model for c in cards}
    assert len(screen.page(cards, 0)) == 12 and screen.page(cards, 3) == screen.page(cards, 0)


def test_since_and_previous_come_from_the_production_history():
    now = datetime(2026, 3, 1, tzinfo=UTC)

    def version(number, stage, served_at=None):
        tags = {"lifecycle.production_at": served_at} if served_at else {}
        return ModelVersionRecord(
            "m", number, "READY", stage, (), tags, "", now, now, None, "", None, None
        )

    versions = [
        version(1, "Archived", "2026-01-01T00:00:00+00:00"),
        version(2, "Archived", "2026-02-01T00:00:00+00:00"),
        version(3, "Production", "2026-02-27T00:00:00+00:00"),
    ]
    [only] = screen.cards([_model("m")], versions, {}, {"m": 2})
    assert (only.version, only.previous_version, only.pending) == (3, 2, 2)
    assert only.since_recorded and screen.duration(now - only.since) == "2 d 0 h"
    assert screen.duration(timedelta(minutes=75)) == "1 h 15 min"


def _model(name: str) -> RegisteredModelRecord:
    return RegisteredModelRecord(name, "", {}, {}, None, None)


def test_a_hand_written_production_time_falls_back_to_an_estimate():
    now = datetime(2026, 3, 1, tzinfo=UTC)
    version = ModelVersionRecord(
        "m", 1, "READY", "Production", (), {"lifecycle.production_at": "2"}, "", now, now,
        None, "", None, None,
    )  # fmt: skip
    [only] = screen.cards([_model("m")], [version], {}, {})
    assert only.since == now and not only.since_recorded


def test_the_screen_token_never_opens_another_page(dashboard_env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SCREEN_TOKEN", TOKEN)
    app = AppTest.from_file(entry_point(), default_timeout=60)
    app.switch_page(str(ROOT / "pages/audit.py"))
    app.query_params["token"] = TOKEN
    app.run()
    assert "team screen only" in app.warning[0].value
    assert all(title.value != "Audit trail" for title in app.title)
    assert not app.dataframe
