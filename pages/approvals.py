"""Approvals page: the reviewer queue of pending promotion requests, and decided ones."""

import pandas as pd
import streamlit as st

from dashboard import cache, panels, widgets

uri = widgets.page_setup()
store = cache.store()
st.title("Approvals")
st.caption(
    f"Acting as {cache.action_context(uri).actor}. A request is executed only when a "
    "reviewer other than its requester approves it and the policy passes at that moment."
)
panels.last_result()

pending = store.requests(statuses=["pending"])
st.subheader(f"Pending ({len(pending)})")
if not pending:
    st.info("No request is waiting for a reviewer.")
for request in pending:
    panels.request_card(uri, request)

decided = [r for r in store.requests() if r.status != "pending"][:50]
st.subheader("Decided")
if decided:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Request": f"#{r.id}",
                    "Model": r.model,
                    "Version": r.version,
                    "Move": f"{r.from_stage} → {r.to_stage}",
                    "Status": r.status,
                    "Requester": r.requester,
                    "Reviewer": r.reviewer or "—",
                    "Comment": r.comment,
                    "Decided": r.decided_at,
                    "Error": r.error,
                }
                for r in decided
            ]
        ),
        hide_index=True,
        column_config={"Decided": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
    )
else:
    st.caption("No request has been decided yet.")
