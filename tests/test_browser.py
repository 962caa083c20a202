"""The served app in Debian's Chromium, started with the Dockerfile's own command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient
from playwright.sync_api import Browser, Page, sync_playwright

from dashboard import actions, monitor
from dashboard.actions import ActionContext
from dashboard.policy import parse_policy
from dashboard.registry import RegistryService
from dashboard.store import AuditFilter, open_store
from tests.conftest import TEST_COOKIE_KEY, TEST_USERS
from tests.dockerfile import ROOT, environment, start_command
from tests.servers import BIN, free_port, stop, wait_for_http
from tests.test_action_pages import ready_for_production
from tests.test_actions import make_model
from tests.test_monitor import POLICY as MONITORED
from tests.test_monitor import dropped_model

SCREENSHOTS = ROOT / "test-artifacts"
# A policy that lets the test build a production history quickly.
PROMOTE_ANYTHING = """
model_registry:
  stage_transitions:
    None -> Production: {}
"""
SCREEN_TOKEN = "browser-screen-" + "s" * 32
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def served_store(tmp_path_factory) -> str:
    """The served app's own database, which the monitor below writes to as well."""
    return f"sqlite:///{tmp_path_factory.mktemp('store') / 'dashboard.db'}"


@pytest.fixture(scope="module")
def served_app(
    registry_uri: str, users_file: Path, served_store: str, tmp_path_factory
) -> Iterator[str]:
    """The Dockerfile's CMD and ENV, on a free loopback port, reading the seeded server."""
    port = free_port()
    env = {**os.environ, **environment()}
    env.update(
        STREAMLIT_SERVER_ADDRESS="127.0.0.1",
        STREAMLIT_SERVER_PORT=str(port),
        MLFLOW_TRACKING_URI=registry_uri,
        DASHBOARD_DEMO_DIR=str(tmp_path_factory.mktemp("demo")),
        DASHBOARD_AUTH_CONFIG=str(users_file),
        DASHBOARD_COOKIE_KEY=TEST_COOKIE_KEY,
        DASHBOARD_SCREEN_TOKEN=SCREEN_TOKEN,
        DASHBOARD_SCREEN_REFRESH="5",
        DASHBOARD_DB_URL=served_store,
        PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
    )
    log = (tmp_path_factory.mktemp("streamlit") / "streamlit.log").open("w")
    process = subprocess.Popen(
        start_command(),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{url}/_stcore/health", process)
    yield url
    stop(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's Chromium is needed: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile (no cookie) per test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def settle(page: Page) -> None:
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_selector("[data-testid='stSkeleton']", state="detached", timeout=60_000)


def sidebar_text(page: Page) -> str:
    return page.locator("[data-testid='stSidebar']").inner_text()


def sign_in(page: Page, user: str) -> None:
    """Fill the sign-in form shown on whatever URL the page is at, and wait for the
    signed cookie, so a reload keeps the user signed in."""
    settle(page)
    page.get_by_label("Username").fill(user)
    page.locator("input[type=password]").fill(f"pw-{user}")
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    page.get_by_text("Signed in as").wait_for(timeout=30_000)
    page.wait_for_function(
        "() => document.cookie.includes('model_registry_dashboard=')", timeout=30_000
    )
    # The cookie component reports back and Streamlit reruns once more: let that finish
    # before typing, or the rerun may swallow the keystrokes.
    page.wait_for_timeout(1_000)
    settle(page)


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def test_nothing_of_the_registry_shows_before_sign_in(served_app, browser_page):
    browser_page.goto(f"{served_app}/model?model=iris_classifier")
    settle(browser_page)
    browser_page.get_by_role("button", name="Sign in").first.wait_for(timeout=30_000)
    text = browser_page.locator("[data-testid='stApp']").inner_text()
    assert "iris_classifier" not in text and "MLflow" not in text
    screenshot(browser_page, "sign-in")
    browser_page.get_by_label("Username").fill("rita")
    browser_page.locator("input[type=password]").fill("wrong")
    browser_page.get_by_role("button", name="Sign in").click()
    settle(browser_page)
    browser_page.get_by_text("Wrong username or password.").wait_for(timeout=30_000)


def test_deep_link_as_first_request_signs_in_then_opens_the_version(served_app, browser_page):
    """A fresh server's first request is a deep link: after sign-in it opens that page,
    inside app.py, and a reload keeps both the user and the page."""
    browser_page.goto(f"{served_app}/version?model=iris_classifier&version=3")
    sign_in(browser_page, "rita")
    browser_page.get_by_text("iris_classifier · version 3").wait_for(timeout=30_000)
    assert "healthy" in sidebar_text(browser_page)  # drawn by app.py
    screenshot(browser_page, "version")
    browser_page.reload()
    settle(browser_page)
    browser_page.get_by_text("iris_classifier · version 3").wait_for(timeout=30_000)
    assert "Rita" in sidebar_text(browser_page)
    assert "version=3" in browser_page.url


def test_sign_out_then_reload_asks_for_the_password_again(served_app, browser_page):
    browser_page.goto(f"{served_app}/model?model=diabetes_regressor")
    sign_in(browser_page, "dana")
    browser_page.get_by_role("heading", name="diabetes_regressor").wait_for(timeout=30_000)
    assert "model=diabetes_regressor" in browser_page.url
    screenshot(browser_page, "model")
    browser_page.get_by_role("button", name="Sign out").click()
    settle(browser_page)
    browser_page.get_by_role("button", name="Sign in").first.wait_for(timeout=30_000)
    browser_page.wait_for_function(
        "() => !document.cookie.includes('model_registry_dashboard=')", timeout=30_000
    )
    browser_page.reload()
    settle(browser_page)
    browser_page.get_by_role("button", name="Sign in").first.wait_for(timeout=30_000)
    assert "diabetes_regressor" not in browser_page.locator("[data-testid='stApp']").inner_text()


@pytest.mark.parametrize("user", ["vic", "dana", "rita", "ada"])
def test_each_role_signs_in_and_sees_its_pages(served_app, browser_page, user):
    browser_page.goto(served_app)
    sign_in(browser_page, user)
    browser_page.get_by_text("Registered models").wait_for(timeout=30_000)
    navigation = sidebar_text(browser_page)
    assert "Overview" in navigation and "Audit" in navigation
    assert ("Approvals" in navigation) == (TEST_USERS[user] != "viewer")
    if user == "vic":
        screenshot(browser_page, "overview")


def test_request_and_approval_in_two_browsers(served_app, browser, client: MlflowClient):
    """The issue's done-when: a data scientist requests Staging -> Production, a reviewer
    approves in another browser, MLflow shows it, and the audit page shows both steps."""
    name = ready_for_production(client)
    scientist = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    scientist.goto(f"{served_app}/version?model={name}&version=1")
    sign_in(scientist, "dana")
    scientist.get_by_role("tab", name="Actions", exact=True).first.click()
    reason = scientist.get_by_label("Reason")
    reason.fill("better recall on the new data")
    reason.press("Enter")
    settle(scientist)
    scientist.get_by_role("button", name="Request approval").click()
    settle(scientist)
    filed = scientist.get_by_text(re.compile(r"^Request #\d+ filed"))
    filed.wait_for(timeout=30_000)
    request_id = filed.inner_text().split("#")[1].split(" ")[0].rstrip(":")
    screenshot(scientist, "request")
    assert client.get_model_version(name, "1").current_stage == "Staging"

    reviewer = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    reviewer.goto(f"{served_app}/approvals")
    sign_in(reviewer, "rita")
    # Streamlit marks each widget's container with its key: st-key-<key>.
    comment = reviewer.locator(f".st-key-request-{request_id}-comment input")
    comment.fill("metrics beat production")
    comment.press("Enter")
    settle(reviewer)
    assert comment.input_value() == "metrics beat production"
    screenshot(reviewer, "approvals")
    reviewer.locator(f".st-key-request-{request_id}-approve button").click()
    settle(reviewer)
    reviewer.get_by_text(f"Request #{request_id} approved").wait_for(timeout=30_000)

    version = client.get_model_version(name, "1")
    assert version.current_stage == "Production"
    assert version.tags["approval.requested_by"] == "dana"
    assert version.tags["approval.approved_by"] == "rita"
    assert version.tags["approval.status"] == "executed"
    reviewer.goto(f"{served_app}/audit?model={name}")
    settle(reviewer)
    grid = reviewer.locator("[data-testid='stDataFrame']").first
    grid.wait_for(timeout=30_000)
    reviewer.get_by_text("2 events.").wait_for(timeout=30_000)  # the request and the approval
    screenshot(reviewer, "audit")
    for context in (scientist.context, reviewer.context):
        context.close()


def test_the_team_screen_fits_a_wall_display_and_refreshes_itself(served_app, browser):
    """1920 x 1080, the read-only token, no sidebar, no scrolling; the clock's fragment
    reruns on its own (DASHBOARD_SCREEN_REFRESH=5 here)."""
    wall = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    wall.goto(f"{served_app}/screen?token={SCREEN_TOKEN}")
    settle(wall)
    wall.get_by_text("In production ·").wait_for(timeout=30_000)
    assert wall.locator("[data-testid='stSidebar']").is_hidden()
    assert wall.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 2")
    wall.locator(".card").first.wait_for(timeout=30_000)
    cards = wall.locator(".card").count()
    assert 0 < cards <= 12
    screenshot(wall, "team-screen")
    runs = wall.evaluate(
        """() => new Promise(resolve => {
            let changes = 0;
            const app = document.querySelector("[data-testid='stApp']");
            new MutationObserver(() => changes++).observe(app, {subtree: true, childList: true});
            setTimeout(() => resolve(changes), 7000);
        })"""
    )
    assert runs > 0  # redrawn without anyone touching it
    wall.context.close()


def test_a_seeded_drop_is_rolled_back_by_the_monitor_and_the_wall_shows_it(
    served_app, served_store, browser, registry_uri, client
):
    """Issue 6's done-when: the screen is open and nobody touches it; the monitor rolls a
    dropped production version back; the screen's last changes show it at the next refresh,
    and the audit trail has it."""
    name = dropped_model(client)
    wall = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    wall.goto(f"{served_app}/screen?token={SCREEN_TOKEN}")
    settle(wall)
    wall.get_by_text("Last changes").wait_for(timeout=30_000)
    policy = parse_policy(MONITORED % f"{name}: {{mode: auto}}")
    store = open_store(served_store)
    [check] = monitor.run_once(
        monitor.monitor_context(RegistryService(registry_uri), policy, store)
    )
    assert check.action == "rolled_back", check.message
    assert client.get_model_version(name, "1").current_stage == "Production"
    changes = wall.locator(".changes")
    changes.get_by_text(f"{name} v1").wait_for(timeout=30_000)  # within one refresh (5 s)
    assert "monitor" in changes.inner_text() and "roll back" in changes.inner_text()
    screenshot(wall, "team-screen-after-rollback")
    [event] = store.events(AuditFilter(models=[name]))
    assert (event.actor, event.action, event.outcome) == ("monitor", "roll_back", "done")
    wall.context.close()


def test_revert_to_a_version_from_the_production_history(
    served_app, served_store, browser, registry_uri, client
):
    """Selecting an earlier row of the production history makes it the roll back target;
    the reviewer gives the reason and the policy-checked roll back puts it back."""
    name = make_model(client, *[{"accuracy": 0.95} for _ in range(3)])
    store = open_store(served_store)
    setup = ActionContext(
        RegistryService(registry_uri), parse_policy(PROMOTE_ANYTHING), "ada",
        frozenset({"admin"}), store=store,
    )  # fmt: skip
    for version in (1, 2, 3):
        assert actions.transition(setup, name, version, "Production").done
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{served_app}/model?model={name}")
    sign_in(page, "rita")
    # The model was registered outside the dashboard a moment ago: the served app's cached
    # model list may predate it, as for any user, who would press Refresh data.
    page.get_by_role("button", name="Refresh data").click()
    settle(page)
    page.goto(f"{served_app}/model?model={name}")
    settle(page)
    page.get_by_role("heading", name="Production history").wait_for(timeout=30_000)
    settle(page)
    screenshot(page, "revert-before")
    history = page.locator(f".st-key-production-history-{name}")
    history.wait_for(timeout=60_000)
    history.scroll_into_view_if_needed()
    box = history.bounding_box()
    assert box is not None
    # Rows are newest first (v3, v2, v1); the selection box sits in the first column.
    page.mouse.click(box["x"] + 18, box["y"] + 35 * 3 + 18)
    # The selection reruns the page: the panel's target becomes v1 (it defaults to v2).
    page.get_by_role("button", name="Roll back to v1").wait_for(timeout=30_000)
    settle(page)
    reason = page.locator(f".st-key-rollback-reason-{name} input")
    reason.fill("v3 and v2 misread the new feature")
    reason.press("Enter")
    settle(page)
    screenshot(page, "revert")
    go = page.get_by_role("button", name="Roll back to v1", disabled=False)
    go.wait_for(timeout=30_000)  # enabled once the reason is in
    go.click()
    settle(page)
    page.get_by_text(f"Rolled {name} back from v3 to v1").wait_for(timeout=30_000)
    assert client.get_model_version(name, "1").current_stage == "Production"
    assert client.get_model_version(name, "3").current_stage == "Archived"
    page.context.close()
