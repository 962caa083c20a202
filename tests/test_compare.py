"""Version comparison on the demo registry: values equal MlflowClient's, best version, diffs."""

from __future__ import annotations

import pytest

from dashboard import artifacts, compare
from dashboard.registry import ArtifactFile, RegistryService
from tests.conftest import HUGE_MODEL, HUGE_VERSIONS, SMALL_MODEL
from tests.test_pages import render


@pytest.fixture(scope="module")
def service(registry_uri: str) -> RegistryService:
    return RegistryService(registry_uri)


def loaded(service: RegistryService, name: str):
    detail = service.model_detail(name)
    return detail, service.runs_for(v.run_id for v in detail.versions)


def test_table_values_equal_the_clients(service, client):
    detail, runs = loaded(service, "iris_classifier")
    frame = compare.comparison_frame(detail.versions, runs).set_index(["Section", "Name"])
    for version in detail.versions:
        run = client.get_run(version.run_id)
        column = frame[f"v{version.version}"]
        for key, value in run.data.params.items():
            assert column[("param", key)] == value
        for key, value in run.data.metrics.items():
            assert column[("metric", key)] == value
        assert (
            column[("version", "stage")]
            == client.get_model_version("iris_classifier", str(version.version)).current_stage
        )


def test_differences_are_found_and_can_be_shown_alone(service):
    detail, runs = loaded(service, "iris_classifier")
    frame = compare.comparison_frame(detail.versions, runs)
    differs = compare.differing_rows(frame).to_numpy()
    by_name = dict(zip(frame["Name"], differs, strict=True))
    assert by_name["accuracy"] and by_name["epochs"] and by_name["stage"]
    assert not by_name["num_classes"] and not by_name["training_samples"]
    only = frame[compare.differing_rows(frame)]
    assert "num_classes" not in set(only["Name"]) and "accuracy" in set(only["Name"])


def test_a_missing_value_counts_as_a_difference():
    import pandas as pd

    frame = pd.DataFrame(
        [
            {"Section": "param", "Name": "x", "v1": "1", "v2": None},
            {"Section": "param", "Name": "y", "v1": "1", "v2": "1"},
        ]
    )
    assert compare.differing_rows(frame).tolist() == [True, False]


def test_best_version_in_both_directions(service, client):
    detail, runs = loaded(service, "diabetes_regressor")
    metrics = {
        int(v.version): client.get_run(v.run_id).data.metrics
        for v in client.search_model_versions("name='diabetes_regressor'")
    }
    best_r2, _ = compare.best_version(detail.versions, runs, "r2", higher_is_better=True)
    assert best_r2.version == max(metrics, key=lambda n: metrics[n]["r2"])
    best_rmse, runner_up = compare.best_version(
        detail.versions, runs, "rmse", higher_is_better=False
    )
    assert best_rmse.version == min(metrics, key=lambda n: metrics[n]["rmse"])
    assert best_rmse.value == metrics[best_rmse.version]["rmse"]
    assert "lowest value" in best_rmse.sentence(runner_up)
    assert compare.lower_is_better("rmse") and not compare.lower_is_better("f1_score")
    assert compare.best_version(detail.versions, runs, "no_such_metric", True) is None


def test_diff_of_two_versions_that_differ_in_params_tags_and_artifacts(service, client):
    detail, runs = loaded(service, "iris_classifier")
    old, new = detail.version(1), detail.version(3)
    params = {
        c.name: c for c in compare.mapping_diff(runs[old.run_id].params, runs[new.run_id].params)
    }
    assert params["epochs"].kind == "changed"
    assert (params["epochs"].old, params["epochs"].new) == ("25", "60")
    tags = {c.name: c for c in compare.mapping_diff(old.tags, new.tags)}
    assert tags["semantic_version"].new == "v1.2.0"
    assert tags["approved"].kind == "added"
    deltas = compare.metric_deltas(runs[old.run_id].metrics, runs[new.run_id].metrics)
    accuracy = deltas.set_index("Metric").loc["accuracy"]
    assert accuracy["Delta"] == pytest.approx(accuracy["New"] - accuracy["Old"])
    old_files = service.artifact_files(artifacts.model_store(old))
    new_files = service.artifact_files(artifacts.model_store(new))
    changed = {c.name for c in compare.artifacts_diff(old_files, new_files)}
    assert "model.skops" in changed  # a bigger network is a bigger file
    mlmodel = service.read_artifact(artifacts.model_store(new), "MLmodel").decode()
    signature = compare.signature_fields(mlmodel)
    assert signature["inputs"][0] == "sepal length (cm): double"
    assert signature["outputs"]
    requirements = service.read_artifact(artifacts.model_store(new), "requirements.txt").decode()
    assert compare.lines_diff(requirements, requirements) == []
    added = compare.lines_diff("mlflow==3.17.2\n", requirements)
    assert any(c.name.startswith("scikit-learn==") and c.kind == "added" for c in added)


def test_artifacts_diff_names_added_removed_and_resized_files():
    old = [ArtifactFile("a", 1), ArtifactFile("b", 2), ArtifactFile("c", 3)]
    new = [ArtifactFile("a", 1), ArtifactFile("b", 5), ArtifactFile("d", 4)]
    kinds = {c.name: c.kind for c in compare.artifacts_diff(old, new)}
    assert kinds == {"b": "changed", "c": "removed", "d": "added"}


def test_compare_page_answers_with_the_best_version_and_marks_it(dashboard_env):
    app = render("pages/compare.py", model="wine_classifier")
    assert not app.error
    assert app.success[0].value.startswith("v3 is best on accuracy")  # ties go to the newer
    shown = app.dataframe[0].value
    assert "v3 ★" in shown.columns
    assert app.query_params["versions"] == "1,2,3,4"
    app.toggle[1].set_value(True).run()  # only differences
    assert "num_classes" not in set(app.dataframe[0].value["Name"])


def test_compare_page_reads_the_versions_from_the_link(dashboard_env):
    app = render("pages/compare.py", model="iris_classifier", versions="2,4")
    assert list(app.dataframe[0].value.columns[2:]) in (["v4", "v2"], ["v4 ★", "v2"])
    bad = render("pages/compare.py", model="iris_classifier", versions="2,99")
    assert "Not versions of this model" in bad.error[0].value


def test_compare_page_requests_do_not_grow_with_versions(dashboard_env, mlflow_server):
    import streamlit as st

    def page_requests(name: str, **query: str) -> int:
        st.cache_data.clear()
        before = mlflow_server.settled_count()
        app = render("pages/compare.py", model=name, **query)
        assert not app.error
        return mlflow_server.settled_count() - before

    small = page_requests(SMALL_MODEL)
    huge = page_requests(HUGE_MODEL)
    everything = page_requests(HUGE_MODEL, versions=",".join(map(str, range(1, HUGE_VERSIONS + 1))))
    # 500 versions cost one more run search than 5 (run ids go 250 to a request)
    assert huge == everything == small + 1
    assert huge <= 15
