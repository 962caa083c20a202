"""Governed actions driven from the pages by AppTest, checked with MlflowClient."""

from __future__ import annotations

from dashboard.policy import PRODUCTION_AT_TAG
from tests.test_actions import make_model
from tests.test_pages import ROOT, render


def test_setting_a_tag_from_the_version_page(dashboard_env, client):
    name = make_model(client, {"accuracy": 0.9})
    app = render("pages/version.py", user="pat", model=name, version="1")
    app.text_input(key=f"tag-key-{name}-1").input("tested")
    app.text_input(key=f"tag-value-{name}-1").input("true").run()
    assert any("action by pat" in m.value for m in app.markdown)
    app.button(key=f"tag-set-{name}-1").click().run()
    assert not app.exception
    assert app.success[0].value == f"Tag 'tested' of {name} v1 set to 'true'."
    assert client.get_model_version(name, "1").tags["tested"] == "true"
    # the write cleared the cache: the page shows the new tag at once
    tags = app.dataframe[0].value
    assert dict(zip(tags["Tag"], tags["Value"], strict=True))["tested"] == "true"


def test_a_failing_rule_disables_the_button_and_says_why(dashboard_env, client):
    name = make_model(client, {"accuracy": 0.95})
    app = render("pages/version.py", model=name, version="1")
    assert app.selectbox(key=f"stage-{name}-1").value == "Staging"
    assert app.button(key=f"stage-go-{name}-1").disabled
    shown = " ".join(m.value for m in app.markdown)
    assert "tag 'tested' is missing" in shown
    assert "metric 'f1\\_score' is not logged" in shown


def ready_for_production(client) -> str:
    """A model whose v1 (Staging) passes every rule of the example policy's
    Staging -> Production except the reviewer's approval."""
    name = make_model(
        client,
        {
            "accuracy": 0.95,
            "stage": "Staging",
            "tags": {"approved": "true", "performance_validated": "true"},
        },
    )
    client.log_metric(client.get_model_version(name, "1").run_id, "f1_score", 0.94)
    return name


def test_a_data_scientist_requests_and_a_reviewer_approves_from_the_pages(dashboard_env, client):
    name = ready_for_production(client)
    page = render("pages/version.py", user="dana", model=name, version="1")
    assert page.selectbox(key=f"stage-{name}-1").value == "Production"
    assert "needs approval by a reviewer" in " ".join(m.value for m in page.markdown)
    page.text_input(key=f"stage-reason-{name}-1").input("better recall").run()
    page.button(key=f"stage-request-{name}-1").click().run()
    assert page.success[0].value.startswith("Request #")
    request_id = int(page.success[0].value.split("#")[1].split(" ")[0])

    own = render("pages/approvals.py", user="dana")
    assert not own.button(key=f"request-{request_id}-cancel").disabled
    assert f"request-{request_id}-approve" not in [b.key for b in own.button]

    queue = render("pages/approvals.py", user="rita")
    queue.text_input(key=f"request-{request_id}-comment").input("ship it").run()
    queue.button(key=f"request-{request_id}-approve").click().run()
    assert queue.success[0].value.startswith(f"Request #{request_id} approved")
    version = client.get_model_version(name, "1")
    assert version.current_stage == "Production"
    assert version.tags["approval.approved_by"] == "rita"
    audit = render("pages/audit.py", model=name).dataframe[0].value
    assert list(zip(audit["Actor"], audit["Action"], audit["Outcome"], strict=True)) == [
        ("rita", "approve", "done"),
        ("dana", "request", "done"),
    ]


def test_rolling_back_from_the_model_page(dashboard_env, client):
    name = make_model(
        client,
        {"accuracy": 0.95, "stage": "Archived", "tags": {PRODUCTION_AT_TAG: "1"}},
        {"accuracy": 0.70, "stage": "Production", "tags": {PRODUCTION_AT_TAG: "2"}},
    )
    app = render("pages/model.py", model=name)
    go = app.button(key=f"rollback-go-{name}")
    assert go.disabled  # no reason yet
    app.text_input(key=f"rollback-reason-{name}").input("accuracy fell to 0.70").run()
    app.button(key=f"rollback-go-{name}").click().run()
    assert not app.exception
    assert app.success[0].value.startswith(f"Rolled {name} back from v2 to v1")
    assert client.get_model_version(name, "1").current_stage == "Production"
    assert client.get_model_version(name, "2").tags["rollback_reason"] == "accuracy fell to 0.70"
    assert app.dataframe[0].value.set_index("Version").loc[1, "Stage"] == "Production"
    history = next(d.value for d in app.dataframe if "Moved by" in d.value.columns)
    assert list(history["Version"]) == [1] and list(history["Why"]) == ["accuracy fell to 0.70"]


def test_a_bad_policy_file_stops_the_app_with_the_line(dashboard_env, monkeypatch, tmp_path):
    bad = tmp_path / "policy.yaml"
    bad.write_text("model_registry:\n  stage_transitions:\n    None -> Live: {}\n")
    monkeypatch.setenv("DASHBOARD_POLICY", str(bad))
    app = render()
    assert "line 3" in app.error[0].value
    assert "unknown stage 'Live'" in app.error[0].value
    assert not app.dataframe


def test_overview_flags_models_that_break_the_naming_convention(dashboard_env, client):
    client.create_registered_model("Bad-Name")
    app = render()
    frame = app.dataframe[0].value.set_index("Model")
    assert "does not match" in frame.loc["Bad-Name", "Policy"]
    assert frame.loc["iris_classifier", "Policy"] == "ok"
    assert any("Bad\\-Name" in w.value for w in app.warning)
    client.delete_registered_model("Bad-Name")


def test_pages_show_the_aliases_lifecycle_like_stages(dashboard_env, client, monkeypatch):
    monkeypatch.setenv("DASHBOARD_POLICY", str(ROOT / "policies" / "aliases.yaml"))
    name = make_model(
        client,
        {"accuracy": 0.91, "tags": {"lifecycle.archived": "true"}},
        {"accuracy": 0.93, "aliases": ["production"]},
        {"accuracy": 0.94, "aliases": ["staging"]},
        {"accuracy": 0.5},
    )
    overview = render().dataframe[0].value.set_index("Model")
    assert overview.loc[name, "Production"] == "v2"
    model_page = render("pages/model.py", model=name)
    stages = model_page.dataframe[0].value.set_index("Version")["Stage"].to_dict()
    assert stages == {1: "Archived", 2: "Production", 3: "Staging", 4: "None"}
    version_page = render("pages/version.py", model=name)
    assert version_page.title[0].value == f"{name} · version 2"
    assert "aliases lifecycle" in " ".join(c.value for c in version_page.caption)
