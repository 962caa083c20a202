"""The users file (DASHBOARD_AUTH_CONFIG) and the cookie key: read, validated, no Streamlit.

The file is streamlit-authenticator's shape (`credentials.usernames.NAME.{name, email,
password, roles}`, optional `cookie.{name, expiry_days}`), with stricter rules: every
password is a bcrypt hash (no plain text is hashed on the fly), every user has at least
one of the dashboard's roles, and the cookie's signing key is never in the file.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bcrypt
import yaml

from dashboard.errors import ConfigurationError
from dashboard.roles import ROLES

BCRYPT_HASH = re.compile(r"^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
DEFAULT_COOKIE_NAME = "model_registry_dashboard"
DEFAULT_EXPIRY_DAYS = 1.0


@dataclass(frozen=True)
class UsersFile:
    credentials: dict[str, Any]  # streamlit-authenticator's `credentials` mapping
    cookie_name: str
    cookie_expiry_days: float


def load_users(path: Path) -> UsersFile:
    """Read and check the users file; ConfigurationError names the file and what is wrong."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigurationError(
            f"The users file {path} (DASHBOARD_AUTH_CONFIG) does not exist."
        ) from None
    except (OSError, yaml.YAMLError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ConfigurationError(f"The users file {path} cannot be read: {first_line}") from None
    return parse_users(raw, str(path))


def parse_users(raw: object, source: str) -> UsersFile:
    def bad(reason: str) -> ConfigurationError:
        return ConfigurationError(f"The users file {source} is not usable: {reason}")

    if not isinstance(raw, dict):
        raise bad("it is empty or not a mapping; it needs credentials.usernames.")
    usernames = (
        (raw.get("credentials") or {}).get("usernames")
        if isinstance(raw.get("credentials"), dict)
        else None
    )
    if not isinstance(usernames, dict) or not usernames:
        raise bad("credentials.usernames lists no user.")
    users: dict[str, dict[str, Any]] = {}
    for username, fields in usernames.items():
        where = f"credentials.usernames.{username}"
        if not isinstance(username, str) or not USERNAME.match(username):
            raise bad(f"{where}: a username is lower-case letters, digits, '.', '_' or '-'.")
        if not isinstance(fields, dict):
            raise bad(f"{where} must be a mapping with name, password and roles.")
        password = fields.get("password")
        if not isinstance(password, str) or not BCRYPT_HASH.match(password):
            raise bad(
                f"{where}.password must be a bcrypt hash "
                "(make one with `python -m dashboard hash-password`)."
            )
        user_roles = fields.get("roles")
        if (
            not isinstance(user_roles, list)
            or not user_roles
            or any(role not in ROLES for role in user_roles)
        ):
            raise bad(f"{where}.roles must list one or more of: {', '.join(ROLES)}.")
        users[username] = {
            "name": str(fields.get("name") or username),
            "email": str(fields.get("email") or ""),
            "password": password,
            "roles": list(user_roles),
        }
    cookie = raw.get("cookie") or {}
    if not isinstance(cookie, dict):
        raise bad("cookie must be a mapping with name and expiry_days.")
    if "key" in cookie:
        raise bad(
            "cookie.key must not be in the file: set DASHBOARD_COOKIE_KEY or cookie_key in "
            ".streamlit/secrets.toml."
        )
    expiry = cookie.get("expiry_days", DEFAULT_EXPIRY_DAYS)
    if isinstance(expiry, bool) or not isinstance(expiry, int | float) or expiry <= 0:
        raise bad("cookie.expiry_days must be a number of days above 0.")
    return UsersFile(
        credentials={"usernames": users},
        cookie_name=str(cookie.get("name") or DEFAULT_COOKIE_NAME),
        cookie_expiry_days=float(expiry),
    )


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def cookie_key(secret_from_file: str | None, demo_mode: bool, demo_folder: Path) -> str:
    """The sign-in cookie's signing key: DASHBOARD_COOKIE_KEY, else `cookie_key` from
    .streamlit/secrets.toml, else (demo mode only) one generated once and kept beside the
    demo registry so a restart keeps people signed in."""
    key = os.environ.get("DASHBOARD_COOKIE_KEY", "").strip() or (secret_from_file or "").strip()
    if key:
        if len(key) < 32:
            raise ConfigurationError(
                "The cookie key (DASHBOARD_COOKIE_KEY or cookie_key in .streamlit/secrets.toml) "
                "must be at least 32 characters; generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        return key
    if not demo_mode:
        raise ConfigurationError(
            "No cookie key: set DASHBOARD_COOKIE_KEY or cookie_key in .streamlit/secrets.toml "
            "(at least 32 random characters)."
        )
    stored = demo_folder / "cookie_key"
    if not stored.exists():
        demo_folder.mkdir(parents=True, exist_ok=True)
        stored.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        stored.chmod(0o600)
    return stored.read_text(encoding="utf-8").strip()
