"""The dashboard's pages and their stable URL paths, for app.py's navigation and page links."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard import roles
from dashboard.config import REPO_ROOT

PAGES_DIR = REPO_ROOT / "pages"
# Name (also the script's file name and the URL path) -> sidebar title and icon, in order.
# The first is the overview, served at `/`.
PAGE_TABLE = {
    "overview": ("Overview", ":material/dashboard:"),
    "model": ("Model", ":material/deployed_code:"),
    "version": ("Version", ":material/sell:"),
    "compare": ("Compare", ":material/compare_arrows:"),
    "lineage": ("Lineage", ":material/account_tree:"),
    "artifacts": ("Artifacts", ":material/folder_open:"),
    "deploy": ("Deploy", ":material/rocket_launch:"),
    "approvals": ("Approvals", ":material/approval:"),
    "monitoring": ("Monitoring", ":material/monitor_heart:"),
    "retention": ("Retention", ":material/delete_sweep:"),
    "audit": ("Audit", ":material/history:"),
    "screen": ("Team screen", ":material/tv:"),
}
PAGE_NAMES = tuple(PAGE_TABLE)


def pages() -> dict[str, StreamlitPage]:
    """Name -> page, in sidebar order; pass `list(pages().values())` to st.navigation."""
    return {
        name: st.Page(
            PAGES_DIR / f"{name}.py",
            title=title,
            icon=icon,
            default=name == "overview",
            url_path=None if name == "overview" else name,
        )
        for name, (title, icon) in PAGE_TABLE.items()
    }


def page_names_for(user_roles: frozenset[str]) -> list[str]:
    return [name for name in PAGE_NAMES if roles.sees_page(user_roles, name)]


def pages_for(user_roles: frozenset[str]) -> list[StreamlitPage]:
    """The pages a user with `user_roles` sees, for st.navigation (called once, in app.py)."""
    every = pages()
    return [every[name] for name in page_names_for(user_roles)]


def page(name: str) -> StreamlitPage:
    """The page called `name`, for st.page_link and st.switch_page."""
    return pages()[name]
