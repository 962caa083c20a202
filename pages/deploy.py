"""Deploy page: how to load and serve a version, a live scoring check, and its Kubernetes
manifest from the policy's deployment section."""

import pandas as pd
import streamlit as st

from dashboard import cache, deployment, widgets
from dashboard.config import load_settings
from dashboard.errors import DashboardError

uri = widgets.page_setup()
settings = load_settings()
detail, version = widgets.model_and_version(uri)
name, number = version.name, version.version
st.title(f"Deploy {name} · version {number}")
widgets.version_badges(version)

st.subheader("Model URIs")
st.dataframe(
    pd.DataFrame(
        [
            {"Loads by": by, "URI": model_uri}
            for by, model_uri in deployment.model_uris(version).items()
        ]
    ),
    hide_index=True,
)
st.caption("Python: `mlflow.pyfunc.load_model(URI)` with MLFLOW_TRACKING_URI set to this registry.")
st.markdown("**Serve it locally** (MLflow's scoring server: `POST /invocations`, `GET /health`)")
st.code(
    deployment.serve_command(version, settings.masked_tracking_uri),
    language="bash",
    wrap_lines=True,
)

st.subheader("Score it")
key = f"score-input-{name}-{number}"
try:
    model = cache.pyfunc_model(uri, name, number)
except DashboardError as error:
    st.error(str(error), icon=":material/error:")
    model = None
if model is not None:
    example = model.input_example
    if key not in st.session_state:
        st.session_state[key] = (
            deployment.to_dataframe_split(pd.DataFrame(example))
            if example is not None
            else '{"dataframe_split": {"columns": [], "data": []}}'
        )
    st.caption(
        "The version's input example"
        if example is not None
        else "This version was logged without an input example: paste rows below."
    )
    text = st.text_area("Input (dataframe_split JSON)", key=key, height=200)
    if st.button("Score", type="primary", key=f"score-{name}-{number}"):
        try:
            frame = deployment.parse_dataframe_split(text)
            predictions = deployment.predictions_frame(model.predict(frame))
        except DashboardError as error:
            st.error(str(error), icon=":material/error:")
        except Exception as error:  # the model's own code refused the input
            st.error(f"The model could not score this input: {error}", icon=":material/error:")
        else:
            st.success(f"{len(predictions)} predictions from {name} v{number}.")
            st.dataframe(pd.concat([frame, predictions], axis=1), hide_index=True)

st.subheader("Kubernetes")
policy = cache.policy()
st.caption(
    f"From the policy's deployment section: {policy.deployment.replicas} replicas, limits "
    f"{policy.deployment.cpu_limit} CPU and {policy.deployment.memory_limit}, probes on "
    f"{policy.deployment.health_endpoint} every {policy.deployment.health_interval_seconds} s. "
    "Registry credentials are not written here: give them to the pod from a Secret."
)
manifest = deployment.manifest(version, policy.deployment, settings.masked_tracking_uri)
st.code(manifest, language="yaml")
st.download_button(
    "Download manifest",
    manifest,
    file_name=f"{deployment.kubernetes_name(name, number)}.yaml",
    mime="application/yaml",
)
