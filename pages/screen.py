"""Team screen: a read-only wall board of what runs in production, refreshing by itself."""

from dataclasses import replace
from datetime import UTC, datetime

import streamlit as st

from dashboard import cache, screen, screen_view, widgets
from dashboard.config import load_settings
from dashboard.errors import DashboardError
from dashboard.store import AuditFilter

uri = widgets.page_setup()
settings = load_settings()
st.html(screen_view.KIOSK_CSS)
requested_page = st.query_params.get("page", "")
pinned = int(requested_page) if requested_page.isdigit() and int(requested_page) > 0 else None


@st.fragment(run_every=settings.screen_refresh_seconds)
def board() -> None:
    now = datetime.now(UTC)
    status = cache.status(uri)
    remembered = cache.last_known(uri)
    try:
        cards = cache.screen_cards(uri)
        remembered.update(cards=cards, at=now)
        stale_since = None
    except DashboardError as error:
        cards = remembered.get("cards", [])
        stale_since = remembered.get("at")
        if status.healthy:  # the health check passed a moment ago, the read did not
            status = replace(status, healthy=False, message=str(error))
    st.html(screen_view.header(now, status, len(cards)))
    if not status.healthy:
        st.html(screen_view.unreachable_banner(status.message, stale_since, now))
    index = screen_view.page_index(now, settings.screen_refresh_seconds, pinned)
    st.html(screen_view.grid(screen.page(cards, index), now))
    label = screen_view.page_label(len(cards), index, pinned is not None)
    if label:
        st.html(label)
    try:
        changes = cache.store().events(AuditFilter(outcomes=["done"], limit=10))
    except DashboardError as error:
        st.html(screen_view.unreachable_banner(str(error), None, now))
        return
    st.html(screen_view.recent_changes(changes, now))


board()
