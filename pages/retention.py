"""Retention page (admins): what the version policy would delete, then, confirmed, delete it."""

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from dashboard import actions, cache, panels, retention, widgets
from dashboard.actions import ActionResult

uri = widgets.page_setup()
policy = cache.policy()
ctx = cache.action_context(uri)
st.title("Retention clean-up")
rules = []
if policy.retention_days:
    rules.append(
        f"older than {policy.retention_days} days and in "
        + (", ".join(policy.archive_stages) or "any stage")
    )
if policy.max_versions:
    rules.append(f"beyond {policy.max_versions} versions of a model (oldest first)")
st.caption(
    "Dry run of the policy's version_policy: "
    + ("; or ".join(rules) if rules else "no retention rule is set")
    + ". A version holding an alias, in Staging or Production, or with a pending request is "
    "never listed."
)
panels.last_result()

pending = {(r.model, r.version) for r in ctx.store.requests(statuses=["pending"])}
listed = retention.candidates(cache.all_versions(uri), policy, pending, datetime.now(UTC))
if not listed:
    st.success("Nothing to delete: every version is within the policy.", icon=":material/done_all:")
    st.stop()

st.dataframe(
    pd.DataFrame(
        [
            {
                "Model": c.version.name,
                "Version": c.version.version,
                "Stage": c.version.stage,
                "Created": c.version.created_at,
                "Why": c.reason,
            }
            for c in listed
        ]
    ),  # fmt: skip
    hide_index=True,
    column_config={
        "Version": st.column_config.NumberColumn(format="v%d"),
        "Created": st.column_config.DatetimeColumn(format="YYYY-MM-DD"),
    },
)
st.warning(
    f"Deleting removes these {len(listed)} versions from MLflow for good; each deletion is "
    "audited.",
    icon=":material/warning:",
)
confirmed = st.checkbox(f"I have checked the list: delete {len(listed)} versions")
if st.button("Delete listed versions", type="primary", disabled=not confirmed):
    results = [
        actions.delete_version(ctx, c.version.name, c.version.version, f"retention: {c.reason}")
        for c in listed
    ]
    done = sum(result.done for result in results)
    problems = [result.message for result in results if not result.done]
    message = f"Deleted {done} of {len(listed)} versions." + (
        " Not deleted: " + " ".join(problems) if problems else ""
    )
    cache.clear_all()
    panels.finish(ActionResult("done" if not problems else "refused", message))
