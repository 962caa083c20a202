"""Lineage page: dataset -> run -> logged model -> version -> stage and aliases, and its data."""

import streamlit as st

from dashboard import cache, lineage, tables, widgets
from dashboard.config import public_base_url

uri = widgets.page_setup()
detail, version = widgets.model_and_version(uri)
run = cache.runs_for(uri, (version.run_id,)).get(version.run_id) if version.run_id else None
key_metric = detail.model.tags.get("key_metric")

st.title(f"Lineage of {version.name} v{version.version}")
graph = lineage.version_lineage(
    version, run, [key_metric] if key_metric else [], public_base_url(uri)
)
for sentence in graph.missing:
    st.warning(sentence, icon=":material/link_off:")
st.graphviz_chart(lineage.to_dot(graph))
st.caption("Nodes link to their page here or, for runs and logged models, to the MLflow UI.")

st.subheader("Training data")
data_column, facts_column = st.columns([3, 2])
with data_column:
    if run and run.datasets:
        st.dataframe(
            [
                {
                    "Dataset": d.name,
                    "Digest": d.digest,
                    "Context": d.context or "—",
                    "Source": lineage.dataset_source(d.source_type, d.source),
                    "Profile": d.profile or "—",
                    "Schema": d.schema or "—",
                }
                for d in run.datasets
            ],
            hide_index=True,
        )
    else:
        st.info("Dataset inputs: not recorded.")
with facts_column:
    st.dataframe(
        tables.mapping_frame(lineage.data_facts(version, run), "Fact", "Value"), hide_index=True
    )
