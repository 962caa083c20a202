"""Overview rules on plain records: production version, key metric, owner and search."""

from __future__ import annotations

from datetime import UTC, datetime

from dashboard import lifecycle, summaries
from dashboard.registry import ModelVersionRecord, RegisteredModelRecord, RunRecord

NOW = datetime(2026, 11, 27, tzinfo=UTC)


def version(
    number: int, stage: str = "None", aliases: tuple[str, ...] = (), **tags: str
) -> ModelVersionRecord:
    return ModelVersionRecord(
        "m",
        number,
        "READY",
        stage,
        aliases,
        tags,
        "",
        NOW,
        NOW,
        f"run{number}",
        "models:/m-x",
        None,
        None,
    )


def run(run_id: str, **metrics: float) -> RunRecord:
    return RunRecord(
        run_id, run_id, "1", "exp", "FINISHED", "active", NOW, NOW, None, {}, metrics, (), {}
    )


def test_stage_production_wins_over_the_alias():
    versions = [version(1, aliases=("champion",)), version(2, "Production")]
    assert lifecycle.production_version(versions).version == 2


def test_alias_marks_production_when_no_stage_does():
    versions = [version(1, "Archived"), version(2, aliases=("production",)), version(3)]
    assert lifecycle.production_version(versions).version == 2
    assert lifecycle.production_version([version(1)]) is None


def test_key_metric_prefers_the_model_tag_then_the_preferred_list():
    assert lifecycle.key_metric_name({"key_metric": "rmse"}, {"accuracy": 1.0}) == "rmse"
    assert lifecycle.key_metric_name({}, {"r2": 0.5, "f1_score": 0.9}) == "f1_score"
    assert lifecycle.key_metric_name({}, {"loss": 0.1}) is None


def test_summary_reads_the_production_runs_metric():
    model = RegisteredModelRecord("m", "", {"owner": "alice"}, {}, NOW, NOW)
    versions = [
        version(1, "Archived"),
        version(2, "Production", semantic_version="v1.1.0"),
        version(3),
    ]
    [row] = summaries.summarize([model], versions, {"run2": run("run2", accuracy=0.93)})
    assert (row.production_version, row.latest_version, row.version_count) == (2, 3, 3)
    assert (row.key_metric, row.key_metric_value) == ("accuracy", 0.93)
    assert row.production_semver == "v1.1.0"
    assert row.owner == "alice"
    assert summaries.production_run_ids([model], versions) == ["run2"]


def test_search_matches_name_and_tags():
    row = summaries.ModelSummary(
        "iris_classifier",
        "",
        {"owner": "Alice", "task": "cls"},
        1,
        1,
        1,
        None,
        None,
        None,
        NOW,
        "Alice",
    )
    assert summaries.matches(row, "IRIS", "")
    assert not summaries.matches(row, "wine", "")
    assert summaries.matches(row, "", "owner=alice, task")
    assert not summaries.matches(row, "", "owner=bob")
    assert not summaries.matches(row, "", "team")
