"""Streamlit pieces shared by pages: the registry sidebar, selectors kept in the URL, badges."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from dashboard import cache, lifecycle, navigation
from dashboard.compare import Change, changes_frame
from dashboard.config import Settings, load_settings
from dashboard.registry import ModelDetail, ModelVersionRecord, RegistryStatus

STAGE_COLORS = {"Production": "green", "Staging": "orange", "Archived": "gray", "None": "blue"}


def page_setup() -> str:
    """First call of every page: make sure app.py framed this run; return the tracking URI.

    Streamlit runs a page script by itself (its legacy `pages/` folder mode) when a deep link
    is the first request a fresh server gets, skipping app.py's settings, health check and
    sidebar. Leaving that mode and rerunning sends the request through app.py's navigation.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    return load_settings().tracking_uri


def registry_sidebar(settings: Settings, status: RegistryStatus) -> None:
    """The registry a user is looking at, whether it answers, and a way to re-read it."""
    with st.sidebar:
        st.caption("MLflow registry")
        st.code(settings.masked_tracking_uri, language=None, wrap_lines=True)
        if status.healthy:
            label = f"MLflow {status.server_version}" if status.server_version else "MLflow"
            st.badge(f"{label} · healthy", icon=":material/check_circle:", color="green")
        else:
            st.badge("unreachable", icon=":material/error:", color="red")
        if settings.demo_mode:
            st.caption("Demo registry (set MLFLOW_TRACKING_URI to use your own).")
        if st.button(
            "Refresh data",
            icon=":material/refresh:",
            width="stretch",
            help=f"Reads are cached for {cache.TTL_SECONDS} s; this reads again now.",
        ):
            cache.clear_all()
            st.rerun()


def model_selector(names: Sequence[str]) -> str | None:
    """A model picker that reads and writes `?model=` so the page can be shared as a link."""
    if not names:
        st.info("The registry has no registered models yet.")
        return None
    requested = st.query_params.get("model")
    if requested and requested not in names:
        st.error(f"There is no registered model named {requested!r}. Pick one below.")
    index = names.index(requested) if requested in names else 0
    chosen = st.selectbox("Model", names, index=index)
    if st.query_params.get("model") != chosen:
        st.query_params["model"] = chosen
    return chosen


def model_picker(tracking_uri: str, column=None) -> ModelDetail:
    """The model picker (in `column`, else the left half of the page) and the chosen model's
    versions; stops the page when the registry has no model."""
    with column or st.columns(2)[0]:
        name = model_selector(cache.model_names(tracking_uri))
    if name is None:
        st.stop()
    return cache.model_detail(tracking_uri, name)


def model_and_version(tracking_uri: str) -> tuple[ModelDetail, ModelVersionRecord]:
    """Side-by-side model and version pickers bound to `?model=&version=`; stops the page
    when there is nothing to pick. The version defaults to the production one."""
    model_column, version_column = st.columns(2)
    detail = model_picker(tracking_uri, model_column)
    production = lifecycle.production_version(detail.versions)
    with version_column:
        number = version_selector(detail.versions, production.version if production else None)
    if number is None:
        st.stop()
    return detail, detail.version(number)


def table_opening_a_page(
    frame,
    column_config: dict,
    page: str,
    link_column: str,
    query: Callable[[object], dict[str, str]],
) -> None:
    """A table whose selected row opens `page` with the query string `query(value)` built from
    the row's `link_column`."""
    selection = st.dataframe(
        frame,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        column_config=column_config,
    )
    if selection.selection.rows:
        value = frame.iloc[selection.selection.rows[0]][link_column]
        st.switch_page(navigation.page(page), query_params=query(value))


def audit_table(frame: pd.DataFrame) -> None:
    """Audit events (`audit_view.events_frame`) as a table: the audit page and a model's
    recent actions."""
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            "When": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
            "Version": st.column_config.NumberColumn(format="v%d"),
        },
    )


def version_selector(versions: Sequence[ModelVersionRecord], default: int | None) -> int | None:
    """A version picker bound to `?version=`; `default` is used when the URL names none."""
    numbers = [v.version for v in versions]
    if not numbers:
        st.info("This model has no versions yet.")
        return None
    requested = st.query_params.get("version")
    wanted = default if default in numbers else numbers[0]
    if requested is not None:
        if requested.isdigit() and int(requested) in numbers:
            wanted = int(requested)
        else:
            st.error(f"This model has no version {requested!r}. Pick one below.")
    labels = {v.version: _version_label(v) for v in versions}
    chosen = st.selectbox(
        "Version", numbers, index=numbers.index(wanted), format_func=labels.__getitem__
    )
    if st.query_params.get("version") != str(chosen):
        st.query_params["version"] = str(chosen)
    return chosen


def field_grid(fields: dict[str, str], columns: int = 3) -> None:
    """Label/value pairs in a compact grid, in the order given."""
    cells = st.columns(columns)
    for position, (label, value) in enumerate(fields.items()):
        with cells[position % columns]:
            st.caption(label)
            st.text(value)


def versions_selector(numbers: Sequence[int], default: Sequence[int]) -> list[int]:
    """A multi-version picker bound to `?versions=1,2,3`, with an "all versions" switch."""
    requested = st.query_params.get("versions")
    wanted = list(default)
    if requested:
        parsed = [int(part) for part in requested.split(",") if part.strip().isdigit()]
        unknown = [n for n in parsed if n not in numbers]
        if unknown or len(parsed) != len([p for p in requested.split(",") if p.strip()]):
            st.error(f"Not versions of this model: {requested!r}. Pick them below.")
        wanted = [n for n in parsed if n in numbers] or wanted
    every = st.toggle(f"All {len(numbers)} versions", value=len(wanted) == len(numbers))
    if every:
        chosen = list(numbers)
    else:
        chosen = st.multiselect(
            "Versions", numbers, default=wanted, format_func=lambda number: f"v{number}"
        )
    encoded = ",".join(str(n) for n in sorted(chosen))
    if chosen and st.query_params.get("versions") != encoded:
        st.query_params["versions"] = encoded
    return chosen


def changes_table(changes: Sequence[Change], old_label: str, new_label: str, empty: str) -> None:
    if not changes:
        st.caption(empty)
        return
    st.dataframe(changes_frame(changes, old_label, new_label), hide_index=True)


def _version_label(version: ModelVersionRecord) -> str:
    parts = [f"v{version.version}"]
    if version.tags.get("semantic_version"):
        parts.append(version.tags["semantic_version"])
    if version.stage != "None":
        parts.append(version.stage)
    parts += [f"@{alias}" for alias in version.aliases]
    return " · ".join(parts)


def version_badges(version: ModelVersionRecord) -> None:
    """Stage, aliases, release and status of a version as a row of badges."""
    badges = f":{STAGE_COLORS.get(version.stage, 'blue')}-badge[{_plain(version.stage)}]"
    badges += "".join(f" :violet-badge[@{_plain(alias)}]" for alias in version.aliases)
    if version.tags.get("semantic_version"):
        badges += f" :gray-badge[{_plain(version.tags['semantic_version'])}]"
    if version.status and version.status != "READY":
        badges += f" :red-badge[{_plain(version.status)}]"
    st.markdown(badges)


def _plain(text: str) -> str:
    """Registry text placed inside badge markdown: drop what would end or restyle the badge."""
    return "".join(ch for ch in text if ch not in "[]()*_`:<>\\")
