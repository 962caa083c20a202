"""Sign-in: the users file's rules, the cookie key's sources, the form for each role, and
nothing of the registry before sign-in."""

from __future__ import annotations

import io

import bcrypt
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from dashboard import navigation
from dashboard.__main__ import main
from dashboard.errors import ConfigurationError
from dashboard.users import cookie_key, hash_password, load_users, parse_users
from tests.conftest import TEST_USERS
from tests.test_actions import make_model
from tests.test_pages import ROOT, entry_point, render

HASH = "$2b$04$" + "a" * 53


def users(**fields) -> dict:
    user = {"name": "Dana", "password": HASH, "roles": ["data_scientist"], **fields}
    return {"credentials": {"usernames": {"dana": user}}}


def test_a_valid_file_keeps_users_hashes_and_roles(users_file):
    parsed = load_users(users_file)
    assert set(parsed.credentials["usernames"]) == set(TEST_USERS)
    assert parsed.credentials["usernames"]["rita"]["roles"] == ["reviewer"]
    assert parsed.cookie_expiry_days == 1.0


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "is empty or not a mapping"),
        ({"credentials": {"usernames": {}}}, "lists no user"),
        (users(password="secret"), "password must be a bcrypt hash"),
        (users(roles=[]), "roles must list one or more of: viewer"),
        (users(roles=["owner"]), "roles must list one or more of"),
        ({**users(), "cookie": {"key": "in-the-repo"}}, "cookie.key must not be in the file"),
        ({**users(), "cookie": {"expiry_days": 0}}, "expiry_days must be a number"),
    ],
)
def test_an_unusable_users_file_is_refused_with_the_reason(raw, reason):
    with pytest.raises(ConfigurationError, match=reason):
        parse_users(raw, "users.yaml")


def test_unreadable_and_missing_files_are_named(tmp_path):
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_users(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("credentials: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="cannot be read"):
        load_users(broken)


def test_hash_password_makes_a_hash_the_file_accepts(tmp_path):
    path = tmp_path / "users.yaml"
    path.write_text(yaml.safe_dump(users(password=hash_password("s3cret!"))), encoding="utf-8")
    assert load_users(path).credentials["usernames"]["dana"]["password"].startswith("$2b$")


def test_cookie_key_sources(monkeypatch, tmp_path):
    monkeypatch.delenv("DASHBOARD_COOKIE_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="No cookie key"):
        cookie_key(None, demo_mode=False, demo_folder=tmp_path)
    assert cookie_key("s" * 40, demo_mode=False, demo_folder=tmp_path) == "s" * 40
    monkeypatch.setenv("DASHBOARD_COOKIE_KEY", "e" * 40)
    assert cookie_key("s" * 40, demo_mode=False, demo_folder=tmp_path) == "e" * 40
    monkeypatch.setenv("DASHBOARD_COOKIE_KEY", "short")
    with pytest.raises(ConfigurationError, match="at least 32 characters"):
        cookie_key(None, demo_mode=False, demo_folder=tmp_path)
    monkeypatch.delenv("DASHBOARD_COOKIE_KEY")
    generated = cookie_key(None, demo_mode=True, demo_folder=tmp_path)
    assert len(generated) >= 32
    assert cookie_key(None, demo_mode=True, demo_folder=tmp_path) == generated  # kept
    assert (tmp_path / "cookie_key").stat().st_mode & 0o077 == 0


def fresh_app(page: str | None = None) -> AppTest:
    app = AppTest.from_file(entry_point(), default_timeout=60)
    if page:
        app.switch_page(page)
    return app.run()


def sign_in(app: AppTest, user: str, password: str) -> AppTest:
    app.text_input[0].input(user)
    app.text_input[1].input(password)
    return app.button[0].click().run()


def test_nothing_of_the_registry_is_read_before_sign_in(dashboard_env, mlflow_server):
    served_before = mlflow_server.settled_count()
    app = fresh_app()
    assert not app.exception
    assert [b.label for b in app.button] == ["Sign in"]
    assert not app.dataframe and not app.sidebar.code  # no registry, no URI
    assert mlflow_server.settled_count() == served_before  # not even a health check


@pytest.mark.parametrize("user", sorted(TEST_USERS))
def test_each_role_signs_in_through_the_form(dashboard_env, user):
    app = sign_in(fresh_app(), user, f"pw-{user}")
    assert not app.exception and not app.error
    assert app.session_state["username"] == user
    assert app.title[0].value == "Model registry"  # the overview, drawn in the same run
    assert any(user.title() in m.value for m in app.sidebar.markdown)


def test_a_wrong_password_is_refused(dashboard_env):
    app = sign_in(fresh_app(), "rita", "pw-dana")
    assert app.error[0].value == "Wrong username or password."
    assert not app.session_state["authentication_status"]
    assert not app.dataframe


def test_sign_out_returns_to_the_form(dashboard_env):
    app = render(user="rita")
    app.sidebar.button[0].click().run()  # Sign out
    assert [b.label for b in app.button] == ["Sign in"]
    assert app.session_state["username"] is None


def test_without_a_users_file_outside_the_demo_the_app_stops(dashboard_env, monkeypatch):
    monkeypatch.delenv("DASHBOARD_AUTH_CONFIG")
    app = fresh_app()
    assert "DASHBOARD_AUTH_CONFIG" in app.error[0].value
    assert "no default" in app.error[0].value
    assert not app.text_input  # no sign-in form, no registry


def test_an_empty_users_file_stops_the_app(dashboard_env, monkeypatch, tmp_path):
    empty = tmp_path / "users.yaml"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_AUTH_CONFIG", str(empty))
    assert "is empty" in fresh_app().error[0].value


def test_pages_follow_the_role():
    assert "approvals" not in navigation.page_names_for(frozenset({"viewer"}))
    everything = list(navigation.PAGE_NAMES)
    for role in ("data_scientist", "reviewer"):
        assert navigation.page_names_for(frozenset({role})) == [
            name for name in everything if name != "retention"
        ]
    assert navigation.page_names_for(frozenset({"admin"})) == everything
    assert navigation.page_names_for(frozenset()) == []
    assert tuple(navigation.pages()) == navigation.PAGE_NAMES


def test_a_viewer_cannot_open_approvals_and_has_no_action_buttons(dashboard_env):
    approvals = render("pages/approvals.py", user="vic")
    assert all(title.value != "Approvals" for title in approvals.title)
    version = render("pages/version.py", user="vic", model="iris_classifier", version="1")
    assert any("reads the registry but does not change it" in i.value for i in version.info)
    assert not [b for b in version.button if b.key and b.key.startswith("stage-")]


def test_hash_password_command(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert main(["hash-password"]) == 0
    printed = capsys.readouterr().out.strip()
    assert bcrypt.checkpw(b"correct horse battery", printed.encode())
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["hash-password"]) == 1


def test_only_an_admin_sees_activity_by_user(dashboard_env, client):
    name = make_model(client, {"accuracy": 0.9})
    tagged = render("pages/version.py", user="pat", model=name, version="1")
    tagged.text_input(key=f"tag-key-{name}-1").input("note").run()
    tagged.button(key=f"tag-set-{name}-1").click().run()
    render("pages/version.py", user="vic", model=name, version="1")  # reads: no event
    admin = render("pages/audit.py", user="ada")
    assert "Activity by user" in [h.value for h in admin.subheader]
    activity = admin.dataframe[1].value.set_index("User")
    assert activity.loc["pat", "Actions"] == 1 and activity.loc["pat", "Done"] == 1
    assert "vic" not in activity.index
    viewer = render("pages/audit.py", user="vic")
    assert "Activity by user" not in [h.value for h in viewer.subheader]
    assert len(viewer.dataframe) == 1  # the trail itself is open to every role


def test_demo_mode_signs_in_with_the_demo_users_listed_in_the_readme(
    monkeypatch, tmp_path, fresh_cache
):
    for name in ("MLFLOW_TRACKING_URI", "DASHBOARD_AUTH_CONFIG", "DASHBOARD_COOKIE_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DASHBOARD_DEMO_DIR", str(tmp_path))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for user in ("viewer", "scientist", "reviewer", "admin"):
        assert f"| `{user}` | `demo-{user}` |" in readme
        app = fresh_app()
        assert any("Demo users" in i.value for i in app.info)
        app = sign_in(app, user, f"demo-{user}")
        assert app.session_state["username"] == user, user
    assert (tmp_path / "cookie_key").exists()  # generated for the demo, never committed
