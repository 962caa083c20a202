"""Entry point: reads settings, signs the user in, builds their navigation and runs the page."""

import streamlit as st

from dashboard import auth, cache, navigation, widgets
from dashboard.config import load_settings
from dashboard.errors import DashboardError
from dashboard.streamlit_pages import run_page

st.set_page_config(page_title="Model registry", page_icon=":material/hub:", layout="wide")

try:
    settings = load_settings()
    cache.policy()  # a bad policy file stops the app here, naming the line and the reason
    cache.store()  # opens DASHBOARD_DB_URL and runs its migrations
    screen_access = auth.screen_token_access()
    if screen_access:
        # The read-only screen token opens the team screen and nothing else. Every page is
        # registered (hidden) so /screen resolves; any other page is refused.
        page = st.navigation(list(navigation.pages().values()), position="hidden")
        if page.url_path == "screen":
            run_page(page)
        else:
            st.warning(
                "A screen token opens the team screen only: use /screen?token=... or sign in.",
                icon=":material/lock:",
            )
        st.stop()
    if screen_access is False:
        st.error(
            "This team screen link's token is not valid. Sign in, or ask an admin for the "
            "current link.",
            icon=":material/key_off:",
        )
    # Before st.navigation: the first run of a session must know the user's pages, or a
    # deep link to one of them would fall back to the overview.
    user = auth.signed_in_user(settings)
except DashboardError as error:
    st.error(str(error), icon=":material/error:")
    st.stop()
if user is None:
    # The sign-in form is drawn; nothing of the registry is read before sign-in. Every page
    # is registered (hidden, never run) so the URL keeps naming the page the link asked for
    # and the run after sign-in opens it.
    st.navigation(list(navigation.pages().values()), position="hidden")
    st.stop()

page = st.navigation(navigation.pages_for(user.roles))
if page.url_path == "screen":
    run_page(page)  # the wall screen draws its own health banner and keeps its last state
    st.stop()
auth.sign_out_button(user)
status = cache.status(settings.tracking_uri)
widgets.registry_sidebar(settings, status)
if not status.healthy:
    st.error(status.message, icon=":material/cloud_off:")
    st.stop()
run_page(page)
