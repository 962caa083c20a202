"""The dashboard's own SQL store (SQLAlchemy): the append-only audit trail.

The schema is owned by Alembic migrations (dashboard/migrations), run by `open_store` on start.
The repository offers `record` and `events` only: nothing here updates or deletes an event,
and the database itself refuses it (triggers from the first migration).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.exc import SQLAlchemyError

from dashboard.errors import ConfigurationError, DashboardError

MIGRATIONS = Path(__file__).parent / "migrations"
OUTCOMES = ("done", "refused", "failed")

metadata = sa.MetaData()
audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("actor", sa.String(200), nullable=False, index=True),
    sa.Column("action", sa.String(50), nullable=False, index=True),
    sa.Column("model", sa.String(500), nullable=True, index=True),
    sa.Column("version", sa.Integer, nullable=True),
    sa.Column("before", sa.Text, nullable=True),
    sa.Column("after", sa.Text, nullable=True),
    sa.Column("checklist", sa.Text, nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("outcome", sa.String(20), nullable=False, index=True),
    sa.Column("error", sa.Text, nullable=True),
)


@dataclass(frozen=True)
class AuditEvent:
    actor: str
    action: str
    model: str | None
    version: int | None
    outcome: str
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    checklist: Sequence[Mapping[str, Any]] = ()
    reason: str = ""
    error: str = ""
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    id: int | None = None


@dataclass(frozen=True)
class AuditFilter:
    models: Sequence[str] = ()
    actors: Sequence[str] = ()
    actions: Sequence[str] = ()
    outcomes: Sequence[str] = ()
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 10_000


class Store:
    """Repository of audit events over one SQLAlchemy engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def record(self, event: AuditEvent) -> int:
        if event.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {event.outcome!r}")
        row = {
            "at": event.at, "actor": event.actor, "action": event.action,
            "model": event.model, "version": event.version,
            "before": _json(event.before), "after": _json(event.after),
            "checklist": _json(list(event.checklist)), "reason": event.reason or None,
            "outcome": event.outcome, "error": event.error or None,
        }  # fmt: skip
        with self._errors("recording an audit event"), self.engine.begin() as connection:
            return connection.execute(audit_events.insert().values(**row)).inserted_primary_key[0]

    def events(self, where: AuditFilter = AuditFilter()) -> list[AuditEvent]:
        """Events matching every given filter, newest first."""
        query = sa.select(audit_events).order_by(audit_events.c.at.desc(), audit_events.c.id.desc())
        for column, values in (
            (audit_events.c.model, where.models),
            (audit_events.c.actor, where.actors),
            (audit_events.c.action, where.actions),
            (audit_events.c.outcome, where.outcomes),
        ):
            if values:
                query = query.where(column.in_(list(values)))
        if where.since:
            query = query.where(audit_events.c.at >= where.since)
        if where.until:
            query = query.where(audit_events.c.at < where.until)
        with self._errors("reading the audit trail"), self.engine.connect() as connection:
            rows = connection.execute(query.limit(where.limit)).mappings().all()
        return [_event(row) for row in rows]

    def distinct(self, column: str) -> list[str]:
        """The values a filter can offer (models, actors, actions)."""
        target = audit_events.c[column]
        query = sa.select(target).where(target.is_not(None)).distinct().order_by(target)
        with self._errors("reading the audit trail"), self.engine.connect() as connection:
            return [value for (value,) in connection.execute(query)]

    def _errors(self, what: str):
        return _translate(what, self.engine.url.render_as_string(hide_password=True))


class _translate:
    """Turn a database error into a sentence (never the password in the URL)."""

    def __init__(self, what: str, url: str) -> None:
        self.what, self.url = what, url

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, traceback) -> bool:
        if isinstance(error, SQLAlchemyError):
            reason = str(getattr(error, "orig", error)).splitlines()[0][:200]
            raise DashboardError(
                f"The dashboard's database ({self.url}) failed while {self.what}: {reason}"
            ) from None
        return False


def open_store(url: str) -> Store:
    """Connect to DASHBOARD_DB_URL and bring its schema up to date with the migrations."""
    try:
        engine = sa.create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ValueError, ImportError) as error:
        raise ConfigurationError(
            f"DASHBOARD_DB_URL is not a usable database URL ({error})."
        ) from None
    migrate(engine)
    return Store(engine)


def migrate(engine: sa.Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    shown = engine.url.render_as_string(hide_password=True)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).splitlines()[0][:200]
        raise ConfigurationError(
            f"The dashboard's database {shown} cannot be opened or "
            f"migrated: {reason}. Check DASHBOARD_DB_URL."
        ) from None


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def _event(row: Mapping[str, Any]) -> AuditEvent:
    at = row["at"]
    if at.tzinfo is None:  # SQLite returns naive datetimes; they were stored in UTC
        at = at.replace(tzinfo=UTC)
    return AuditEvent(
        id=row["id"],
        at=at,
        actor=row["actor"],
        action=row["action"],
        model=row["model"],
        version=row["version"],
        outcome=row["outcome"],
        reason=row["reason"] or "",
        error=row["error"] or "",
        before=json.loads(row["before"]) if row["before"] else None,
        after=json.loads(row["after"]) if row["after"] else None,
        checklist=json.loads(row["checklist"]) if row["checklist"] else [],
    )
