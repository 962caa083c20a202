"""Settings read from the environment (PRODUCT.md's configuration contract); no other I/O."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dashboard.errors import ConfigurationError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE_TTL_SECONDS = 30
DEFAULT_POLICY = REPO_ROOT / "policies" / "example.yaml"
DEMO_USERS = REPO_ROOT / "demo" / "users.yaml"
# Query-string keys whose values are credentials in some tracking-server URIs.
SECRET_QUERY_KEYS = {"token", "access_token", "password", "secret", "key", "api_key", "sig"}


def demo_dir() -> Path:
    """Folder of the embedded demo registry (SQLite file and artifacts)."""
    return Path(os.environ.get("DASHBOARD_DEMO_DIR", REPO_ROOT / ".demo")).resolve()


def demo_tracking_uri() -> str:
    return f"sqlite:///{demo_dir() / 'mlflow.db'}"


def default_db_url() -> str:
    """The approvals/audit store beside the demo registry (its folder is created)."""
    demo_dir().mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{demo_dir() / 'dashboard.db'}"


@dataclass(frozen=True)
class Settings:
    tracking_uri: str
    cache_ttl_seconds: int
    demo_mode: bool
    policy_path: Path
    # The users file; None outside demo mode when DASHBOARD_AUTH_CONFIG is unset (the app
    # then refuses to start: there is no default password).
    auth_config_path: Path | None
    db_url: str
    screen_refresh_seconds: int = 30

    @property
    def masked_tracking_uri(self) -> str:
        return mask_uri(self.tracking_uri)


def load_settings() -> Settings:
    """Read the environment; raise ConfigurationError with a sentence when a value is unusable."""
    explicit_uri = os.environ.get("MLFLOW_TRACKING_URI", "").strip()
    auth_config = os.environ.get("DASHBOARD_AUTH_CONFIG", "").strip()
    return Settings(
        tracking_uri=explicit_uri or demo_tracking_uri(),
        cache_ttl_seconds=_cache_ttl(),
        demo_mode=not explicit_uri,
        policy_path=Path(os.environ.get("DASHBOARD_POLICY", "").strip() or DEFAULT_POLICY),
        auth_config_path=Path(auth_config)
        if auth_config
        else (None if explicit_uri else DEMO_USERS),
        db_url=os.environ.get("DASHBOARD_DB_URL", "").strip() or default_db_url(),
        screen_refresh_seconds=_whole_seconds("DASHBOARD_SCREEN_REFRESH", 30, minimum=5),
    )


def _cache_ttl() -> int:
    return _whole_seconds("DASHBOARD_CACHE_TTL", DEFAULT_CACHE_TTL_SECONDS, minimum=0)


def _whole_seconds(variable: str, default: int, minimum: int) -> int:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        seconds = int(raw)
    except ValueError:
        seconds = minimum - 1
    if seconds < minimum:
        raise ConfigurationError(
            f"{variable} must be a whole number of seconds ({minimum} or more), not {raw!r}."
        )
    return seconds


def mask_uri(uri: str) -> str:
    """Hide the password in a URI's user-info and credential-like query values.

    The user name is kept (it helps tell registries apart); anything secret becomes `***`.
    """
    parts = urlsplit(uri)
    netloc = parts.netloc
    if "@" not in netloc and not parts.query:
        return uri  # nothing secret; urlunsplit would also drop a sqlite://// URI's slashes
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in userinfo else f"***@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(
            [(k, "***" if k.lower() in SECRET_QUERY_KEYS else v) for k, v in pairs], safe="*"
        )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def public_base_url(uri: str) -> str | None:
    """The tracking server's web address without credentials, for links to the MLflow UI."""
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https"):
        return None
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))
