"""The registry service answers what MlflowClient answers for the same registry, in few requests."""

from __future__ import annotations

import pytest

from dashboard import lifecycle, summaries
from dashboard.errors import NotFound, RegistryUnavailable
from dashboard.registry import RegistryService
from tests.conftest import BULK_MODEL, BULK_VERSIONS, SMALL_MODEL
from tests.servers import free_port


@pytest.fixture(scope="module")
def service(registry_uri: str) -> RegistryService:
    return RegistryService(registry_uri)


def test_demo_registry_has_at_least_four_models_and_fifteen_versions(service):
    demo_models = [
        m
        for m in service.registered_models()
        if m.name.endswith(("classifier", "detector", "regressor"))
    ]
    versions = service.all_versions(demo_models)
    assert len(demo_models) >= 4
    assert len([v for v in versions if v.name in {m.name for m in demo_models}]) >= 15
    stages = {v.stage for v in versions}
    assert {"Production", "Staging", "Archived", "None"} <= stages


def test_registered_models_match_client(service, client):
    expected = {m.name: m for m in client.search_registered_models(max_results=1000)}
    records = service.registered_models()
    assert {r.name for r in records} == set(expected)
    for record in records:
        model = expected[record.name]
        assert record.description == (model.description or "")
        assert record.tags == model.tags
        assert record.aliases == {a: int(v) for a, v in model.aliases.items()}


def test_versions_match_client_with_aliases(service, client):
    for name in ("iris_classifier", "wine_classifier", BULK_MODEL):
        detail = service.model_detail(name)
        expected = {int(v.version): v for v in client.search_model_versions(f"name='{name}'")}
        assert [v.version for v in detail.versions] == sorted(expected, reverse=True)
        aliases = client.get_registered_model(name).aliases
        for record in detail.versions:
            version = expected[record.version]
            assert record.stage == version.current_stage
            assert record.status == version.status
            assert record.tags == version.tags
            assert record.description == (version.description or "")
            assert record.run_id == version.run_id
            assert record.source == version.source
            assert set(record.aliases) == {
                a for a, v in aliases.items() if int(v) == record.version
            }


def test_runs_match_get_run(service, client):
    detail = service.model_detail("breast_cancer_detector")
    runs = service.runs_for(v.run_id for v in detail.versions)
    assert set(runs) == {v.run_id for v in detail.versions}
    for run_id, record in runs.items():
        run = client.get_run(run_id)
        assert record.metrics == run.data.metrics
        assert record.params == run.data.params
        assert record.experiment_name == client.get_experiment(run.info.experiment_id).name
        assert {d.name for d in record.datasets} == {
            i.dataset.name for i in run.inputs.dataset_inputs
        }
    assert all(set(r.metrics_with_history) == {"val_accuracy"} for r in runs.values())


def test_demo_versions_carry_lineage_tags_and_dataset_statistics(service):
    detail = service.model_detail("iris_classifier")
    runs = service.runs_for(v.run_id for v in detail.versions)
    for version in detail.versions:
        for tag in (
            "semantic_version",
            "author",
            "release_date",
            "data.source",
            "data.preprocessing",
            "data.train_test_split",
        ):
            assert version.tags.get(tag), f"v{version.version} lacks {tag}"
        assert version.logged_model_id and version.logged_model_id.startswith("m-")
        assert version.description
        metrics = runs[version.run_id].metrics
        for stat in ("training_samples", "test_samples", "num_features", "num_classes"):
            assert stat in metrics
        assert runs[version.run_id].datasets[0].context == "training"
    assert detail.versions[-1].tags["semantic_version"] == "v1.0.0"


def test_overview_rows_match_client(service, client):
    models = service.registered_models()
    versions = service.all_versions(models)
    rows = {
        s.name: s
        for s in summaries.summarize(
            models, versions, service.runs_for(summaries.production_run_ids(models, versions))
        )
    }
    for name in ("iris_classifier", "diabetes_regressor", BULK_MODEL):
        mlflow_versions = client.search_model_versions(f"name='{name}'")
        in_production = [int(v.version) for v in mlflow_versions if v.current_stage == "Production"]
        aliases = client.get_registered_model(name).aliases
        production = max(in_production) if in_production else int(aliases["champion"])
        run_id = next(v.run_id for v in mlflow_versions if int(v.version) == production)
        key_metric = client.get_registered_model(name).tags["key_metric"]
        row = rows[name]
        assert row.version_count == len(mlflow_versions)
        assert row.latest_version == max(int(v.version) for v in mlflow_versions)
        assert row.production_version == production
        assert row.key_metric == key_metric
        assert row.key_metric_value == client.get_run(run_id).data.metrics[key_metric]
        assert row.owner == client.get_registered_model(name).tags["owner"]


def test_production_falls_back_to_the_champion_alias(service):
    detail = service.model_detail(BULK_MODEL)
    production = lifecycle.production_version(detail.versions)
    assert production is not None and production.version == BULK_VERSIONS
    assert production.aliases == ("champion",)


def test_model_page_reads_are_bounded_whatever_the_version_count(service, mlflow_server):
    """The reads behind the model page cost the same for 5 and for 200 versions."""

    def model_page_requests(name: str) -> int:
        before = mlflow_server.settled_count()
        detail = service.model_detail(name)
        service.runs_for(v.run_id for v in detail.versions)
        return mlflow_server.settled_count() - before

    small = model_page_requests(SMALL_MODEL)
    bulk = model_page_requests(BULK_MODEL)
    # get_registered_model, search_model_versions, search_experiments, search_runs
    assert small == bulk == 4
    assert BULK_VERSIONS / bulk >= 50  # a get_run per version would have made 200 requests


def test_overview_reads_take_four_requests(service, mlflow_server):
    before = mlflow_server.settled_count()
    models = service.registered_models()
    versions = service.all_versions(models)
    service.runs_for(summaries.production_run_ids(models, versions))
    assert mlflow_server.settled_count() - before == 4
    assert len(versions) >= 15 + BULK_VERSIONS


def test_missing_model_is_a_sentence(service):
    with pytest.raises(NotFound, match="no registered model named 'no_such_model'"):
        service.model_detail("no_such_model")


def test_missing_version_is_a_sentence(service):
    with pytest.raises(NotFound, match="has no version 999"):
        service.model_detail("iris_classifier").version(999)


def test_unreachable_server_is_a_sentence_without_credentials():
    uri = f"http://admin:s3cret@127.0.0.1:{free_port()}"
    with pytest.raises(RegistryUnavailable) as raised:
        RegistryService(uri).registered_models()
    assert "s3cret" not in str(raised.value)
    assert "MLflow registry" in str(raised.value)
