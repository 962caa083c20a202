"""The dashboard's pages and their stable URL paths, for app.py's navigation and page links."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard import roles
from dashboard.config import REPO_ROOT

PAGES_DIR = REPO_ROOT / "pages"


def pages() -> dict[str, StreamlitPage]:
    """Name -> page, in sidebar order; pass `list(pages().values())` to st.navigation."""
    return {
        "overview": st.Page(
            PAGES_DIR / "overview.py", title="Overview", icon=":material/dashboard:", default=True
        ),
        "model": st.Page(
            PAGES_DIR / "model.py", title="Model", icon=":material/deployed_code:", url_path="model"
        ),
        "version": st.Page(
            PAGES_DIR / "version.py", title="Version", icon=":material/sell:", url_path="version"
        ),
        "compare": st.Page(
            PAGES_DIR / "compare.py",
            title="Compare",
            icon=":material/compare_arrows:",
            url_path="compare",
        ),
        "lineage": st.Page(
            PAGES_DIR / "lineage.py",
            title="Lineage",
            icon=":material/account_tree:",
            url_path="lineage",
        ),
        "artifacts": st.Page(
            PAGES_DIR / "artifacts.py",
            title="Artifacts",
            icon=":material/folder_open:",
            url_path="artifacts",
        ),
        "deploy": st.Page(
            PAGES_DIR / "deploy.py",
            title="Deploy",
            icon=":material/rocket_launch:",
            url_path="deploy",
        ),
        "approvals": st.Page(
            PAGES_DIR / "approvals.py",
            title="Approvals",
            icon=":material/approval:",
            url_path="approvals",
        ),
        "monitoring": st.Page(
            PAGES_DIR / "monitoring.py",
            title="Monitoring",
            icon=":material/monitor_heart:",
            url_path="monitoring",
        ),
        "retention": st.Page(
            PAGES_DIR / "retention.py",
            title="Retention",
            icon=":material/delete_sweep:",
            url_path="retention",
        ),
        "audit": st.Page(
            PAGES_DIR / "audit.py", title="Audit", icon=":material/history:", url_path="audit"
        ),
        "screen": st.Page(
            PAGES_DIR / "screen.py", title="Team screen", icon=":material/tv:", url_path="screen"
        ),
    }


PAGE_NAMES = (
    "overview", "model", "version", "compare", "lineage", "artifacts", "deploy", "approvals",
    "monitoring", "retention", "audit", "screen",
)  # fmt: skip


def page_names_for(user_roles: frozenset[str]) -> list[str]:
    return [name for name in PAGE_NAMES if roles.sees_page(user_roles, name)]


def pages_for(user_roles: frozenset[str]) -> list[StreamlitPage]:
    """The pages a user with `user_roles` sees, for st.navigation (called once, in app.py)."""
    every = pages()
    return [every[name] for name in page_names_for(user_roles)]


def page(name: str) -> StreamlitPage:
    """The page called `name`, for st.page_link and st.switch_page."""
    return pages()[name]
