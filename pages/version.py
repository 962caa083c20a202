"""Version page: one model version's description, stage, aliases, tags, run params and metrics."""

from urllib.parse import quote

import plotly.express as px
import streamlit as st

from dashboard import cache, lifecycle, navigation, panels, tables, widgets
from dashboard.config import public_base_url

uri = widgets.page_setup()
detail, version = widgets.model_and_version(uri)
name, number = version.name, version.version
run = cache.runs_for(uri, (version.run_id,)).get(version.run_id) if version.run_id else None

st.title(f"{name} · version {version.version}")
widgets.version_badges(version)
links = st.columns(5)
links[0].page_link(
    navigation.page("model"),
    label=f"All versions of {name}",
    icon=":material/arrow_back:",
    query_params={"model": name},
)
links[1].page_link(
    navigation.page("lineage"),
    label="Lineage",
    icon=":material/account_tree:",
    query_params={"model": name, "version": str(number)},
)
links[2].page_link(
    navigation.page("artifacts"),
    label="Files",
    icon=":material/folder_open:",
    query_params={"model": name, "version": str(number)},
)
production = lifecycle.production_version(detail.versions)
compared = sorted({number, production.version if production else number})
links[3].page_link(
    navigation.page("compare"),
    label="Compare with production",
    icon=":material/compare_arrows:",
    query_params={"model": name, "versions": ",".join(map(str, compared))},
)
links[4].page_link(
    navigation.page("deploy"),
    label="Deploy",
    icon=":material/rocket_launch:",
    query_params={"model": name, "version": str(number)},
)

# st.markdown escapes HTML unless told otherwise: the description is rendered as safe markdown.
st.markdown(version.description or "_No description._")

details_tab, run_tab, actions_tab = st.tabs(["Details", "Run and training", "Actions"])
with details_tab:
    mlflow_ui = public_base_url(uri)
    widgets.field_grid(
        {
            "Stage": version.stage,
            "Aliases": ", ".join(f"@{alias}" for alias in version.aliases) or "none",
            "Status": version.status,
            "Registered": tables.format_time(version.created_at),
            "Last updated": tables.format_time(version.updated_at),
            "Registered by": version.user_id or version.tags.get("author") or "not recorded",
            "Source run": version.run_id or "none (registered without a run)",
            "Run name": run.run_name if run else "—",
            "Experiment": f"{run.experiment_name} ({run.experiment_id})" if run else "—",
            "Logged model": version.logged_model_id or "none",
            "Source": version.source,
        }
    )
    if mlflow_ui:
        links = [
            f"[Version in the MLflow UI]({mlflow_ui}/#/models/{quote(name)}/versions/{number})"
        ]
        if run:
            links.append(
                f"[Run in the MLflow UI]({mlflow_ui}/#/experiments/{run.experiment_id}"
                f"/runs/{run.run_id})"
            )
        st.markdown(" · ".join(links))

with run_tab:
    tags_column, params_column, metrics_column = st.columns(3)
    with tags_column:
        st.subheader("Version tags")
        st.dataframe(tables.mapping_frame(version.tags, "Tag", "Value"), hide_index=True)
    with params_column:
        st.subheader("Run params")
        if run:
            st.dataframe(tables.mapping_frame(run.params, "Param", "Value"), hide_index=True)
        else:
            st.info("No source run: this version was registered without one or its run is gone.")
    with metrics_column:
        st.subheader("Run metrics")
        if run:
            rounded = {key: round(value, 4) for key, value in run.metrics.items()}
            st.dataframe(tables.mapping_frame(rounded, "Metric", "Value"), hide_index=True)

    if run and run.lifecycle_stage == "deleted":
        st.warning(f"The source run {run.run_id} has been deleted in MLflow.")

    if run and run.metrics_with_history:
        st.subheader("Training curves")
        chart_columns = st.columns(min(len(run.metrics_with_history), 2))
        for position, metric in enumerate(run.metrics_with_history):
            history = cache.metric_history(uri, run.run_id, metric)
            figure = px.line(
                x=[p.step for p in history],
                y=[p.value for p in history],
                labels={"x": "step", "y": metric},
                title=metric,
                markers=True,
            )
            chart_columns[position % len(chart_columns)].plotly_chart(figure)

    if run and run.datasets:
        st.subheader("Training data")
        st.dataframe(
            [
                {
                    "Dataset": d.name,
                    "Digest": d.digest,
                    "Context": d.context or "—",
                    "Source type": d.source_type,
                }
                for d in run.datasets
            ],
            hide_index=True,
        )

with actions_tab:
    panels.version_actions(uri, detail, version, run)
