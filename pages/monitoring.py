"""Monitoring page: each rule of the policy, its value now, its state, what the monitor did last."""

import pandas as pd
import streamlit as st

from dashboard import cache, monitoring, widgets
from dashboard.errors import NotFound

uri = widgets.page_setup()
policy = cache.policy()
st.title("Monitoring")
st.caption(
    "Rules from the policy's monitoring.rules. The monitor (`python -m dashboard.monitor "
    "--interval 300`) reads each production version's metric (its latest evaluation run "
    "tagged evaluation.model / evaluation.version, else its training run) and, on a breach, "
    "rolls back to the last good version (mode auto) or files a roll back request (propose)."
)
if not policy.monitoring.rules:
    st.info(
        f"The policy {policy.source} has no monitoring rules. Add some, for example:",
        icon=":material/info:",
    )
    st.code(
        "monitoring:\n  rules:\n    iris_classifier: {metric: accuracy, mode: auto}\n"
        "    wine_classifier: {metric: f1_score, min_value: 0.9, mode: propose}",
        language="yaml",
    )
    st.stop()

last_checks = cache.store().latest_checks()
STATE_LABELS = {
    "ok": "ok",
    "breach": "BREACH",
    "no_data": "no data",
    "no_production": "nothing in production",
}
rows = []
for rule in policy.monitoring.rules:
    try:
        detail = cache.model_detail(uri, rule.model)
    except NotFound:
        rows.append({"Model": rule.model, "State": "no such model", "Now": "—"})
        continue
    runs = cache.runs_for(uri, tuple(sorted({v.run_id for v in detail.versions if v.run_id})))
    found = monitoring.assess(rule, detail.versions, runs, cache.evaluation_runs(uri, rule.model))
    last = last_checks.get(rule.model)
    limit = [f"≥ {rule.min_value}"] if rule.min_value is not None else []
    if rule.max_drop is not None:
        limit.append(f"drop ≤ {rule.max_drop} vs previous")
    rows.append(
        {
            "Model": rule.model,
            "Rule": f"{rule.metric} {' and '.join(limit)} · {rule.mode}",
            "Production": f"v{found.production}" if found.production else "—",
            "Value": found.reading.value,
            "From": found.reading.source,
            "Threshold": found.threshold,
            "State": STATE_LABELS[found.state],
            "Last good": f"v{found.last_good}" if found.last_good else "—",
            "Now": found.message,
            "Monitor ran": last.at if last else None,
            "It did": f"{last.action}: {last.message}" if last else "never ran",
        }
    )
st.dataframe(
    pd.DataFrame(rows),
    hide_index=True,
    column_config={
        "Value": st.column_config.NumberColumn(format="%.4f"),
        "Threshold": st.column_config.NumberColumn(format="%.4f"),
        "Monitor ran": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
    },
)
