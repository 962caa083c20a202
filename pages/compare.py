"""Compare page: versions side by side, the best one by a metric, charts, and a two-version diff."""

import plotly.express as px
import streamlit as st

from dashboard import artifacts, cache, compare, lifecycle, widgets

HISTORY_VERSIONS_MAX = 10

uri = widgets.page_setup()
detail = widgets.model_picker(uri)
name = detail.model.name
numbers = [v.version for v in detail.versions]  # newest first
chosen = widgets.versions_selector(numbers, default=numbers[:10])
if not chosen:
    st.info("Pick at least one version to compare.")
    st.stop()
versions = [detail.version(number) for number in sorted(chosen, reverse=True)]
runs = cache.runs_for(uri, tuple(sorted({v.run_id for v in detail.versions if v.run_id})))

st.title(f"Compare versions of {name}")
toggles = st.columns(3)
only_differences = toggles[0].toggle("Only differences")
show_run_tags = toggles[1].toggle("Run tags")
frame = compare.comparison_frame(versions, runs, include_run_tags=show_run_tags)
differs = compare.differing_rows(frame)

metrics = sorted(frame.loc[frame[compare.SECTION] == "metric", compare.NAME])
best = None
if metrics:
    key_metric = detail.model.tags.get("key_metric")
    pick, direction_column = st.columns([2, 1])
    metric = pick.selectbox(
        "Best version by", metrics, index=metrics.index(key_metric) if key_metric in metrics else 0
    )
    direction = direction_column.radio(
        "Better is",
        ["higher", "lower"],
        horizontal=True,
        index=1 if compare.lower_is_better(metric) else 0,
        key=f"direction-{metric}",
    )
    answer = compare.best_version(versions, runs, metric, direction == "higher")
    if answer:
        best, runner_up = answer
        st.success(best.sentence(runner_up), icon=":material/trophy:")

shown = compare.display_frame(frame[differs] if only_differences else frame)
if best:
    shown = shown.rename(
        columns={compare.version_label(best.version): f"{compare.version_label(best.version)} ★"}
    )
highlight = differs.reindex(shown.index)
st.dataframe(
    shown.style.apply(
        lambda row: ["background-color: #fff3cd" if highlight[row.name] else "" for _ in row],
        axis=1,
    ),
    hide_index=True,
)
st.caption(
    f"{len(versions)} of {len(numbers)} versions; highlighted rows differ between them."
    + (" ★ marks the best version." if best else "")
)
st.download_button(
    "Download CSV", frame.to_csv(index=False), file_name=f"{name}-versions.csv", mime="text/csv"
)

if metrics:
    st.subheader("Charts")
    plotted = st.multiselect("Metrics", metrics, default=[best.metric] if best else metrics[:1])
    metric_rows = frame[(frame[compare.SECTION] == "metric") & frame[compare.NAME].isin(plotted)]
    long = metric_rows.melt(
        id_vars=[compare.SECTION, compare.NAME], var_name="Version", value_name="Value"
    ).dropna(subset=["Value"])
    long["Number"] = long["Version"].str.removeprefix("v").astype(int)
    long = long.sort_values("Number")
    per_version, trend = st.columns(2)
    per_version.plotly_chart(
        px.bar(
            long,
            x="Version",
            y="Value",
            color=compare.NAME,
            barmode="group",
            title="Metric per version",
        )
    )
    trend.plotly_chart(
        px.line(
            long,
            x="Number",
            y="Value",
            color=compare.NAME,
            markers=True,
            title="Trend across version numbers",
            labels={"Number": "version"},
        )
    )

    with_history = sorted(
        {m for v in versions if v.run_id in runs for m in runs[v.run_id].metrics_with_history}
    )
    if with_history:
        history_metric = st.selectbox("Training curve", with_history)
        overlay = []
        for version in versions[:HISTORY_VERSIONS_MAX]:
            run = runs.get(version.run_id or "")
            if run and history_metric in run.metrics_with_history:
                for point in cache.metric_history(uri, run.run_id, history_metric):
                    overlay.append(
                        {
                            "step": point.step,
                            history_metric: point.value,
                            "Version": f"v{version.version}",
                        }
                    )
        if overlay:
            st.plotly_chart(
                px.line(
                    overlay,
                    x="step",
                    y=history_metric,
                    color="Version",
                    title=f"{history_metric} per step",
                )
            )
        if len(versions) > HISTORY_VERSIONS_MAX:
            st.caption(f"Curves of the {HISTORY_VERSIONS_MAX} newest chosen versions.")

    numeric = compare.parallel_frame(versions, runs, best.metric if best else metrics[0])
    if numeric is not None:
        st.plotly_chart(
            px.parallel_coordinates(
                numeric, color=numeric.columns[-1], title="Params against the metric"
            )
        )

st.subheader("Diff of two versions")
production = lifecycle.production_version(detail.versions)
left, right = st.columns(2)
old_default = production.version if production else numbers[-1]
new_default = best.version if best and best.version != old_default else numbers[0]
old_number = left.selectbox(
    "From",
    numbers,
    index=numbers.index(old_default),
    format_func=lambda n: (
        f"v{n}" + (" (production)" if production and n == production.version else "")
    ),
)
new_number = right.selectbox(
    "To", numbers, index=numbers.index(new_default), format_func=lambda n: f"v{n}"
)
old, new = detail.version(old_number), detail.version(new_number)
old_run, new_run = runs.get(old.run_id or ""), runs.get(new.run_id or "")
labels = (f"v{old_number}", f"v{new_number}")

params_tab, metrics_tab, tags_tab, signature_tab, requirements_tab, files_tab = st.tabs(
    ["Params", "Metrics", "Tags", "Signature", "Requirements", "Artifacts"]
)
with params_tab:
    changes = compare.mapping_diff(
        old_run.params if old_run else {}, new_run.params if new_run else {}
    )
    widgets.changes_table(changes, *labels, "No param changed.")
with metrics_tab:
    st.dataframe(
        compare.metric_deltas(
            old_run.metrics if old_run else {}, new_run.metrics if new_run else {}
        ),
        hide_index=True,
    )
with tags_tab:
    widgets.changes_table(compare.mapping_diff(old.tags, new.tags), *labels, "No tag changed.")
model_files = {}
for record in (old, new):
    store = artifacts.model_store(record)
    files = cache.artifact_files(uri, store) if store else []
    paths = {file.path for file in files}
    texts = {
        name: cache.artifact_bytes(uri, store, name).decode("utf-8", errors="replace")
        if store and name in paths
        else None
        for name in ("MLmodel", "requirements.txt")
    }
    run_store = artifacts.ArtifactStore("run", record.run_id) if record.run_id else None
    run_files = cache.artifact_files(uri, run_store) if run_store else []
    model_files[record.version] = (files, texts, run_files)
with signature_tab:
    before = compare.signature_fields(model_files[old_number][1]["MLmodel"])
    after = compare.signature_fields(model_files[new_number][1]["MLmodel"])
    for part in ("inputs", "outputs"):
        st.markdown(f"**{part.capitalize()}**")
        widgets.changes_table(
            compare.lines_diff("\n".join(before[part]), "\n".join(after[part])),
            *labels,
            f"Same {part}: " + (", ".join(after[part]) or "none"),
        )
with requirements_tab:
    widgets.changes_table(
        compare.lines_diff(
            model_files[old_number][1]["requirements.txt"],
            model_files[new_number][1]["requirements.txt"],
        ),
        *labels,
        "Same requirements.",
    )
with files_tab:
    for title, position in (("Model files", 0), ("Run artifacts", 2)):
        st.markdown(f"**{title}**")
        widgets.changes_table(
            compare.artifacts_diff(
                model_files[old_number][position], model_files[new_number][position]
            ),
            *labels,
            "Same files and sizes.",
        )
