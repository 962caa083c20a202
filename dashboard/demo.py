"""Seeds a registry with real scikit-learn demo models; idempotent: a second run adds nothing.

Usage: `python -m dashboard.demo [--tracking-uri URI]` (default: the embedded SQLite registry).
Each version is trained on a data set that scikit-learn ships, logged with params, metrics
(one with a per-epoch history), data lineage tags, a dataset input, artifacts, signature and
input example, then registered and moved to its stage and aliases.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import tempfile
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import mlflow  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
import skops.io  # noqa: E402
from mlflow.data.code_dataset_source import CodeDatasetSource  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402
from sklearn import datasets  # noqa: E402
from sklearn.ensemble import (  # noqa: E402
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
)
from sklearn.metrics import (  # noqa: E402
    ConfusionMatrixDisplay,
    accuracy_score,
    f1_score,
    mean_absolute_error,
    precision_score,
    r2_score,
    recall_score,
    root_mean_squared_error,
)
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from dashboard.config import demo_dir, demo_tracking_uri  # noqa: E402
from dashboard.policy import PRODUCTION_AT_TAG  # noqa: E402

SEED_KEY_TAG = "demo.seed_key"
RANDOM_STATE = 42
TEST_SIZE = 0.2
log = logging.getLogger("dashboard.demo")


@dataclass(frozen=True)
class DemoVersion:
    params: dict[str, float | int | str]
    stage: str = "None"
    aliases: tuple[str, ...] = ()
    description: str = ""
    extra_tags: dict[str, str] = field(default_factory=dict)
    served_production: bool = False  # an earlier production version (a roll back target)


@dataclass(frozen=True)
class DemoModel:
    name: str
    description: str
    dataset: str  # a loader name in sklearn.datasets, e.g. "load_iris"
    task: str  # "classification" or "regression"
    estimator: str  # "mlp", "gradient_boosting", "random_forest"
    key_metric: str
    owner: str
    preprocessing: str
    versions: tuple[DemoVersion, ...]


VALIDATED = {"tested": "true", "reviewed": "true"}
PROMOTED = {**VALIDATED, "approved": "true", "performance_validated": "true"}
# Carries every tag the example policy wants for Staging -> Production; only the reviewer's
# approval is missing, so the demo shows the request / approve flow end to end.
READY_FOR_REVIEW = PROMOTED

DEMO_MODELS: tuple[DemoModel, ...] = (
    DemoModel(
        name="iris_classifier",
        description="Classifies iris flowers into three species from four petal and sepal "
        "measurements. A small **multi-layer perceptron** trained epoch by epoch.",
        dataset="load_iris",
        task="classification",
        estimator="mlp",
        key_metric="accuracy",
        owner="alice",
        preprocessing="StandardScaler on all four features",
        versions=(
            DemoVersion(
                {"hidden_layer_sizes": 4, "alpha": 0.01, "learning_rate_init": 0.02, "epochs": 25},
                "Archived",
                description="First baseline: tiny network.",
            ),
            DemoVersion(
                {"hidden_layer_sizes": 8, "alpha": 0.001, "learning_rate_init": 0.01, "epochs": 30},
                "Archived",
                description="Wider hidden layer.",
                served_production=True,
            ),
            DemoVersion(
                {
                    "hidden_layer_sizes": 16,
                    "alpha": 0.001,
                    "learning_rate_init": 0.01,
                    "epochs": 60,
                },
                "Production",
                ("champion",),
                "Serves production: 16 hidden units, 60 epochs.",
                PROMOTED,
            ),
            DemoVersion(
                {
                    "hidden_layer_sizes": 32,
                    "alpha": 0.0001,
                    "learning_rate_init": 0.005,
                    "epochs": 80,
                },
                "Staging",
                ("challenger",),
                "Candidate with a larger network and lower learning rate.",
                VALIDATED,
            ),
            DemoVersion(
                {"hidden_layer_sizes": 2, "alpha": 0.1, "learning_rate_init": 0.001, "epochs": 10},
                "None",
                description="Experiment: heavy regularisation, short training.",
            ),
        ),
    ),
    DemoModel(
        name="wine_classifier",
        description="Identifies the cultivar of Italian wines from 13 chemical measurements "
        "with gradient-boosted trees.",
        dataset="load_wine",
        task="classification",
        estimator="gradient_boosting",
        key_metric="accuracy",
        owner="bob",
        preprocessing="StandardScaler; no feature selection",
        versions=(
            DemoVersion(
                {"n_estimators": 20, "learning_rate": 0.05, "max_depth": 2},
                "Archived",
                description="Shallow baseline.",
                served_production=True,
            ),
            DemoVersion(
                {"n_estimators": 60, "learning_rate": 0.1, "max_depth": 3},
                "Production",
                ("champion",),
                "Current production model.",
                PROMOTED,
            ),
            DemoVersion(
                {"n_estimators": 120, "learning_rate": 0.1, "max_depth": 3},
                "Staging",
                ("challenger",),
                "More trees; validated and ready for a reviewer's approval.",
                READY_FOR_REVIEW,
            ),
            DemoVersion(
                {"n_estimators": 40, "learning_rate": 0.3, "max_depth": 5},
                "None",
                description="Aggressive learning rate, deeper trees.",
            ),
        ),
    ),
    DemoModel(
        name="breast_cancer_detector",
        description="Flags malignant tumours from 30 features of digitised fine-needle "
        "aspirate images. Random forest grown tree by tree.",
        dataset="load_breast_cancer",
        task="classification",
        estimator="random_forest",
        key_metric="f1_score",
        owner="carol",
        preprocessing="StandardScaler; stratified split",
        versions=(
            DemoVersion(
                {"n_estimators": 10, "max_depth": 3, "min_samples_leaf": 5},
                "Archived",
                description="Baseline forest.",
            ),
            DemoVersion(
                {"n_estimators": 40, "max_depth": 5, "min_samples_leaf": 3},
                "Archived",
                description="Deeper trees.",
                served_production=True,
            ),
            DemoVersion(
                {"n_estimators": 100, "max_depth": 8, "min_samples_leaf": 1},
                "Production",
                ("champion",),
                "Production detector.",
                PROMOTED,
            ),
            DemoVersion(
                {"n_estimators": 60, "max_depth": 4, "min_samples_leaf": 2},
                "None",
                description="Smaller forest for faster scoring.",
            ),
        ),
    ),
    DemoModel(
        name="diabetes_regressor",
        description="Predicts disease progression one year after baseline from ten "
        "clinical measurements, with gradient-boosted regression trees.",
        dataset="load_diabetes",
        task="regression",
        estimator="gradient_boosting",
        key_metric="r2",
        owner="dave",
        preprocessing="StandardScaler (features are already mean-centred by scikit-learn)",
        versions=(
            DemoVersion(
                {"n_estimators": 30, "learning_rate": 0.05, "max_depth": 2},
                "Archived",
                description="Underfitting baseline.",
                served_production=True,
            ),
            DemoVersion(
                {"n_estimators": 100, "learning_rate": 0.05, "max_depth": 2},
                "Production",
                ("champion",),
                "Production regressor.",
                PROMOTED,
            ),
            DemoVersion(
                {"n_estimators": 200, "learning_rate": 0.05, "max_depth": 3},
                "Staging",
                ("challenger",),
                "More capacity; check for overfitting.",
                VALIDATED,
            ),
        ),
    ),
)


@dataclass
class TrainedVersion:
    pipeline: Pipeline
    metrics: dict[str, float]
    history: dict[str, list[float]]
    log_lines: list[str]
    figure_png: bytes
    stats: dict[str, int]


def _load(dataset: str) -> tuple[pd.DataFrame, pd.Series, list[str] | None]:
    bunch = getattr(datasets, dataset)(as_frame=True)
    names = [str(name) for name in bunch.target_names] if "target_names" in bunch else None
    return bunch.data, bunch.target, names


def _estimator(model: DemoModel, params: dict) -> object:
    if model.estimator == "mlp":
        return MLPClassifier(
            hidden_layer_sizes=(int(params["hidden_layer_sizes"]),),
            alpha=params["alpha"],
            learning_rate_init=params["learning_rate_init"],
            random_state=RANDOM_STATE,
        )
    if model.estimator == "random_forest":
        return RandomForestClassifier(
            n_estimators=1,
            warm_start=True,
            max_depth=int(params["max_depth"]),
            min_samples_leaf=int(params["min_samples_leaf"]),
            random_state=RANDOM_STATE,
        )
    booster = (
        GradientBoostingClassifier if model.task == "classification" else GradientBoostingRegressor
    )
    return booster(
        n_estimators=int(params["n_estimators"]),
        learning_rate=params["learning_rate"],
        max_depth=int(params["max_depth"]),
        random_state=RANDOM_STATE,
    )


def _scores(task: str, y_true, y_pred) -> dict[str, float]:
    if task == "regression":
        return {
            "rmse": float(root_mean_squared_error(y_true, y_pred)),
            "mae": float(mean_absolute_error(y_true, y_pred)),
            "r2": float(r2_score(y_true, y_pred)),
        }
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "f1_score": float(f1_score(y_true, y_pred, average="macro")),
        "precision": float(precision_score(y_true, y_pred, average="macro", zero_division=0)),
        "recall": float(recall_score(y_true, y_pred, average="macro")),
    }


def _fit_with_history(
    model: DemoModel, estimator, params: dict, x_train, y_train, x_test, y_test
) -> tuple[dict[str, list[float]], list[str]]:
    """Train, recording a validation metric per epoch (MLP), per tree (forest) or per stage
    (boosting), and the lines of a training log."""
    history: dict[str, list[float]] = {}
    lines: list[str] = []
    val_key = "val_accuracy" if model.task == "classification" else "val_rmse"

    def record(step: int, values: dict[str, float]) -> None:
        for key, value in values.items():
            history.setdefault(key, []).append(value)
        lines.append(f"step {step:3d} " + " ".join(f"{k}={v:.4f}" for k, v in values.items()))

    if model.estimator == "mlp":
        classes = np.unique(y_train)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in range(int(params["epochs"])):
                estimator.partial_fit(x_train, y_train, classes=classes)
                record(
                    epoch,
                    {
                        "train_loss": float(estimator.loss_),
                        val_key: float(accuracy_score(y_test, estimator.predict(x_test))),
                    },
                )
    elif model.estimator == "random_forest":
        for trees in range(1, int(params["n_estimators"]) + 1):
            estimator.set_params(n_estimators=trees)
            estimator.fit(x_train, y_train)
            if trees % 5 == 0 or trees == 1:
                record(trees, {val_key: float(accuracy_score(y_test, estimator.predict(x_test)))})
    else:
        estimator.fit(x_train, y_train)
        for stage, predicted in enumerate(estimator.staged_predict(x_test)):
            value = (
                accuracy_score(y_test, predicted)
                if model.task == "classification"
                else root_mean_squared_error(y_test, predicted)
            )
            record(
                stage, {"train_loss": float(estimator.train_score_[stage]), val_key: float(value)}
            )
    return history, lines


def _figure(task: str, y_test, predicted, class_names: list[str] | None) -> bytes:
    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    if task == "classification":
        ConfusionMatrixDisplay.from_predictions(
            y_test, predicted, display_labels=class_names, ax=ax, colorbar=False, cmap="Blues"
        )
        ax.set_title("Confusion matrix (test set)")
    else:
        ax.scatter(predicted, np.asarray(y_test) - predicted, s=12, alpha=0.7)
        ax.axhline(0, color="grey", linewidth=1)
        ax.set_xlabel("predicted")
        ax.set_ylabel("residual")
        ax.set_title("Residuals (test set)")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def train(model: DemoModel, version: DemoVersion) -> TrainedVersion:
    features, target, class_names = _load(model.dataset)
    stratify = target if model.task == "classification" else None
    x_train, x_test, y_train, y_test = train_test_split(
        features, target, test_size=TEST_SIZE, random_state=RANDOM_STATE, stratify=stratify
    )
    scaler = StandardScaler().set_output(transform="pandas").fit(x_train)
    x_train_scaled = scaler.transform(x_train)
    x_test_scaled = scaler.transform(x_test)
    estimator = _estimator(model, version.params)
    history, lines = _fit_with_history(
        model, estimator, version.params, x_train_scaled, y_train, x_test_scaled, y_test
    )
    pipeline = Pipeline([("scaler", scaler), ("model", estimator)])
    predicted = pipeline.predict(x_test)
    stats = {
        "training_samples": len(x_train),
        "test_samples": len(x_test),
        "num_features": features.shape[1],
    }
    if model.task == "classification":
        stats["num_classes"] = int(target.nunique())
    return TrainedVersion(
        pipeline,
        _scores(model.task, y_test, predicted),
        history,
        lines,
        _figure(model.task, y_test, predicted, class_names),
        stats,
    )


def _model_card(
    model: DemoModel, version: DemoVersion, number: int, trained: TrainedVersion, semver: str
) -> str:
    metric_rows = "\n".join(f"| {k} | {v:.4f} |" for k, v in sorted(trained.metrics.items()))
    param_rows = "\n".join(f"| {k} | {v} |" for k, v in sorted(version.params.items()))
    return (
        f"# Model card: {model.name} {semver}\n\n{model.description}\n\n"
        f"## Intended use\nDemonstration model version {number}, trained on scikit-learn's "
        f"`{model.dataset}` data set. Not for clinical or commercial decisions.\n\n"
        f"## Training data\n- source: `sklearn.datasets.{model.dataset}`\n"
        f"- preprocessing: {model.preprocessing}\n"
        f"- split: {int((1 - TEST_SIZE) * 100)}/{int(TEST_SIZE * 100)}, "
        f"random_state={RANDOM_STATE}\n\n"
        f"## Parameters\n| param | value |\n|---|---|\n{param_rows}\n\n"
        f"## Test metrics\n| metric | value |\n|---|---|\n{metric_rows}\n"
    )


def _semver(index: int) -> str:
    """v1.0.0 for the first version, then one minor release per version."""
    return f"v1.{index - 1}.0"


def _version_tags(model: DemoModel, version: DemoVersion, index: int, count: int) -> dict[str, str]:
    released = date.today() - timedelta(days=14 * (count - index))
    split = (
        f"{int((1 - TEST_SIZE) * 100)}/{int(TEST_SIZE * 100)}"
        f"{' stratified' if model.task == 'classification' else ''}, random_state={RANDOM_STATE}"
    )
    served = {PRODUCTION_AT_TAG: f"{released.isoformat()}T09:00:00+00:00"}
    if not (version.served_production or version.stage == "Production"):
        served = {}
    return {
        "semantic_version": _semver(index),
        "author": model.owner,
        "release_date": released.isoformat(),
        "data.source": f"sklearn.datasets.{model.dataset}",
        "data.preprocessing": model.preprocessing,
        "data.train_test_split": split,
        SEED_KEY_TAG: f"{model.name}:{index}",
        **served,
        **version.extra_tags,
    }


def _log_version(
    client: MlflowClient, model: DemoModel, version: DemoVersion, index: int, experiment_id: str
) -> None:
    """Train one version, log its run and model, and register it as the model's next version."""
    trained = train(model, version)
    tags = _version_tags(model, version, index, len(model.versions))
    features, target, _ = _load(model.dataset)
    frame = features.assign(target=target)
    dataset = mlflow.data.from_pandas(
        frame,
        name=model.dataset.removeprefix("load_"),
        targets="target",
        source=CodeDatasetSource(tags={"mlflow.source.name": f"sklearn.datasets.{model.dataset}"}),
    )
    run_tags = {k: v for k, v in tags.items() if k.startswith("data.") or k == SEED_KEY_TAG}
    with mlflow.start_run(
        experiment_id=experiment_id,
        run_name=f"{model.name}-{_semver(index)}",
        tags={**run_tags, "mlflow.user": model.owner},
    ) as run:
        mlflow.log_params(version.params)
        mlflow.log_metrics({**trained.metrics, **trained.stats})
        for key, values in trained.history.items():
            for step, value in enumerate(values):
                mlflow.log_metric(key, value, step=step)
        mlflow.log_input(dataset, context="training")
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            (root / "plots").mkdir()
            name = "confusion_matrix.png" if model.task == "classification" else "residuals.png"
            (root / "plots" / name).write_bytes(trained.figure_png)
            (root / "logs").mkdir()
            (root / "logs" / "training.log").write_text("\n".join(trained.log_lines) + "\n")
            (root / "model_card.md").write_text(
                _model_card(model, version, index, trained, tags["semantic_version"])
            )
            (root / "evaluation").mkdir()
            (root / "evaluation" / "metrics.json").write_text(
                json.dumps({"test": trained.metrics, "dataset": trained.stats}, indent=2)
            )
            mlflow.log_artifacts(folder)
        example = features.head(5)
        model_info = mlflow.sklearn.log_model(
            trained.pipeline,
            name="model",
            input_example=example,
            pip_requirements=[
                f"scikit-learn=={sklearn.__version__}",
                f"skops=={skops.__version__}",
            ],
            skops_trusted_types=skops.io.get_untrusted_types(data=skops.io.dumps(trained.pipeline)),
        )
    registered = client.create_model_version(
        model.name,
        source=model_info.model_uri,
        run_id=run.info.run_id,
        tags=tags,
        description=version.description,
        model_id=model_info.model_id,
    )
    log.info("registered %s version %s", model.name, registered.version)


def _ensure_model(client: MlflowClient, model: DemoModel) -> None:
    if not client.search_registered_models(filter_string=f"name = '{model.name}'"):
        client.create_registered_model(model.name, description=model.description)
    client.set_registered_model_tag(model.name, "key_metric", model.key_metric)
    client.set_registered_model_tag(model.name, "owner", model.owner)
    client.set_registered_model_tag(model.name, "task", model.task)


def _experiment_id(client: MlflowClient, model: DemoModel, artifact_root: Path | None) -> str:
    experiment = client.get_experiment_by_name(model.name)
    if experiment is not None:
        return experiment.experiment_id
    location = (artifact_root / model.name).as_uri() if artifact_root else None
    return client.create_experiment(
        model.name, artifact_location=location, tags={"team": "demo", "owner": model.owner}
    )


def _apply_lifecycle(
    client: MlflowClient, model: DemoModel, numbers: dict[int, int], created: set[int]
) -> None:
    """Put the versions created by this run in their intended stage and aliases. Versions
    seeded earlier keep whatever the user did to them since; only missing demo tags return."""
    existing = {int(v.version): v for v in client.search_model_versions(f"name = '{model.name}'")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # stages are deprecated, still used
        for index, version in enumerate(model.versions, start=1):
            number = numbers[index]
            if index not in created:
                expected = _version_tags(model, version, index, len(model.versions))
                for key, value in expected.items():
                    if key not in existing[number].tags:
                        client.set_model_version_tag(model.name, str(number), key, value)
                continue
            if version.stage != "None":
                client.transition_model_version_stage(model.name, str(number), version.stage)
            for alias in version.aliases:
                client.set_registered_model_alias(model.name, alias, str(number))


def seed(tracking_uri: str, artifact_root: Path | None = None) -> dict[str, list[int]]:
    """Seed every demo model that is missing versions; return model -> version numbers.

    `artifact_root` is where a local (SQLite) registry keeps artifacts; leave it None for a
    tracking server, which chooses its own artifact store.
    """
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    seeded: dict[str, list[int]] = {}
    for model in DEMO_MODELS:
        _ensure_model(client, model)
        experiment_id = _experiment_id(client, model, artifact_root)
        numbers = _seeded_numbers(client, model.name)
        created = set()
        for index, version in enumerate(model.versions, start=1):
            if index not in numbers:
                _discard_unregistered_runs(client, experiment_id, f"{model.name}:{index}")
                _log_version(client, model, version, index, experiment_id)
                created.add(index)
        numbers = _seeded_numbers(client, model.name)
        _apply_lifecycle(client, model, numbers, created)
        seeded[model.name] = sorted(numbers.values())
    return seeded


def _seeded_numbers(client: MlflowClient, name: str) -> dict[int, int]:
    """Demo index -> registered version number, from the seed-key tag."""
    numbers = {}
    for version in client.search_model_versions(f"name = '{name}'"):
        key = version.tags.get(SEED_KEY_TAG, "")
        if key.startswith(f"{name}:"):
            numbers[int(key.split(":")[1])] = int(version.version)
    return numbers


def _discard_unregistered_runs(client: MlflowClient, experiment_id: str, seed_key: str) -> None:
    """A seed interrupted after logging but before registering leaves a run: delete it."""
    for run in client.search_runs([experiment_id], f"tags.`{SEED_KEY_TAG}` = '{seed_key}'"):
        client.delete_run(run.info.run_id)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tracking-uri",
        default=None,
        help="registry to seed (default: the embedded demo registry)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    artifact_root = None
    tracking_uri = args.tracking_uri
    if tracking_uri is None:
        demo_dir().mkdir(parents=True, exist_ok=True)
        tracking_uri = demo_tracking_uri()
        artifact_root = demo_dir() / "artifacts"
    seeded = seed(tracking_uri, artifact_root)
    total = sum(len(numbers) for numbers in seeded.values())
    print(f"Demo registry ready: {len(seeded)} models, {total} versions.")


if __name__ == "__main__":
    main()
