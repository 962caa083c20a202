"""Sign-in with streamlit-authenticator: who the session's user is, the form, and sign-out.

app.py calls `signed_in_user` before `st.navigation`, so the first run of a session already
knows the user's pages and a deep link opens the page it names. A cookie signed with the
cookie key keeps a user signed in across reloads; sign-out deletes it.
"""

from __future__ import annotations

import contextlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from dashboard import roles
from dashboard.config import Settings, demo_dir
from dashboard.errors import ConfigurationError, DashboardError
from dashboard.users import UsersFile, cookie_key, load_users

SIGN_OUT_KEY = "sign_out_requested"


@dataclass(frozen=True)
class User:
    username: str
    name: str
    roles: frozenset[str]

    @property
    def role_names(self) -> str:
        """ "Reviewer", "Data scientist, Admin": in the order of roles.ROLES."""
        return roles.describe(sorted(self.roles, key=_role_order))


def _role_order(role: str) -> int:
    return roles.ROLES.index(role) if role in roles.ROLES else len(roles.ROLES)


def users_file(settings: Settings) -> UsersFile:
    if settings.auth_config_path is None:
        raise ConfigurationError(
            "Sign-in is not configured: set DASHBOARD_AUTH_CONFIG to the users file "
            "(users, bcrypt password hashes and roles). Outside the demo there is no default "
            "user or password."
        )
    path = Path(settings.auth_config_path)
    return _users_file(str(path), path.stat().st_mtime if path.exists() else 0.0)


@st.cache_data(show_spinner=False)
def _users_file(path: str, modified: float) -> UsersFile:
    """Parsed once per file version; st.cache_data hands out copies, which matters because
    streamlit-authenticator writes into the credentials it is given."""
    return load_users(Path(path))


def _secret(name: str) -> str | None:
    """A value from .streamlit/secrets.toml, or None (no file, or no such key)."""
    try:
        return st.secrets.get(name)
    except FileNotFoundError:
        return None


def screen_token_access() -> bool | None:
    """None when the URL carries no `?token=`; else whether it is the team screen's
    read-only token (DASHBOARD_SCREEN_TOKEN or `screen_token` in secrets), compared in
    constant time. No token configured: every token is wrong."""
    given = st.query_params.get("token")
    if given is None:
        return None
    expected = os.environ.get("DASHBOARD_SCREEN_TOKEN", "").strip() or _secret("screen_token")
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), str(expected).encode("utf-8"))


def _authenticator(settings: Settings) -> stauth.Authenticate:
    users = users_file(settings)
    return stauth.Authenticate(
        users.credentials,
        users.cookie_name,
        cookie_key(_secret("cookie_key"), settings.demo_mode, demo_dir()),
        users.cookie_expiry_days,
        auto_hash=False,  # the file holds bcrypt hashes only (users.load_users checks)
        login_sleep_time=0,  # the cookie is read from the request, no need to wait for it
    )


def signed_in_user(settings: Settings) -> User | None:
    """The signed-in user, or None after drawing the sign-in form (the caller stops).

    ConfigurationError when the users file or the cookie key is missing or unusable."""
    authenticator = _authenticator(settings)
    if st.session_state.pop(SIGN_OUT_KEY, False):
        authenticator.logout(location="unrendered")  # clears the session, deletes the cookie
    # Signs in from a valid cookie, if any; a cookie naming a user no longer in the file
    # raises LoginError, and the form asks for a password instead.
    with contextlib.suppress(LoginError):
        authenticator.login(location="unrendered")
    if not st.session_state.get("authentication_status") and not _sign_in_form(
        authenticator, settings
    ):
        return None
    return current_user()


def current_user() -> User:
    """The session's user; DashboardError when nobody is signed in."""
    username = st.session_state.get("username")
    if not st.session_state.get("authentication_status") or not username:
        raise DashboardError("Sign in first.")
    return User(
        username=username,
        name=st.session_state.get("name") or username,
        roles=frozenset(st.session_state.get("roles") or ()),
    )


def _sign_in_form(authenticator: stauth.Authenticate, settings: Settings) -> bool:
    """Draw the form; True when this run signed the user in (the form is then cleared and
    the signed cookie set, so the page the URL names is drawn in this same run)."""
    box = st.empty()
    with box.container():
        _, middle, _ = st.columns([1, 2, 1])
        with middle:
            st.title(":material/hub: Model registry")
            st.caption("Sign in to see the registry's models and act on them.")
            with st.form("sign_in"):
                username = st.text_input("Username", autocomplete="username")
                password = st.text_input(
                    "Password", type="password", autocomplete="current-password"
                )
                submitted = st.form_submit_button("Sign in", type="primary", width="stretch")
            if settings.demo_mode:
                st.info(
                    "Demo users (password `demo-` + username): `viewer`, `scientist`, "
                    "`reviewer`, `admin`.",
                    icon=":material/info:",
                )
            message = st.empty()
    if not submitted:
        return False
    if not username.strip() or not password:
        message.warning("Enter your username and password.", icon=":material/warning:")
        return False
    try:
        signed_in = authenticator.authentication_controller.login(username, password)
    except LoginError as error:
        signed_in, reason = False, str(error)
    else:
        reason = "Wrong username or password."
    if not signed_in:
        message.error(reason, icon=":material/lock:")
        return False
    box.empty()
    st.session_state["logout"] = False  # a sign-out earlier in this session is over
    authenticator.cookie_controller.set_cookie()
    return True


def sign_out_button(user: User) -> None:
    """Sidebar: who is signed in, and the button that signs them out on the next run."""
    with st.sidebar:
        st.caption("Signed in as")
        st.markdown(f"**{user.name}** · {user.role_names}")
        st.button(
            "Sign out",
            icon=":material/logout:",
            width="stretch",
            on_click=lambda: st.session_state.update({SIGN_OUT_KEY: True}),
        )
