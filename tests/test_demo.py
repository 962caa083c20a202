"""The demo seeder: idempotent, and every version carries what the pages and later issues need."""

from __future__ import annotations

import mlflow

from dashboard import demo


def test_seeding_twice_adds_nothing(registry_uri, client):
    before = {
        m.name: len(client.search_model_versions(f"name='{m.name}'"))
        for m in client.search_registered_models(max_results=1000)
    }
    runs_before = len(client.search_runs([e.experiment_id for e in client.search_experiments()]))
    demo.seed(registry_uri)
    after = {
        m.name: len(client.search_model_versions(f"name='{m.name}'"))
        for m in client.search_registered_models(max_results=1000)
    }
    runs_after = len(client.search_runs([e.experiment_id for e in client.search_experiments()]))
    assert after == before
    assert runs_after == runs_before


def test_demo_versions_have_artifacts_signature_and_input_example(client):
    version = client.get_model_version("diabetes_regressor", "2")
    run_files = {f.path for f in client.list_artifacts(version.run_id)}
    assert {"plots", "logs", "model_card.md", "evaluation"} <= run_files
    assert [f.path for f in client.list_artifacts(version.run_id, "plots")] == [
        "plots/residuals.png"
    ]
    logged_model = client.get_logged_model(version.model_id or version.source.split("/")[-1])
    model_files = {f.path for f in client.list_logged_model_artifacts(logged_model.model_id)}
    assert {"MLmodel", "input_example.json", "requirements.txt"} <= model_files
    info = mlflow.models.get_model_info("models:/diabetes_regressor/2")
    assert info.signature is not None and info.signature.inputs.input_names()[0] == "age"
    assert info.saved_input_example_info is not None


def test_demo_models_cover_every_stage_and_the_champion_alias(client):
    stages = {v.current_stage for v in client.search_model_versions()}
    assert {"None", "Staging", "Production", "Archived"} <= stages
    for model in demo.DEMO_MODELS:
        champion = client.get_model_version_by_alias(model.name, "champion")
        assert champion.current_stage == "Production"
