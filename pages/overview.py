"""Overview: every registered model with its production version, key metric and owner."""

import streamlit as st

from dashboard import cache, panels, summaries, tables, widgets

uri = widgets.page_setup()
st.title("Model registry")
models = cache.overview(uri)

in_production = sum(1 for model in models if model.production_version)
last_change = max((m.updated_at for m in models if m.updated_at), default=None)
columns = st.columns(4)
columns[0].metric("Registered models", len(models))
columns[1].metric("Model versions", sum(model.version_count for model in models))
columns[2].metric("Serving production", f"{in_production} of {len(models)}")
columns[3].metric(
    "Last change",
    last_change.strftime("%Y-%m-%d") if last_change else "—",
    help=f"Most recent update of a model or version: {tables.format_time(last_change)}",
)

search_by_name, search_by_tag = st.columns(2)
name_query = search_by_name.text_input("Search by name", placeholder="e.g. classifier")
tag_query = search_by_tag.text_input(
    "Filter by tag", placeholder="key or key=value, comma-separated (e.g. owner=alice)"
)
shown = [model for model in models if summaries.matches(model, name_query, tag_query)]

if not models:
    st.info("The registry has no registered models yet.")
elif not shown:
    st.warning("No model matches this search.")
else:
    flagged = [model for model in shown if model.policy_flags]
    for model in flagged:
        flags = panels.md_escape("; ".join(model.policy_flags))
        st.warning(
            f"**{panels.md_escape(model.name)}** breaks the policy: {flags}.",
            icon=":material/policy:",
        )
    frame = tables.overview_frame(shown)
    st.caption(f"{len(shown)} of {len(models)} models. Select a row to open the model.")
    widgets.table_opening_a_page(
        frame,
        {
            "Value": st.column_config.NumberColumn(format="%.4f"),
            "Last update": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
            "Versions": st.column_config.NumberColumn(format="%d"),
        },
        "model",
        "Model",
        lambda model: {"model": model},
    )
