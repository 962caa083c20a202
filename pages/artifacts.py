"""Artifact browser: the version's model files and its run's artifacts, with safe previews."""

import streamlit as st

from dashboard import artifacts, cache, panels, widgets
from dashboard.errors import DashboardError
from dashboard.registry import ArtifactStore

uri = widgets.page_setup()
detail, version = widgets.model_and_version(uri)
st.title(f"Files of {version.name} v{version.version}")

stores: dict[str, tuple[str, ArtifactStore | None]] = {
    "model": (
        f"Model files (models:/{version.name}/{version.version})",
        artifacts.model_store(version),
    ),
    "run": ("Run artifacts", ArtifactStore("run", version.run_id) if version.run_id else None),
}
cap = artifacts.preview_max_bytes()
columns = st.columns(2)
listings = {}
for column, (kind, (title, store)) in zip(columns, stores.items(), strict=True):
    with column:
        st.subheader(title)
        if store is None:
            st.info("Not recorded for this version.")
            continue
        files = cache.artifact_files(uri, store)
        listings[kind] = (store, files)
        rows = artifacts.tree_rows(files)
        st.dataframe(
            [
                {
                    "Name": ("\u2003" * row.depth)
                    + (f"▾ {row.name}/" if row.is_folder else row.name),
                    "Size": artifacts.human_size(row.size),
                }
                for row in rows
            ],
            hide_index=True,
            key=f"tree-{kind}",
        )

choices = [(kind, file.path) for kind, (_, files) in listings.items() for file in files]
if not choices:
    st.stop()
requested = (st.query_params.get("store"), st.query_params.get("path"))
if requested[1] is not None:
    store_kind = requested[0] if requested[0] in listings else "run"
    try:
        chosen_file = artifacts.checked_path(requested[1], listings.get(store_kind, (None, []))[1])
        default = (store_kind, chosen_file.path)
    except DashboardError as error:
        st.error(str(error), icon=":material/block:")
        default = choices[0]
else:
    default = choices[0]

st.subheader("Preview")
kind, path = st.selectbox(
    "File",
    choices,
    index=choices.index(default),
    format_func=lambda choice: f"{'model' if choice[0] == 'model' else 'run'}: {choice[1]}",
)
if (st.query_params.get("store"), st.query_params.get("path")) != (kind, path):
    st.query_params["store"], st.query_params["path"] = kind, path
store, files = listings[kind]
file = artifacts.checked_path(path, files)
preview = artifacts.preview_kind(file.path)
too_big = file.size is not None and file.size > cap
st.caption(f"{file.path} · {artifacts.human_size(file.size)}")
if too_big:
    st.info(
        f"This file is larger than the preview cap ({artifacts.human_size(cap)}, set by "
        "DASHBOARD_PREVIEW_MAX_BYTES): it is not previewed. Download it instead."
    )
    if st.button("Prepare download"):
        data = cache.registry_service(uri).read_artifact(store, file.path)
        st.download_button(f"Download {file.path}", data, file_name=file.path.split("/")[-1])
else:
    data = cache.artifact_bytes(uri, store, file.path)
    panels.artifact_preview(file.path, preview, data)
    st.download_button(
        f"Download {file.path.split('/')[-1]}", data, file_name=file.path.split("/")[-1]
    )
