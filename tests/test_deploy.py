"""The deployment panel: URIs, scoring a real demo model, a model that fails to load, and
the Kubernetes manifest parsed back field by field."""

from __future__ import annotations

import uuid

import pandas as pd
import pytest
import yaml

from dashboard import deployment
from dashboard.errors import DashboardError
from dashboard.policy import load_policy
from dashboard.registry import RegistryService
from tests.test_pages import render
from tests.test_policy import EXAMPLE


@pytest.fixture(scope="module")
def iris(registry_uri: str):
    service = RegistryService(registry_uri)
    detail = service.model_detail("iris_classifier")
    return service, next(v for v in detail.versions if v.stage == "Production")


def test_uris_name_the_version_its_aliases_and_its_stage(iris):
    _, version = iris
    uris = deployment.model_uris(version)
    assert uris["version"] == f"models:/iris_classifier/{version.version}"
    assert uris["@champion"] == "models:/iris_classifier@champion"
    assert uris["stage Production"] == "models:/iris_classifier/Production"


def test_a_demo_model_scores_its_input_example(iris):
    service, version = iris
    model = service.load_pyfunc(version.name, version.version)
    example = pd.DataFrame(model.input_example)
    frame = deployment.parse_dataframe_split(deployment.to_dataframe_split(example))
    predictions = deployment.predictions_frame(model.predict(frame))
    assert len(predictions) == len(example) > 0
    assert set(predictions["prediction"]) <= {0, 1, 2}  # iris classes


def test_the_deploy_page_scores_and_offers_the_manifest(dashboard_env, iris):
    service, version = iris
    rows = len(pd.DataFrame(service.load_pyfunc(version.name, version.version).input_example))
    app = render("pages/deploy.py", model="iris_classifier", version=str(version.version))
    assert not app.error
    app.button(key=f"score-iris_classifier-{version.version}").click().run()
    assert app.success[0].value == f"{rows} predictions from iris_classifier v{version.version}."
    assert "prediction" in app.dataframe[1].value.columns
    served = " ".join(c.value for c in app.code)
    assert f"mlflow models serve -m models:/iris_classifier/{version.version}" in served
    assert "kind: Deployment" in served


def test_pasted_input_that_does_not_fit_says_why(dashboard_env, iris):
    _, version = iris
    app = render("pages/deploy.py", model="iris_classifier", version=str(version.version))
    key = f"score-input-iris_classifier-{version.version}"
    app.text_area(key=key).input('{"dataframe_split": {"columns": ["x"], "data": [[1]]}}').run()
    app.button(key=f"score-iris_classifier-{version.version}").click().run()
    assert "could not score this input" in app.error[0].value
    app.text_area(key=key).input("{not json").run()
    app.button(key=f"score-iris_classifier-{version.version}").click().run()
    assert "not JSON" in app.error[0].value


def test_a_model_that_fails_to_load_says_why(dashboard_env, client, tmp_path):
    """A version whose MLmodel has no python_function flavor (e.g. logged by hand)."""
    name = f"unloadable_{uuid.uuid4().hex[:8]}"
    run = client.create_run(client.create_experiment(name))
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "MLmodel").write_text("flavors:\n  custom: {}\n", encoding="utf-8")
    client.log_artifacts(run.info.run_id, str(tmp_path / "model"), "model")
    client.create_registered_model(name)
    client.create_model_version(name, f"runs:/{run.info.run_id}/model", run.info.run_id)
    app = render("pages/deploy.py", model=name, version="1")
    assert not app.exception
    assert "could not be loaded" in app.error[0].value
    assert "python_function" in app.error[0].value
    assert "kind: Deployment" in " ".join(c.value for c in app.code)  # the rest still shows


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[1, 2]", "must be"),
        ('{"dataframe_split": {"columns": ["a"], "data": "x"}}', "must be"),
        ('{"columns": ["a", "b"], "data": [[1]]}', "do not fit"),
    ],
)
def test_bad_payloads_are_refused(text, reason):
    with pytest.raises(DashboardError, match=reason):
        deployment.parse_dataframe_split(text)


def test_the_manifest_carries_every_field_of_the_policy(iris):
    _, version = iris
    policy = load_policy(EXAMPLE)
    documents = list(
        yaml.safe_load_all(
            deployment.manifest(version, policy.deployment, "http://mlflow.internal:5000")
        )
    )
    assert [d["kind"] for d in documents] == ["Deployment", "Service"]
    deploy, service = documents
    name = f"iris-classifier-v{version.version}"
    assert deploy["apiVersion"] == "apps/v1" and service["apiVersion"] == "v1"
    assert deploy["metadata"]["name"] == service["metadata"]["name"] == name
    labels = deploy["metadata"]["labels"]
    assert labels["mlflow.model"] == "iris_classifier"
    assert labels["mlflow.version"] == str(version.version)
    assert deploy["spec"]["replicas"] == 3
    assert deploy["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/name": name}
    assert deploy["spec"]["template"]["metadata"]["labels"] == labels
    [container] = deploy["spec"]["template"]["spec"]["containers"]
    assert container["resources"]["limits"] == {"cpu": "2000m", "memory": "4Gi"}
    assert container["resources"]["requests"] == {"cpu": "2000m", "memory": "4Gi"}
    for probe in ("livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"] == {"path": "/health", "port": 8080}
        assert container[probe]["periodSeconds"] == 10
    env = {item["name"]: item["value"] for item in container["env"]}
    assert env == {
        "MLFLOW_TRACKING_URI": "http://mlflow.internal:5000",
        "MODEL_NAME": "iris_classifier",
        "MODEL_VERSION": str(version.version),
    }
    assert container["command"][:5] == [
        "mlflow", "models", "serve", "-m", f"models:/iris_classifier/{version.version}"
    ]  # fmt: skip
    assert container["ports"] == [{"name": "http", "containerPort": 8080}]
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": name}
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": 8080}]


def test_kubernetes_names_are_dns_safe():
    assert deployment.kubernetes_name("Fraud_Model.V2", 7) == "fraud-model-v2-v7"
    assert len(deployment.kubernetes_name("x" * 200, 12)) <= 63
