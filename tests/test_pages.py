"""Pages run by AppTest on the real server: values equal MlflowClient's; errors are sentences."""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import BULK_MODEL, BULK_VERSIONS, TEST_USERS
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent


@cache
def entry_point() -> str:
    """app.py copied to a folder without a `pages/` beside it.

    AppTest starts every run in Streamlit's legacy `pages/` folder mode (a real server does
    so only for its very first run), which changes widget ids between runs so that button
    clicks are lost. The copy builds the same navigation from the real pages folder.
    """
    folder = Path(tempfile.mkdtemp(prefix="apptest-"))
    shutil.copy(ROOT / "app.py", folder / "app.py")
    return str(folder / "app.py")


def render(script: str | None = None, *, user: str = "ada", **query: str) -> AppTest:
    """Run app.py as `user` (one of conftest.TEST_USERS, signed in as the sign-in would leave
    the session), on the page `script` with `query`."""
    app = AppTest.from_file(entry_point(), default_timeout=60)
    app.session_state["authentication_status"] = True
    app.session_state["username"] = user
    app.session_state["name"] = user.title()
    app.session_state["roles"] = [TEST_USERS[user]]
    if script:
        app.switch_page(str(ROOT / script))
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_overview_lists_every_model_with_its_production_version(dashboard_env, client):
    app = render()
    assert not app.error
    frame = app.dataframe[0].value.set_index("Model")
    names = {m.name for m in client.search_registered_models(max_results=1000)}
    assert set(frame.index) == names
    for name in names:
        versions = client.search_model_versions(f"name='{name}'")
        assert frame.loc[name, "Versions"] == len(versions)
        assert frame.loc[name, "Latest"] == f"v{max(int(v.version) for v in versions)}"
    iris_production = next(
        v
        for v in client.search_model_versions("name='iris_classifier'")
        if v.current_stage == "Production"
    )
    assert frame.loc["iris_classifier", "Production"] == f"v{iris_production.version}"
    expected = client.get_run(iris_production.run_id).data.metrics["accuracy"]
    assert frame.loc["iris_classifier", "Value"] == pytest.approx(expected)
    assert frame.loc["iris_classifier", "Owner"] == "alice"
    assert frame.loc[BULK_MODEL, "Production"] == f"v{BULK_VERSIONS}"  # by its champion alias
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Registered models"] == str(len(names))


def test_overview_searches_by_name_and_by_tag(dashboard_env):
    app = render()
    name_box, tag_box = app.text_input
    name_box.input("classifier").run()
    assert set(app.dataframe[0].value["Model"]) == {"iris_classifier", "wine_classifier"}
    name_box.input("").run()
    tag_box.input("owner=bob").run()
    assert list(app.dataframe[0].value["Model"]) == ["wine_classifier"]
    tag_box.input("task=regression, owner").run()
    assert list(app.dataframe[0].value["Model"]) == ["diabetes_regressor"]
    tag_box.input("no_such_tag").run()
    assert not app.dataframe
    assert "No model matches" in app.warning[0].value


def test_model_page_lists_every_version_with_stage_aliases_and_metrics(dashboard_env, client):
    app = render("pages/model.py", model="wine_classifier")
    assert not app.error
    assert app.title[0].value == "wine_classifier"
    frame = app.dataframe[0].value.set_index("Version")
    versions = client.search_model_versions("name='wine_classifier'")
    aliases = client.get_registered_model("wine_classifier").aliases
    assert sorted(frame.index) == sorted(int(v.version) for v in versions)
    for version in versions:
        row = frame.loc[int(version.version)]
        assert row["Stage"] == version.current_stage
        assert row["Release"] == version.tags["semantic_version"]
        assert row["Aliases"] == ", ".join(
            sorted(a for a, v in aliases.items() if v == version.version)
        )
        run = client.get_run(version.run_id)
        assert row["accuracy"] == pytest.approx(run.data.metrics["accuracy"])
        assert row["Source run"] == run.info.run_name
    assert app.query_params["model"] == "wine_classifier"


def test_model_page_shows_all_200_versions(dashboard_env):
    app = render("pages/model.py", model=BULK_MODEL)
    frame = app.dataframe[0].value
    assert len(frame) == BULK_VERSIONS
    assert list(frame["Version"])[:3] == [200, 199, 198]


def test_version_page_shows_description_tags_params_and_metrics(dashboard_env, client):
    app = render("pages/version.py", model="iris_classifier", version="4")
    assert not app.error
    version = client.get_model_version("iris_classifier", "4")
    run = client.get_run(version.run_id)
    assert app.title[0].value == "iris_classifier · version 4"
    assert any(version.description in m.value for m in app.markdown)
    texts = [t.value for t in app.text]
    assert version.run_id in texts and version.current_stage in texts
    assert run.info.run_name in texts
    tags, params, metrics = (frame.value for frame in app.dataframe[:3])
    assert dict(zip(tags["Tag"], tags["Value"], strict=True)) == version.tags
    assert dict(zip(params["Param"], params["Value"], strict=True)) == run.data.params
    shown = dict(zip(metrics["Metric"], metrics["Value"], strict=True))
    assert shown == {k: round(v, 4) for k, v in run.data.metrics.items()}
    assert len(app.get("plotly_chart")) == 2  # train_loss and val_accuracy histories


def test_version_page_defaults_to_the_production_version(dashboard_env):
    app = render("pages/version.py", model="diabetes_regressor")
    assert app.title[0].value == "diabetes_regressor · version 2"
    assert app.query_params["version"] == "2"


def test_unknown_model_in_the_link_is_named(dashboard_env):
    app = render("pages/model.py", model="no_such_model")
    assert "no registered model named 'no_such_model'" in app.error[0].value


def test_unknown_version_in_the_link_is_named(dashboard_env):
    app = render("pages/version.py", model="iris_classifier", version="99")
    assert "has no version '99'" in app.error[0].value


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        (f"http://user:hunter2@127.0.0.1:{free_port()}", "Cannot reach the MLflow server"),
        ("sqlite:////nonexistent/folder/mlflow.db", "No MLflow registry database"),
        ("ftp://registry.example/mlflow", "is not supported"),
    ],
)
def test_bad_tracking_uri_shows_what_to_check(uri, message, auth_env, monkeypatch, fresh_cache):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    app = render()
    assert message in app.error[0].value
    assert "hunter2" not in app.error[0].value
    assert all("hunter2" not in code.value for code in app.code)


def test_bad_cache_ttl_is_refused_with_its_name(dashboard_env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_CACHE_TTL", "soon")
    app = render()
    assert "DASHBOARD_CACHE_TTL" in app.error[0].value


def test_sidebar_names_the_registry_and_its_version(dashboard_env):
    app = render()
    assert app.sidebar.code[0].value == dashboard_env
    assert any("MLflow 3.17.2" in m.value and "healthy" in m.value for m in app.sidebar.markdown)


def test_request_counts_per_page(dashboard_env, mlflow_server, capsys):
    """What the closing note reports: MLflow requests per page with an empty cache."""

    def requests_for(page: str | None = None, **query: str) -> int:
        import streamlit as st

        st.cache_data.clear()
        before = mlflow_server.settled_count()
        render(page, **query)
        return mlflow_server.settled_count() - before

    counts = {
        "overview": requests_for(),
        "model (5 versions)": requests_for("pages/model.py", model="iris_classifier"),
        f"model ({BULK_VERSIONS} versions)": requests_for("pages/model.py", model=BULK_MODEL),
    }
    with capsys.disabled():
        print(f"\nMLflow requests per page, empty cache: {counts}")
    assert counts["model (5 versions)"] == counts[f"model ({BULK_VERSIONS} versions)"]
    assert max(counts.values()) <= 12
