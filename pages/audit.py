"""Audit page: every write the dashboard made or refused, filtered and exported as CSV."""

from datetime import UTC, datetime, time, timedelta

import streamlit as st

from dashboard import audit_view, auth, cache, roles, widgets
from dashboard.store import AuditFilter

widgets.page_setup()
store = cache.store()
st.title("Audit trail")
st.caption(
    "Append-only: every action, refused ones included, with who, when, what changed, "
    "the policy checklist and the reason."
)

models_column, actors_column, actions_column, outcomes_column = st.columns(4)
requested_model = st.query_params.get("model")
known_models = store.distinct("model")
models = models_column.multiselect(
    "Model", known_models, default=[requested_model] if requested_model in known_models else []
)
actors = actors_column.multiselect("Actor", store.distinct("actor"))
actions = actions_column.multiselect("Action", store.distinct("action"))
outcomes = outcomes_column.multiselect("Outcome", ["done", "refused", "failed"])
today = datetime.now(UTC).date()
period = st.date_input("Between", (today - timedelta(days=30), today), max_value=today)
since = until = None
if isinstance(period, tuple) and len(period) == 2:
    since = datetime.combine(period[0], time.min, tzinfo=UTC)
    until = datetime.combine(period[1] + timedelta(days=1), time.min, tzinfo=UTC)

events = store.events(
    AuditFilter(
        models=models, actors=actors, actions=actions, outcomes=outcomes, since=since, until=until
    )
)
frame = audit_view.events_frame(events)
if frame.empty:
    st.info("No audit event matches these filters.")
else:
    widgets.audit_table(frame)
    st.caption(f"{len(frame)} events.")
st.download_button(
    "Download CSV",
    frame.to_csv(index=False),
    file_name="audit.csv",
    mime="text/csv",
    disabled=frame.empty,
)

if roles.is_admin(auth.current_user().roles):
    st.subheader("Activity by user")
    st.caption("Admins only: every user's actions in the period above, most recently active first.")
    everyone = store.events(AuditFilter(since=since, until=until))
    st.dataframe(
        audit_view.activity_by_actor(everyone),
        hide_index=True,
        column_config={"Last seen": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
    )
