"""Governed actions: the one way the dashboard writes to MLflow.

Each action reads the version fresh, refuses if the page's view is stale, evaluates the
policy, writes through the registry service, clears the cached reads it made stale, and
returns a result the page shows. Nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dashboard import lifecycle
from dashboard.backends import LifecycleBackend, backend_for, present
from dashboard.errors import DashboardError
from dashboard.policy import (
    PRODUCTION_AT_TAG,
    Action,
    BumpVersion,
    Checklist,
    DeleteTag,
    EditDescription,
    Policy,
    RemoveAlias,
    Rollback,
    SetAlias,
    SetTag,
    Transition,
    VersionFacts,
    evaluate,
    next_semantic_version,
)
from dashboard.registry import ModelDetail, ModelVersionRecord, RegistryService, RunRecord

ROLLBACK_REASON_TAG = "rollback_reason"
ROLLBACK_FROM_TAG = "rollback_from"


@dataclass(frozen=True)
class ActionContext:
    registry: RegistryService
    policy: Policy
    actor: str
    # Called with the model's name after a write, to clear the cached reads it made stale.
    on_change: Callable[[str], None] = field(default=lambda model: None)

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

    return _run(ctx, model, version, SetTag(key, value), None, write)


def delete_tag(ctx: ActionContext, model: str, version: int, key: str) -> ActionResult:
    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        ctx.registry.delete_version_tag(model, version, key)
        return f"Tag {key!r} removed from {model} v{version}."

    return _run(ctx, model, version, DeleteTag(key), None, write)


def set_alias(ctx: ActionContext, model: str, version: int, alias: str) -> ActionResult:
    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        previous = detail.model.aliases.get(alias)
        ctx.registry.set_alias(model, alias, version)
        moved = f" (moved from v{previous})" if previous not in (None, version) else ""
        return f"@{alias} of {model} now points to v{version}{moved}."

    return _run(ctx, model, version, SetAlias(alias), None, write)


def remove_alias(ctx: ActionContext, model: str, version: int, alias: str) -> ActionResult:
    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        ctx.registry.delete_alias(model, alias)
        return f"@{alias} removed from {model} v{version}."

    return _run(ctx, model, version, RemoveAlias(alias), None, write)


def edit_description(ctx: ActionContext, model: str, version: int, text: str) -> ActionResult:
    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        ctx.registry.update_description(model, version, text)
        return f"Description of {model} v{version} saved."

    return _run(ctx, model, version, EditDescription(text), None, write)


def bump_version(ctx: ActionContext, model: str, version: int, part: str) -> ActionResult:
    """Write the model's next semantic version (with release date and author) on `version`."""

    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        used = tuple(v.tags.get("semantic_version", "") for v in detail.versions)
        release = next_semantic_version(used, part)
        ctx.registry.set_version_tag(model, version, "semantic_version", release)
        ctx.registry.set_version_tag(model, version, "release_date", _today())
        ctx.registry.set_version_tag(model, version, "author", ctx.actor)
        return f"{model} v{version} is release {release} ({part} bump)."

    return _run(ctx, model, version, BumpVersion(part), None, write)


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

    return _run(ctx, model, version, Transition(target, reason), seen, write)


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
    try:
        detail = _read(ctx, model)
    except DashboardError as error:
        return ActionResult("refused", str(error))
    current = lifecycle.production_version(detail.versions)
    target_number = target_version or previous_production(detail.versions, current)
    if target_number is None:
        return ActionResult(
            "refused",
            f"{model} has no earlier production version to roll back to: choose a version.",
        )
    current_facts = _facts(ctx, detail, current.version) if current else None

    def write(detail: ModelDetail, facts: VersionFacts) -> str:
        assert current is not None  # the checklist refuses a roll back without production
        steps = _RollbackSteps(ctx, detail, current, target_number)
        steps.run(reason)
        return (
            f"Rolled {model} back from v{current.version} to v{target_number}; "
            f"v{current.version} is archived."
        )

    return _run(
        ctx, model, target_number, Rollback(current_facts, reason), seen, write, detail=detail
    )


def previous_production(
    versions: list[ModelVersionRecord], current: ModelVersionRecord | None
) -> int | None:
    """The most recent version, other than the current one, that served production."""
    earlier = [
        v
        for v in versions
        if v.tags.get(PRODUCTION_AT_TAG) and (current is None or v.version != current.version)
    ]
    if not earlier:
        return None
    return max(earlier, key=lambda v: (v.tags[PRODUCTION_AT_TAG], v.version)).version


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


# ----- the common path -----------------------------------------------------------------------


def _run(
    ctx: ActionContext,
    model: str,
    version: int,
    action: Action,
    seen: Seen | None,
    write: Callable[[ModelDetail, VersionFacts], str],
    detail: ModelDetail | None = None,
) -> ActionResult:
    try:
        detail = detail or _read(ctx, model)
        facts = _facts(ctx, detail, version)
    except DashboardError as error:
        return ActionResult("refused", str(error))
    stale = _stale(detail, facts, seen)
    if stale:
        return ActionResult("refused", stale)
    checklist = evaluate(ctx.policy, facts, action, ctx.actor)
    if not checklist.passed:
        return ActionResult("refused", checklist.summary(), checklist)
    try:
        message = write(detail, facts)
    except DashboardError as error:
        ctx.on_change(model)
        return ActionResult("failed", str(error), checklist)
    ctx.on_change(model)
    return ActionResult("done", message, checklist)


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
