"""Lineage graphs and the artifact browser against the real server."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from mlflow.entities import Metric

from dashboard import artifacts, lineage
from dashboard.errors import DashboardError
from dashboard.registry import ArtifactFile, ArtifactStore, RegistryService
from tests.test_pages import render

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" '
    b'height="10" fill="red"/><script>alert(1)</script></svg>'
)
PNG = Path(__file__).parent / "fixtures" / "pixel.png"


@pytest.fixture(scope="module")
def service(registry_uri: str) -> RegistryService:
    return RegistryService(registry_uri)


def walk(client, run_id: str, path: str | None = None) -> dict[str, int]:
    files = {}
    for entry in client.list_artifacts(run_id, path):
        if entry.is_dir:
            files.update(walk(client, run_id, entry.path))
        else:
            files[entry.path] = entry.file_size
    return files


def test_lineage_of_a_seeded_version(service):
    detail = service.model_detail("wine_classifier")
    version = detail.version(2)
    run = service.runs_for([version.run_id])[version.run_id]
    graph = lineage.version_lineage(version, run, ["accuracy"], "http://mlflow.example")
    kinds = {node.kind for node in graph.nodes}
    assert kinds == {"dataset", "run", "logged model", "version", "stage", "alias"}
    assert ("run", "logged_model", "logged") in graph.edges
    assert ("dataset0", "run", "training") in graph.edges
    labels = " ".join(node.label for node in graph.nodes)
    assert "wine" in labels and "Production" in labels and "@champion" in labels
    assert "accuracy=0.944" in labels
    run_node = next(node for node in graph.nodes if node.kind == "run")
    assert run_node.link.endswith(f"/runs/{run.run_id}")
    assert not graph.missing
    dot = lineage.to_dot(graph)
    assert dot.startswith("digraph lineage {") and "dataset0 -> run" in dot
    facts = lineage.data_facts(version, run)
    assert facts["data.source"] == "sklearn.datasets.load_wine"
    assert facts["training_samples"] == "142"
    assert facts["data.feature_engineering"] == lineage.NOT_RECORDED


def test_lineage_of_a_version_without_a_run(dashboard_env, service, client):
    name = f"norun_{uuid.uuid4().hex[:8]}"
    client.create_registered_model(name)
    client.create_model_version(name, "s3://bucket/models/handmade")
    version = service.model_detail(name).version(1)
    graph = lineage.version_lineage(version, None, [], None)
    assert [node.kind for node in graph.nodes] == ["version"]
    assert "registered without a source run" in graph.missing[0]
    app = render("pages/lineage.py", model=name, version="1")
    assert "registered without a source run" in app.warning[0].value
    assert any(row == lineage.NOT_RECORDED for row in app.dataframe[0].value["Value"])


def test_artifact_trees_equal_a_recursive_list_artifacts_walk(service, client):
    version = service.model_detail("iris_classifier").version(3)
    files = service.artifact_files(ArtifactStore("run", version.run_id))
    assert {f.path: f.size for f in files} == walk(client, version.run_id)
    model_files = service.artifact_files(artifacts.model_store(version))
    expected = {
        f.path: f.file_size for f in client.list_logged_model_artifacts(version.logged_model_id)
    }
    assert {f.path: f.size for f in model_files} == expected
    rows = artifacts.tree_rows(files)
    assert [(r.path, r.depth, r.is_folder) for r in rows[:2]] == [
        ("evaluation", 0, True),
        ("evaluation/metrics.json", 1, False),
    ]


@pytest.fixture(scope="module")
def preview_model(registry_uri, client, tmp_path_factory) -> str:
    """A version whose run holds one file of each previewable kind."""
    folder = tmp_path_factory.mktemp("previews")
    contents = {
        "plots/pixel.png": PNG.read_bytes(), "plots/pixel.jpg": PNG.read_bytes(),
        "plots/shape.svg": SVG, "logs/train.log": b"epoch 1 loss=0.5\n",
        "notes.txt": b"plain text", "card.md": b"# Card\n<b>bold?</b>",
        "config.yaml": b"a: 1\n", "MLmodel": b"flavors: {}\n",
        "metrics.json": b'{"accuracy": 0.9}', "table.csv": b"a,b\n1,2\n",
        "weights.bin": b"\x00\x01",
    }  # fmt: skip
    for path, data in contents.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    name = f"previews_{uuid.uuid4().hex[:8]}"
    experiment_id = client.create_experiment(name)
    run = client.create_run(experiment_id)
    client.log_batch(run.info.run_id, metrics=[Metric("accuracy", 0.9, 0, 0)])
    client.log_artifacts(run.info.run_id, str(folder))
    client.create_registered_model(name)
    client.create_model_version(name, f"runs:/{run.info.run_id}/model", run.info.run_id)
    return name


@pytest.mark.parametrize(
    ("path", "element"),
    [
        ("plots/pixel.png", "image"),
        ("plots/pixel.jpg", "image"),
        ("plots/shape.svg", "image"),
        ("logs/train.log", "code"),
        ("notes.txt", "code"),
        ("card.md", "markdown"),
        ("config.yaml", "code"),
        ("MLmodel", "code"),
        ("metrics.json", "json"),
        ("table.csv", "dataframe"),
    ],
)
def test_each_file_type_gets_its_preview(dashboard_env, preview_model, path, element):
    app = render("pages/artifacts.py", model=preview_model, version="1", store="run", path=path)
    assert not app.error, [e.value for e in app.error]
    assert app.selectbox[2].value == ("run", path)
    # the two trees are dataframes too
    assert len(app.main.get(element)) >= (3 if element == "dataframe" else 1)
    if path == "card.md":
        assert any("<b>bold?</b>" in m.value for m in app.markdown)  # shown, never as HTML
    if path == "config.yaml":
        assert app.main.code[-1].language == "yaml"


def test_a_file_without_preview_is_offered_for_download(dashboard_env, preview_model):
    app = render(
        "pages/artifacts.py", model=preview_model, version="1", store="run", path="weights.bin"
    )
    assert "No preview for this kind of file" in app.info[-1].value


def test_files_over_the_cap_are_not_previewed(dashboard_env, preview_model, monkeypatch):
    monkeypatch.setenv("DASHBOARD_PREVIEW_MAX_BYTES", "5")
    app = render(
        "pages/artifacts.py", model=preview_model, version="1", store="run", path="notes.txt"
    )
    assert "larger than the preview cap" in app.info[-1].value
    assert not app.main.code


@pytest.mark.parametrize(
    "path", ["../../etc/passwd", "/etc/passwd", "plots/../../x", "no/such/file.txt"]
)
def test_paths_outside_the_listing_are_refused(dashboard_env, preview_model, path):
    app = render("pages/artifacts.py", model=preview_model, version="1", store="run", path=path)
    assert not app.exception
    message = app.error[0].value
    assert "is not allowed" in message or "There is no file" in message


def test_checked_path_refuses_escapes_before_any_fetch():
    listing = [ArtifactFile("plots/a.png", 1)]
    assert artifacts.checked_path("plots/a.png", listing).size == 1
    for bad in ("../plots/a.png", "/plots/a.png", "plots\\..\\a.png", ""):
        with pytest.raises(DashboardError):
            artifacts.checked_path(bad, listing)
