"""Governed actions: the one way the dashboard writes to MLflow.

Each action reads the version fresh, refuses if the page's view is stale, evaluates the
policy, writes through the registry service, clears the cached reads it made stale, and
returns a result the page shows. Nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dashboard import lifecycle, retention, roles
from dashboard.backends import LifecycleBackend, backend_for, present
from dashboard.errors import DashboardError
from dashboard.policy import (
    PRODUCTION_AT_TAG,
    Action,
    BumpVersion,
    Checklist,
    DeleteTag,
    DeleteVersion,
    EditDescription,
    Policy,
    RemoveAlias,
    RequestTransition,
    Rollback,
    SetAlias,
    SetTag,
    Transition,
    VersionFacts,
    evaluate,
    next_semantic_version,
)
from dashboard.registry import ModelDetail, ModelVersionRecord, RegistryService, RunRecord
from dashboard.store import AuditEvent, PromotionRequest, Store

ROLLBACK_REASON_TAG = "rollback_reason"
ROLLBACK_FROM_TAG = "rollback_from"


class Refused(DashboardError):
    """Raised by an action's write step to refuse without having changed anything."""


@dataclass(frozen=True)
class ActionContext:
    registry: RegistryService
    policy: Policy
    actor: str
    # The actor's roles (dashboard.roles): every action asks them first.
    roles: frozenset[str]
    # Called with the model's name after a write, to clear the cached reads it made stale.
    on_change: Callable[[str], None] = field(default=lambda model: None)
    # The dashboard's store: every action's one audit event goes there, refused ones
    # included, and approvals keep their requests there. None: no audit (unit use only).
    store: Store | None = None

    @property
    def backend(self) -> LifecycleBackend:
        return backend_for(self.policy.lifecycle)


@dataclass(frozen=True)
class Seen:
    """What the page showed when the user pressed the button; None means "not shown"."""

    stage: str | None = None
    production_version: int | None = None
    shows_production: bool = False  # True when production_version (possibly None) was shown


@dataclass(frozen=True)
class ActionResult:
    outcome: str  # done, refused or failed
    message: str
    checklist: Checklist = field(default_factory=lambda: Checklist(()))

    @property
    def done(self) -> bool:
        return self.outcome == "done"


def facts_for(version: ModelVersionRecord, run: RunRecord | None) -> VersionFacts:
    """Policy facts from registry records (pages build them from cached reads for previews)."""
    return VersionFacts(
        version.name,
        version.version,
        version.stage,
        dict(version.tags),
        dict(run.metrics) if run else {},
        version.aliases,
    )


def preview(
    policy: Policy, version: ModelVersionRecord, run: RunRecord | None, action: Action, actor: str
) -> Checklist:
    """The checklist a page shows before its button (the action evaluates again when run)."""
    return evaluate(policy, facts_for(version, run), action, actor)


# ----- actions -------------------------------------------------------------------------------


def set_tag(ctx: ActionContext, model: str, version: int, key: str, value: str) -> ActionResult:
    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        ctx.registry.set_version_tag(model, version, key, value)
        return f"Tag {key!r} of {model} v{version} set to {value!r}."

    return _run(ctx, "set_tag", model, version, SetTag(key, value), None, write)


def delete_tag(ctx: ActionContext, model: str, version: int, key: str) -> ActionResult:
    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        ctx.registry.delete_version_tag(model, version, key)
        return f"Tag {key!r} removed from {model} v{version}."

    return _run(ctx, "delete_tag", model, version, DeleteTag(key), None, write)


def set_alias(ctx: ActionContext, model: str, version: int, alias: str) -> ActionResult:
    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        previous = detail.model.aliases.get(alias)
        ctx.registry.set_alias(model, alias, version)
        moved = f" (moved from v{previous})" if previous not in (None, version) else ""
        return f"@{alias} of {model} now points to v{version}{moved}."

    return _run(ctx, "set_alias", model, version, SetAlias(alias), None, write)


def remove_alias(ctx: ActionContext, model: str, version: int, alias: str) -> ActionResult:
    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        ctx.registry.delete_alias(model, alias)
        return f"@{alias} removed from {model} v{version}."

    return _run(ctx, "remove_alias", model, version, RemoveAlias(alias), None, write)


def edit_description(ctx: ActionContext, model: str, version: int, text: str) -> ActionResult:
    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        ctx.registry.update_description(model, version, text)
        return f"Description of {model} v{version} saved."

    return _run(ctx, "edit_description", model, version, EditDescription(text), None, write)


def bump_version(ctx: ActionContext, model: str, version: int, part: str) -> ActionResult:
    """Write the model's next semantic version (with release date and author) on `version`."""

    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        used = tuple(v.tags.get("semantic_version", "") for v in detail.versions)
        release = next_semantic_version(used, part)
        ctx.registry.set_version_tag(model, version, "semantic_version", release)
        ctx.registry.set_version_tag(model, version, "release_date", _today())
        ctx.registry.set_version_tag(model, version, "author", ctx.actor)
        return f"{model} v{version} is release {release} ({part} bump)."

    return _run(ctx, "bump_version", model, version, BumpVersion(part), None, write)


def transition(
    ctx: ActionContext,
    model: str,
    version: int,
    target: str,
    reason: str = "",
    seen: Seen | None = None,
) -> ActionResult:
    """Move a version to another stage (Archived included) under the policy's transition rule."""

    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        ctx.backend.move(ctx.registry, detail, version, target)
        if target == "Production":
            ctx.registry.set_version_tag(model, version, PRODUCTION_AT_TAG, _now())
        return f"{model} v{version} moved from {facts.stage} to {target}."

    action_name = "archive" if target == "Archived" else "transition"
    return _run(
        ctx, action_name, model, version, Transition(target, reason), seen, write, reason=reason
    )


def archive(
    ctx: ActionContext, model: str, version: int, reason: str = "", seen: Seen | None = None
) -> ActionResult:
    return transition(ctx, model, version, "Archived", reason, seen)


def roll_back(
    ctx: ActionContext,
    model: str,
    reason: str,
    target_version: int | None = None,
    seen: Seen | None = None,
) -> ActionResult:
    """Put an earlier production version back: the current one becomes Archived with tag
    `rollback_reason`, the target becomes Production with tag `rollback_from`. If a step
    fails, the registry is put back as it was and the result says what happened."""
    state = _production_state(ctx, "roll_back", model, target_version, reason)
    if isinstance(state, ActionResult):
        return state
    detail, current, current_facts = state
    previous = lifecycle.previous_production(detail.versions, current)
    target_number = target_version or (previous.version if previous else None)
    if target_number is None:
        message = f"{model} has no earlier production version to roll back to: choose a version."
        return _audited(ctx, "roll_back", model, None, reason, ActionResult("refused", message))

    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        assert current is not None  # the checklist refuses a roll back without production
        steps = _RollbackSteps(ctx, detail, current, target_number)
        steps.run(reason)
        return (
            f"Rolled {model} back from v{current.version} to v{target_number}; "
            f"v{current.version} is archived."
        )

    return _run(
        ctx,
        "roll_back",
        model,
        target_number,
        Rollback(current_facts, reason),
        seen,
        write,
        detail=detail,
        reason=reason,
    )


def _production_state(
    ctx: ActionContext, name: str, model: str, version: int | None, reason: str
) -> tuple[ModelDetail, ModelVersionRecord | None, VersionFacts | None] | ActionResult:
    """For the roll back actions: the model, its production version and that version's
    facts; or the audited refusal (role, unreadable model)."""
    forbidden = _forbidden(ctx, name, model, version)
    if forbidden:
        return forbidden
    try:
        detail = _read(ctx, model)
    except DashboardError as error:
        return _audited(ctx, name, model, version, reason, ActionResult("refused", str(error)))
    current = lifecycle.production_version(detail.versions)
    return detail, current, _facts(ctx, detail, current.version) if current else None


class _RollbackSteps:
    """The writes of a roll back, each with its undo, so a failure can repair the registry."""

    def __init__(
        self, ctx: ActionContext, detail: ModelDetail, current: ModelVersionRecord, target: int
    ) -> None:
        self.ctx, self.detail, self.current, self.target = ctx, detail, current, target
        self.model = detail.model.name
        self.undo: list[Callable[[], None]] = []

    def _tag(self, version: int, key: str, value: str) -> None:
        old = self.detail.version(version).tags.get(key)
        self.ctx.registry.set_version_tag(self.model, version, key, value)
        if old is None:
            self.undo.append(lambda: self.ctx.registry.delete_version_tag(self.model, version, key))
        else:
            self.undo.append(
                lambda: self.ctx.registry.set_version_tag(self.model, version, key, old)
            )

    def run(self, reason: str) -> None:
        try:
            self._tag(self.current.version, ROLLBACK_REASON_TAG, reason)
            self._tag(self.target, ROLLBACK_FROM_TAG, str(self.current.version))
            self.undo.append(self._restore_production)
            # Both backends archive the old production version in this same move.
            self.ctx.backend.move(self.ctx.registry, self.detail, self.target, "Production")
            self._tag(self.target, PRODUCTION_AT_TAG, _now())
        except DashboardError as error:
            problems = self._repair()
            state = (
                "the registry was put back as it was"
                if not problems
                else "repairing also failed: " + "; ".join(problems)
            )
            raise DashboardError(f"Roll back of {self.model} failed ({error}); {state}.") from None

    def _restore_production(self) -> None:
        fresh = present(self.ctx.registry.model_detail(self.model), self.ctx.backend)
        if fresh.version(self.current.version).stage != "Production":
            self.ctx.backend.move(self.ctx.registry, fresh, self.current.version, "Production")
        fresh = present(self.ctx.registry.model_detail(self.model), self.ctx.backend)
        if fresh.version(self.target).stage != self.detail.version(self.target).stage:
            self.ctx.backend.move(
                self.ctx.registry, fresh, self.target, self.detail.version(self.target).stage
            )

    def _repair(self) -> list[str]:
        problems = []
        for undo in reversed(self.undo):
            try:
                undo()
            except DashboardError as error:
                problems.append(str(error))
        return problems


def delete_version(ctx: ActionContext, model: str, version: int, reason: str) -> ActionResult:
    """Delete a version the retention policy lists (admin only). The list is computed again
    here, so a version that meanwhile got an alias, a stage or a pending request is kept."""

    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        pending = {(r.model, r.version) for r in _require_store(ctx).requests(statuses=["pending"])}
        listed = retention.candidates(detail.versions, ctx.policy, pending, datetime.now(UTC))
        if version not in {c.version.version for c in listed}:
            kept = retention.protected(detail.version(version), pending)
            raise Refused(
                f"{model} v{version} is not listed by the retention policy"
                + (f": it {kept}." if kept else ".")
            )
        ctx.registry.delete_version(model, version)
        return f"{model} v{version} deleted ({reason})."

    return _run(
        ctx, "delete_version", model, version, DeleteVersion(reason), None, write, reason=reason
    )


# ----- the common path -----------------------------------------------------------------------


def _run(
    ctx: ActionContext,
    name: str,
    model: str,
    version: int,
    action: Action,
    seen: Seen | None,
    write: Callable[[ModelDetail, VersionFacts], str],
    detail: ModelDetail | None = None,
    reason: str = "",
) -> ActionResult:
    """Read, check staleness and policy, write, clear caches, and audit: the one exit of
    every action, so each records exactly one event."""
    forbidden = _forbidden(ctx, name, model, version)
    if forbidden:
        return forbidden
    before = None
    try:
        detail = detail or _read(ctx, model)
        before = _state(detail, version)
        facts = _facts(ctx, detail, version)
    except DashboardError as error:
        return _audited(
            ctx, name, model, version, reason, ActionResult("refused", str(error)), before
        )
    stale = _stale(detail, facts, seen)
    if stale:
        return _audited(ctx, name, model, version, reason, ActionResult("refused", stale), before)
    checklist = evaluate(ctx.policy, facts, action, ctx.actor)
    if not checklist.passed:
        result = ActionResult("refused", checklist.summary(), checklist)
        return _audited(ctx, name, model, version, reason, result, before)
    try:
        result = ActionResult("done", write(detail, facts), checklist)
    except Refused as refusal:
        result = ActionResult("refused", str(refusal), checklist)
    except DashboardError as error:
        result = ActionResult("failed", str(error), checklist)
    ctx.on_change(model)
    try:
        after = _state(_read(ctx, model), version)
    except DashboardError:
        after = None  # the registry stopped answering after the write; the event says so
    return _audited(ctx, name, model, version, reason, result, before, after)


def _forbidden(
    ctx: ActionContext, name: str, model: str | None, version: int | None
) -> ActionResult | None:
    """The audited refusal when the actor's role may not run `name`, else None."""
    message = roles.refusal(ctx.roles, name)
    if message is None:
        return None
    return _audited(ctx, name, model, version, "", ActionResult("refused", message))


def _state(detail: ModelDetail, version: int) -> dict[str, object]:
    """What an audit event records of a model before and after an action."""
    record = detail.version(version)
    production = lifecycle.production_version(detail.versions)
    return {
        "version": version, "stage": record.stage, "aliases": list(record.aliases),
        "tags": dict(record.tags), "description": record.description,
        "production_version": production.version if production else None,
    }  # fmt: skip


def _audited(
    ctx: ActionContext,
    name: str,
    model: str,
    version: int | None,
    reason: str,
    result: ActionResult,
    before: dict | None = None,
    after: dict | None = None,
) -> ActionResult:
    """Record the action's one audit event; a store that fails is said in the result."""
    if ctx.store is None:
        return result
    event = AuditEvent(
        actor=ctx.actor, action=name, model=model, version=version, outcome=result.outcome,
        before=before, after=after, reason=reason,
        checklist=_checks(result.checklist),
        error="" if result.done else result.message,
    )  # fmt: skip
    try:
        ctx.store.record(event)
    except DashboardError as error:
        return ActionResult(
            result.outcome, f"{result.message} (Not audited: {error})", result.checklist
        )
    return result


def _read(ctx: ActionContext, model: str) -> ModelDetail:
    return present(ctx.registry.model_detail(model), ctx.backend)


def _facts(ctx: ActionContext, detail: ModelDetail, version: int) -> VersionFacts:
    record = detail.version(version)
    run = ctx.registry.runs_for([record.run_id]).get(record.run_id) if record.run_id else None
    return facts_for(record, run)


def _stale(detail: ModelDetail, facts: VersionFacts, seen: Seen | None) -> str | None:
    """Why the page's view no longer holds, or None."""
    if seen is None:
        return None
    if seen.stage is not None and seen.stage != facts.stage:
        return (
            f"The registry changed since this page loaded: v{facts.version} is now in "
            f"{facts.stage}, not {seen.stage}. Reload the page and try again."
        )
    if seen.shows_production:
        production = lifecycle.production_version(detail.versions)
        now = production.version if production else None
        if now != seen.production_version:
            shown = f"v{seen.production_version}" if seen.production_version else "none"
            actual = f"v{now}" if now else "none"
            return (
                f"The registry changed since this page loaded: production is now {actual}, "
                f"not {shown}. Reload the page and try again."
            )
    return None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


# ----- approvals ------------------------------------------------------------------------------

APPROVAL_TAG = "approval."


def request_promotion(
    ctx: ActionContext,
    model: str,
    version: int,
    target: str,
    reason: str = "",
    seen: Seen | None = None,
) -> ActionResult:
    """File a request for a transition the policy says needs approval. The full checklist of
    the moment is kept with it; a reviewer's approval re-evaluates it."""

    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        store = _require_store(ctx)
        if store.requests(statuses=["pending"], model=model, version=version):
            raise Refused(f"{model} v{version} already has a pending request.")
        now = evaluate(ctx.policy, facts, Transition(target, reason), ctx.actor)
        request_id = store.create_request(
            model, version, facts.stage, target, ctx.actor, reason, _checks(now)
        )
        _mirror(
            ctx,
            model,
            version,
            {
                "request_id": str(request_id),
                "status": "pending",
                "requested_by": ctx.actor,
                "requested_to": target,
            },
        )
        return (
            f"Request #{request_id} filed: {model} v{version} {facts.stage} -> {target}, "
            "waiting for a reviewer."
        )

    return _run(
        ctx,
        "request",
        model,
        version,
        RequestTransition(target, reason),
        seen,
        write,
        reason=reason,
    )


def propose_rollback(
    ctx: ActionContext, model: str, target_version: int, reason: str
) -> ActionResult:
    """File a request to roll `model` back to `target_version` (the monitor's `propose`
    mode); a reviewer's approval runs the roll back through the policy."""
    state = _production_state(ctx, "request", model, target_version, reason)
    if isinstance(state, ActionResult):
        return state
    detail, _, current_facts = state

    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        store = _require_store(ctx)
        pending = store.requests(statuses=["pending"], model=model)
        if any(r.kind == "rollback" for r in pending):
            raise Refused(f"A roll back of {model} is already waiting for a reviewer.")
        checklist = evaluate(ctx.policy, facts, Rollback(current_facts, reason), ctx.actor)
        request_id = store.create_request(
            model, target_version, facts.stage, "Production", ctx.actor, reason,
            _checks(checklist), kind="rollback",
        )  # fmt: skip
        _mirror(
            ctx,
            model,
            target_version,
            {"request_id": str(request_id), "status": "pending", "requested_by": ctx.actor,
             "requested_to": "Production (roll back)"},
        )  # fmt: skip
        return (
            f"Request #{request_id} filed: roll {model} back to v{target_version}, "
            "waiting for a reviewer."
        )

    return _run(
        ctx, "request", model, target_version, Rollback(current_facts, reason), None, write,
        detail=detail, reason=reason,
    )  # fmt: skip


def approve(ctx: ActionContext, request_id: int, comment: str = "") -> ActionResult:
    """Approve a pending request and execute its transition, if the policy passes now and the
    approver did not file it. Two approvals at once execute it once."""
    request, refusal = _decidable(ctx, request_id, "approve")
    if refusal:
        return refusal
    if request.kind == "rollback":
        return _approve_rollback(ctx, request, comment)

    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        store = _require_store(ctx)
        checklist = evaluate(
            ctx.policy,
            facts,
            Transition(request.to_stage, request.reason, approved=True),
            ctx.actor,
        )
        if not store.move_request(
            request_id,
            "pending",
            "approved",
            reviewer=ctx.actor,
            comment=comment or None,
            decided_at=_moment(),
            checklist_at_decision=_checks(checklist),
        ):
            raise Refused(f"Request #{request_id} was decided by someone else meanwhile.")
        try:
            ctx.backend.move(ctx.registry, detail, request.version, request.to_stage)
            if request.to_stage == "Production":
                ctx.registry.set_version_tag(
                    request.model, request.version, PRODUCTION_AT_TAG, _now()
                )
        except DashboardError as error:
            store.move_request(request_id, "approved", "failed", error=str(error))
            _mirror(ctx, request.model, request.version, {"status": "failed"})
            raise
        store.move_request(request_id, "approved", "executed")
        _mirror(
            ctx,
            request.model,
            request.version,
            {"status": "executed", "approved_by": ctx.actor, "approved_at": _now()},
        )
        return (
            f"Request #{request_id} approved: {request.model} v{request.version} moved "
            f"from {request.from_stage} to {request.to_stage}."
        )

    action = Transition(request.to_stage, request.reason, approved=True)
    result = _run(
        ctx,
        "approve",
        request.model,
        request.version,
        action,
        Seen(stage=request.from_stage),
        write,
        reason=comment,
    )
    if result.outcome == "refused" and result.checklist.checks:
        _require_store(ctx).note_decision_checklist(request_id, _checks(result.checklist))
    return result


def _approve_rollback(ctx: ActionContext, request: PromotionRequest, comment: str) -> ActionResult:
    """Claim the request, then roll back (audited as its own `roll_back` event); a refused
    or failed roll back puts the request back to pending or marks it failed."""
    store = _require_store(ctx)
    if not store.move_request(
        request.id, "pending", "approved", reviewer=ctx.actor, comment=comment or None,
        decided_at=_moment(),
    ):  # fmt: skip
        result = ActionResult("refused", f"Request #{request.id} was decided by someone else.")
        return _audited(ctx, "approve", request.model, request.version, comment, result)
    rolled = roll_back(ctx, request.model, request.reason, request.version)
    if rolled.done:
        store.move_request(request.id, "approved", "executed")
        _mirror(
            ctx, request.model, request.version,
            {"status": "executed", "approved_by": ctx.actor, "approved_at": _now()},
        )  # fmt: skip
        result = ActionResult(
            "done", f"Request #{request.id} approved: {rolled.message}", rolled.checklist
        )
    elif rolled.outcome == "refused":
        store.move_request(request.id, "approved", "pending", reviewer=None, decided_at=None)
        result = rolled
    else:
        store.move_request(request.id, "approved", "failed", error=rolled.message)
        _mirror(ctx, request.model, request.version, {"status": "failed"})
        result = rolled
    return _audited(ctx, "approve", request.model, request.version, comment, result)


def reject(ctx: ActionContext, request_id: int, comment: str) -> ActionResult:
    request, refusal = _decidable(ctx, request_id, "reject")
    if refusal:
        return refusal
    if not comment.strip():
        return _audited(
            ctx,
            "reject",
            request.model,
            request.version,
            comment,
            ActionResult("refused", "Say why the request is rejected."),
        )
    if not _require_store(ctx).move_request(
        request_id, "pending", "rejected", reviewer=ctx.actor, comment=comment, decided_at=_moment()
    ):
        return _audited(
            ctx,
            "reject",
            request.model,
            request.version,
            comment,
            ActionResult(
                "refused", f"Request #{request_id} was decided by someone else meanwhile."
            ),
        )
    _mirror(ctx, request.model, request.version, {"status": "rejected", "rejected_by": ctx.actor})
    ctx.on_change(request.model)
    return _audited(
        ctx,
        "reject",
        request.model,
        request.version,
        comment,
        ActionResult("done", f"Request #{request_id} rejected."),
    )


def cancel(ctx: ActionContext, request_id: int) -> ActionResult:
    """The requester withdraws their own pending request."""
    store = _require_store(ctx)
    request = store.request(request_id)
    forbidden = _forbidden(
        ctx, "cancel", request.model if request else None, request.version if request else None
    )
    if forbidden:
        return forbidden
    if request is None:
        return _audited(
            ctx,
            "cancel",
            None,
            None,
            "",
            ActionResult("refused", f"There is no request #{request_id}."),
        )
    if request.requester != ctx.actor:
        message = f"Only {request.requester}, who filed request #{request_id}, can cancel it."
    elif not store.move_request(request_id, "pending", "cancelled", decided_at=_moment()):
        message = f"Request #{request_id} is no longer pending."
    else:
        _mirror(ctx, request.model, request.version, {"status": "cancelled"})
        ctx.on_change(request.model)
        return _audited(
            ctx,
            "cancel",
            request.model,
            request.version,
            "",
            ActionResult("done", f"Request #{request_id} cancelled."),
        )
    return _audited(
        ctx, "cancel", request.model, request.version, "", ActionResult("refused", message)
    )


def _decidable(
    ctx: ActionContext, request_id: int, name: str
) -> tuple[PromotionRequest | None, ActionResult | None]:
    """The pending request a reviewer may decide, or the audited refusal saying why not."""
    request = _require_store(ctx).request(request_id)
    message = roles.refusal(ctx.roles, name) or _undecidable(ctx, request, request_id)
    if message is None:
        return request, None
    model, version = (request.model, request.version) if request else (None, None)
    return request, _audited(ctx, name, model, version, "", ActionResult("refused", message))


def _undecidable(
    ctx: ActionContext, request: PromotionRequest | None, request_id: int
) -> str | None:
    if request is None:
        return f"There is no request #{request_id}."
    if request.status != "pending":
        return f"Request #{request_id} is already {request.status}."
    if request.requester == ctx.actor:
        return (
            f"You filed request #{request_id}: separation of duties needs another "
            "reviewer to decide it."
        )
    return None


def _require_store(ctx: ActionContext) -> Store:
    if ctx.store is None:
        raise Refused("Approvals need the dashboard's database (DASHBOARD_DB_URL).")
    return ctx.store


def _mirror(ctx: ActionContext, model: str, version: int, values: dict[str, str]) -> None:
    """Copy an approval step onto `approval.*` version tags, for tools that only read MLflow."""
    for key, value in values.items():
        ctx.registry.set_version_tag(model, version, f"{APPROVAL_TAG}{key}", value)


def _checks(checklist: Checklist) -> list[dict[str, object]]:
    return [{"rule": c.rule, "passed": c.passed, "detail": c.detail} for c in checklist.checks]


def _moment() -> datetime:
    return datetime.now(UTC)
