"""The served app in Debian's Chromium, started with the Dockerfile's own command."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.dockerfile import ROOT, environment, start_command
from tests.servers import BIN, free_port, stop, wait_for_http

SCREENSHOTS = ROOT / "test-artifacts"
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
def served_app(registry_uri: str, tmp_path_factory) -> Iterator[str]:
    """The Dockerfile's CMD and ENV, on a free loopback port, reading the seeded server."""
    port = free_port()
    env = {**os.environ, **environment()}
    env.update(
        STREAMLIT_SERVER_ADDRESS="127.0.0.1",
        STREAMLIT_SERVER_PORT=str(port),
        MLFLOW_TRACKING_URI=registry_uri,
        DASHBOARD_DEMO_DIR=str(tmp_path_factory.mktemp("demo")),
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
def browser_page() -> Iterator[Page]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's Chromium is needed: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield page
        browser.close()


def settle(page: Page) -> None:
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_selector("[data-testid='stSkeleton']", state="detached", timeout=60_000)


def test_deep_link_as_first_request_opens_the_version_inside_the_app(served_app, browser_page):
    """A fresh server's first request is a deep link: it must still pass through app.py."""
    browser_page.goto(f"{served_app}/version?model=iris_classifier&version=3")
    settle(browser_page)
    browser_page.get_by_text("iris_classifier · version 3").wait_for(timeout=30_000)
    sidebar = browser_page.locator("[data-testid='stSidebar']")
    assert "healthy" in sidebar.inner_text()  # drawn by app.py
    assert "Overview" in sidebar.inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    browser_page.screenshot(path=SCREENSHOTS / "version.png", full_page=True)


def test_overview_in_chromium(served_app, browser_page):
    browser_page.goto(served_app)
    settle(browser_page)
    browser_page.get_by_text("Registered models").wait_for(timeout=30_000)
    assert browser_page.locator("[data-testid='stDataFrame']").count() == 1
    assert "Model registry" in browser_page.locator("h1").first.inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    browser_page.screenshot(path=SCREENSHOTS / "overview.png", full_page=True)
    assert (SCREENSHOTS / "overview.png").stat().st_size > 10_000


def test_sidebar_navigation_keeps_the_selection_in_the_url(served_app, browser_page):
    browser_page.goto(f"{served_app}/model?model=diabetes_regressor")
    settle(browser_page)
    browser_page.get_by_role("heading", name="diabetes_regressor").wait_for(timeout=30_000)
    assert "model=diabetes_regressor" in browser_page.url
    browser_page.screenshot(path=SCREENSHOTS / "model.png", full_page=True)
