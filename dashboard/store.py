"""The dashboard's own SQL store (SQLAlchemy): the append-only audit trail and promotion requests.

The schema is owned by Alembic migrations (dashboard/migrations), run by `open_store` on start.
The repository offers `record` and `events` only: nothing here updates or deletes an event,
and the database itself refuses it (triggers from the first migration).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
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

REQUEST_STATUSES = ("pending", "approved", "rejected", "executed", "failed", "cancelled")
promotion_requests = sa.Table(
    "promotion_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("model", sa.String(500), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("from_stage", sa.String(20), nullable=False),
    sa.Column("to_stage", sa.String(20), nullable=False),
    sa.Column("requester", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("reviewer", sa.String(200), nullable=True),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("checklist_at_request", sa.Text, nullable=True),
    sa.Column("checklist_at_decision", sa.Text, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("kind", sa.String(20), nullable=False),  # promotion, or rollback (0003)
)

monitor_checks = sa.Table(
    "monitor_checks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("model", sa.String(500), nullable=False),
    sa.Column("version", sa.Integer, nullable=True),
    sa.Column("metric", sa.String(250), nullable=False),
    sa.Column("value", sa.Float, nullable=True),
    sa.Column("threshold", sa.Float, nullable=True),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("mode", sa.String(20), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
)


@dataclass(frozen=True)
class MonitorCheck:
    """One pass of the monitor over one rule: what it read, what it concluded, what it did."""

    model: str
    version: int | None
    metric: str
    value: float | None
    threshold: float | None
    state: str  # ok, breach, no_data
    mode: str  # propose or auto
    action: str  # none, proposed, rolled_back, refused, failed
    message: str
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class PromotionRequest:
    id: int
    model: str
    version: int
    from_stage: str
    to_stage: str
    requester: str
    reason: str
    status: str
    reviewer: str | None
    comment: str
    created_at: datetime
    decided_at: datetime | None
    checklist_at_request: list[dict[str, Any]]
    checklist_at_decision: list[dict[str, Any]]
    error: str
    kind: str = "promotion"  # or "rollback": approving it rolls the model back to `version`


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

    # ----- promotion requests -----------------------------------------------------------

    def create_request(
        self,
        model: str,
        version: int,
        from_stage: str,
        to_stage: str,
        requester: str,
        reason: str,
        checklist: list[dict[str, Any]],
        kind: str = "promotion",
    ) -> int:
        row = {
            "model": model, "version": version, "from_stage": from_stage, "to_stage": to_stage,
            "requester": requester, "reason": reason or None, "status": "pending",
            "created_at": datetime.now(UTC), "checklist_at_request": _json(checklist),
            "kind": kind,
        }  # fmt: skip
        with self._errors("filing a promotion request"), self.engine.begin() as connection:
            inserted = connection.execute(promotion_requests.insert().values(**row))
            return inserted.inserted_primary_key[0]

    def request(self, request_id: int) -> PromotionRequest | None:
        found = self.requests(ids=[request_id])
        return found[0] if found else None

    def requests(
        self,
        statuses: Sequence[str] = (),
        model: str | None = None,
        version: int | None = None,
        ids: Sequence[int] = (),
    ) -> list[PromotionRequest]:
        """Requests matching every given filter, newest first."""
        table = promotion_requests
        query = sa.select(table).order_by(table.c.created_at.desc(), table.c.id.desc())
        if statuses:
            query = query.where(table.c.status.in_(list(statuses)))
        if model is not None:
            query = query.where(table.c.model == model)
        if version is not None:
            query = query.where(table.c.version == version)
        if ids:
            query = query.where(table.c.id.in_(list(ids)))
        with self._errors("reading promotion requests"), self.engine.connect() as connection:
            return [_request(row) for row in connection.execute(query).mappings().all()]

    def move_request(self, request_id: int, expected: str, status: str, **fields: Any) -> bool:
        """Change a request's status only if it is still `expected`; False when another
        decision got there first. This one conditional UPDATE is what lets two reviewers
        approve at once and the transition run once."""
        if status not in REQUEST_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        values = {"status": status, **fields}
        if "checklist_at_decision" in values:
            values["checklist_at_decision"] = _json(values["checklist_at_decision"])
        table = promotion_requests
        statement = (
            table.update()
            .where(table.c.id == request_id)
            .where(table.c.status == expected)
            .values(**values)
        )
        with self._errors("deciding a promotion request"), self.engine.begin() as connection:
            return connection.execute(statement).rowcount == 1

    def note_decision_checklist(self, request_id: int, checklist: list[dict[str, Any]]) -> None:
        """Keep the checklist a refused approval saw, leaving the request pending."""
        table = promotion_requests
        statement = (
            table.update()
            .where(table.c.id == request_id)
            .where(table.c.status == "pending")
            .values(checklist_at_decision=_json(checklist))
        )
        with self._errors("updating a promotion request"), self.engine.begin() as connection:
            connection.execute(statement)

    def record_check(self, check: MonitorCheck) -> None:
        with self._errors("recording a monitor check"), self.engine.begin() as connection:
            connection.execute(monitor_checks.insert().values(**check.__dict__))

    def latest_checks(self) -> dict[str, MonitorCheck]:
        """The monitor's most recent check of each model."""
        table = monitor_checks
        newest = (
            sa.select(table.c.model, sa.func.max(table.c.id).label("id"))
            .group_by(table.c.model)
            .subquery()
        )
        query = sa.select(table).join(newest, table.c.id == newest.c.id)
        with self._errors("reading monitor checks"), self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return {
            row["model"]: MonitorCheck(
                **{k: row[k] for k in row if k not in ("id", "at")}, at=_utc(row["at"])
            )
            for row in rows
        }

    def _errors(self, what: str) -> AbstractContextManager[None]:
        return _database_errors(what, self.engine.url.render_as_string(hide_password=True))


@contextmanager
def _database_errors(what: str, url: str) -> Iterator[None]:
    """Turn a database error into a sentence (never the password in the URL)."""
    try:
        yield
    except SQLAlchemyError as error:
        raise DashboardError(
            f"The dashboard's database ({url}) failed while {what}: {_reason(error)}"
        ) from None


def _reason(error: SQLAlchemyError) -> str:
    """The driver's first line about a database error."""
    return str(getattr(error, "orig", error)).splitlines()[0][:200]


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
        raise ConfigurationError(
            f"The dashboard's database {shown} cannot be opened or "
            f"migrated: {_reason(error)}. Check DASHBOARD_DB_URL."
        ) from None


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def _utc(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:  # SQLite returns naive datetimes (UTC)
        return moment.replace(tzinfo=UTC)
    return moment


def _request(row: Mapping[str, Any]) -> PromotionRequest:
    return PromotionRequest(
        id=row["id"], model=row["model"], version=row["version"],
        from_stage=row["from_stage"], to_stage=row["to_stage"], requester=row["requester"],
        reason=row["reason"] or "", status=row["status"], reviewer=row["reviewer"],
        comment=row["comment"] or "", created_at=_utc(row["created_at"]),
        decided_at=_utc(row["decided_at"]),
        checklist_at_request=json.loads(row["checklist_at_request"] or "[]"),
        checklist_at_decision=json.loads(row["checklist_at_decision"] or "[]"),
        error=row["error"] or "", kind=row["kind"],
    )  # fmt: skip


def _event(row: Mapping[str, Any]) -> AuditEvent:
    return AuditEvent(
        id=row["id"],
        at=_utc(row["at"]),
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
