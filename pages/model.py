"""Model page: every version with stage, aliases, tags, lineage and key metrics, and its history."""

import plotly.express as px
import streamlit as st

from dashboard import audit_view, cache, lifecycle, navigation, panels, tables, widgets
from dashboard.store import AuditFilter

uri = widgets.page_setup()
detail = widgets.model_picker(uri)
name = detail.model.name
versions = detail.versions
runs = cache.runs_for(uri, tuple(sorted({v.run_id for v in versions if v.run_id})))
production = lifecycle.production_version(versions)
latest = lifecycle.latest_version(versions)
production_run = runs.get(production.run_id) if production and production.run_id else None
any_metrics = production_run.metrics if production_run else {}
if not any_metrics and latest and latest.run_id in runs:
    any_metrics = runs[latest.run_id].metrics
key_metric = lifecycle.key_metric_name(detail.model.tags, any_metrics)

st.title(name)
if detail.model.aliases:
    st.markdown(
        " ".join(
            f":violet-badge[@{alias} → v{number}]"
            for alias, number in sorted(detail.model.aliases.items())
        )
    )
if detail.model.description:
    st.markdown(detail.model.description)
if detail.model.tags:
    st.caption(" · ".join(f"{k}: {v}" for k, v in sorted(detail.model.tags.items())))

columns = st.columns(5)
columns[0].metric("Versions", len(versions))
columns[1].metric(
    "In production",
    f"v{production.version}" if production else "none",
    help="Stage Production, or the version holding the production/champion alias.",
)
key_value = production_run.metrics.get(key_metric) if production_run and key_metric else None
columns[2].metric(
    f"Production {key_metric or 'metric'}", f"{key_value:.4f}" if key_value is not None else "—"
)
columns[3].metric("Latest", f"v{latest.version}" if latest else "—")
last_update = max((v.updated_at for v in versions if v.updated_at), default=None)
columns[4].metric(
    "Last update",
    last_update.strftime("%Y-%m-%d") if last_update else "—",
    help=tables.format_time(last_update),
)

metrics = tables.metric_columns(key_metric, runs.values())
frame = tables.versions_frame(versions, runs, metrics)
st.subheader("Versions")
st.caption("Select a row to open the version.")
widgets.table_opening_a_page(
    frame,
    {
        "Version": st.column_config.NumberColumn(format="v%d"),
        "Created": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        "Updated": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        **{metric: st.column_config.NumberColumn(format="%.4f") for metric in metrics},
    },
    "version",
    "Version",
    lambda number: {"model": name, "version": str(number)},
)

if key_metric and frame[key_metric].notna().any():
    chart_frame = frame.dropna(subset=[key_metric]).sort_values("Version")
    figure = px.bar(
        chart_frame,
        x="Version",
        y=key_metric,
        color="Stage",
        color_discrete_map={
            "Production": "#2e7d32",
            "Staging": "#ef6c00",
            "Archived": "#9e9e9e",
            "None": "#1e88e5",
        },
        title=f"{key_metric} per version",
    )
    figure.update_xaxes(
        type="category", categoryorder="array", categoryarray=chart_frame["Version"].tolist()
    )
    st.plotly_chart(figure)

st.subheader("Production history")
timeline = audit_view.production_timeline(
    cache.store().events(AuditFilter(models=[name], outcomes=["done"]))
)
if timeline.empty:
    st.caption(
        "No production change has been made through the dashboard yet; MLflow itself "
        "keeps no history of who moved what."
    )
else:
    panels.production_history(detail, timeline)
panels.roll_back_panel(uri, detail, runs)

st.subheader("Recent actions")
recent = cache.store().events(AuditFilter(models=[name], limit=20))
if recent:
    widgets.audit_table(audit_view.events_frame(recent).drop(columns=["Model"]))
    st.page_link(
        navigation.page("audit"),
        label="Full audit trail of this model",
        icon=":material/history:",
        query_params={"model": name},
    )
else:
    st.caption("No action has been taken on this model through the dashboard yet.")

st.subheader("Version history")
st.caption(
    "Registrations and last changes as MLflow records them (MLflow keeps no actor for "
    "stage or alias moves)."
)
st.dataframe(
    tables.history_frame(versions),
    hide_index=True,
    column_config={
        "When": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
        "Version": st.column_config.NumberColumn(format="v%d"),
    },
)
