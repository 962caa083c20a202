"""Streamlit panels for the governed actions: inputs, the policy checklist, then the button.

The checklist is evaluated on the page's cached facts so the user sees why a button is
disabled; the action itself reads the registry again and re-evaluates before it writes.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import streamlit as st

from dashboard import actions, cache, lifecycle, roles
from dashboard.actions import ActionContext, ActionResult, Seen
from dashboard.policy import (
    MANAGED_TAG_PREFIXES,
    MANAGED_TAGS,
    PRODUCTION_AT_TAG,
    STAGES,
    BumpVersion,
    Checklist,
    DeleteTag,
    EditDescription,
    RemoveAlias,
    RequestTransition,
    Rollback,
    SetAlias,
    SetTag,
    Transition,
    next_semantic_version,
)
from dashboard.registry import ModelDetail, ModelVersionRecord, RunRecord
from dashboard.store import PromotionRequest

RESULT_KEY = "last_action_result"
# The usual next move first in the stage picker.
NEXT_STAGES = {
    "None": ("Staging", "Archived", "Production"),
    "Staging": ("Production", "Archived", "None"),
    "Production": ("Archived", "None", "Staging"),
    "Archived": ("Staging", "None", "Production"),
}
# What the version page's Actions tab offers, by audit-trail action name.
VERSION_ACTIONS = (
    "transition", "request", "set_tag", "delete_tag", "set_alias", "remove_alias",
    "edit_description", "bump_version",
)  # fmt: skip
MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|<>:~$"


def md_escape(text: str) -> str:
    """Registry text shown inside markdown, with markdown's special characters escaped."""
    return "".join(f"\\{ch}" if ch in MARKDOWN_SPECIALS else ch for ch in text)


def checklist_view(checklist: Checklist) -> None:
    lines = [
        (":green[:material/check_circle:] " if check.passed else ":red[:material/cancel:] ")
        + md_escape(check.detail)
        for check in checklist.checks
    ]
    st.markdown("  \n".join(lines))


def finish(result: ActionResult) -> None:
    """Keep the result for the next run (the write cleared the cache), then rerun."""
    st.session_state[RESULT_KEY] = (result.outcome, result.message)
    st.rerun()


def last_result() -> None:
    """Show what the last action did, once."""
    if RESULT_KEY not in st.session_state:
        return
    outcome, message = st.session_state.pop(RESULT_KEY)
    if outcome == "done":
        st.success(message, icon=":material/task_alt:")
    elif outcome == "refused":
        st.warning(message, icon=":material/block:")
    else:
        st.error(message, icon=":material/error:")


def _gated_button(
    ctx: ActionContext, action: str, label: str, checklist: Checklist, key: str
) -> bool:
    """The policy checklist, then the button: disabled while a rule fails, replaced by a
    note when the user's role may not run `action` (the action refuses it either way)."""
    checklist_view(checklist)
    refusal = roles.refusal(ctx.roles, action)
    if refusal:
        st.caption(f":material/lock: {refusal}")
        return False
    return st.button(
        label,
        key=key,
        type="primary",
        disabled=not checklist.passed,
        help=None if checklist.passed else checklist.summary(),
    )


# ----- version page ----------------------------------------------------------------------------


def version_actions(
    tracking_uri: str, detail: ModelDetail, version: ModelVersionRecord, run: RunRecord | None
) -> None:
    ctx = cache.action_context(tracking_uri)
    if not any(roles.allows(ctx.roles, name) for name in VERSION_ACTIONS):
        st.info(
            f"Your role ({roles.describe(ctx.roles)}) reads the registry but does not change "
            "it. A data scientist tags, describes and releases versions and requests "
            "promotions; a reviewer approves them.",
            icon=":material/visibility:",
        )
        return
    st.caption(
        f"Checked against the policy {ctx.policy.source} "
        f"({ctx.policy.lifecycle.backend} lifecycle); acting as {ctx.actor}."
    )
    last_result()
    stage_tab, tags_tab, alias_tab, description_tab, release_tab = st.tabs(
        ["Stage", "Tags", "Aliases", "Description", "Release"]
    )
    key = f"{version.name}-{version.version}"
    with stage_tab:
        _stage_panel(ctx, version, run, key)
    with tags_tab:
        _tags_panel(ctx, version, run, key)
    with alias_tab:
        _alias_panel(ctx, version, run, key)
    with description_tab:
        _description_panel(ctx, version, run, key)
    with release_tab:
        _release_panel(ctx, detail, version, run, key)


def _stage_panel(
    ctx: ActionContext, version: ModelVersionRecord, run: RunRecord | None, key: str
) -> None:
    targets = [stage for stage in NEXT_STAGES.get(version.stage, STAGES) if stage != version.stage]
    target = st.selectbox(
        f"Move v{version.version} from {version.stage} to", targets, key=f"stage-{key}"
    )
    reason = st.text_input(
        "Reason",
        key=f"stage-reason-{key}",
        placeholder="why this move (required where the policy says)",
    )
    rule = ctx.policy.transition(version.stage, target)
    pending = (
        ctx.store.requests(statuses=["pending"], model=version.name, version=version.version)
        if ctx.store
        else []
    )
    if pending and rule is not None and rule.approval_required:
        request = pending[0]
        st.info(
            f"Request #{request.id} ({request.from_stage} → {request.to_stage}, filed by "
            f"{request.requester}) is waiting for a reviewer on the Approvals page.",
            icon=":material/hourglass_top:",
        )
        return
    if rule is not None and rule.approval_required:
        st.caption(
            "This move needs a reviewer's approval. The rules below are checked again "
            "when a reviewer approves; the move happens only if they pass then."
        )
        checklist_view(
            actions.preview(ctx.policy, version, run, Transition(target, reason), ctx.actor)
        )
        request = actions.preview(
            ctx.policy, version, run, RequestTransition(target, reason), ctx.actor
        )
        if _gated_button(ctx, "request", "Request approval", request, f"stage-request-{key}"):
            finish(
                actions.request_promotion(
                    ctx,
                    version.name,
                    version.version,
                    target,
                    reason,
                    seen=Seen(stage=version.stage),
                )
            )
        return
    checklist = actions.preview(ctx.policy, version, run, Transition(target, reason), ctx.actor)
    if _gated_button(
        ctx,
        "archive" if target == "Archived" else "transition",
        f"Move to {target}",
        checklist,
        f"stage-go-{key}",
    ):
        finish(
            actions.transition(
                ctx, version.name, version.version, target, reason, seen=Seen(stage=version.stage)
            )
        )


def _editable_tags(version: ModelVersionRecord) -> list[str]:
    return sorted(
        k for k in version.tags if not k.startswith(MANAGED_TAG_PREFIXES) and k not in MANAGED_TAGS
    )


def _tags_panel(
    ctx: ActionContext, version: ModelVersionRecord, run: RunRecord | None, key: str
) -> None:
    set_column, delete_column = st.columns(2)
    with set_column:
        tag_key = st.text_input("Tag key", key=f"tag-key-{key}", placeholder="e.g. tested")
        tag_value = st.text_input("Value", key=f"tag-value-{key}", placeholder="e.g. true")
        if tag_key:
            checklist = actions.preview(
                ctx.policy, version, run, SetTag(tag_key, tag_value), ctx.actor
            )
            if _gated_button(ctx, "set_tag", "Set tag", checklist, f"tag-set-{key}"):
                finish(actions.set_tag(ctx, version.name, version.version, tag_key, tag_value))
    with delete_column:
        editable = _editable_tags(version)
        if not editable:
            st.caption("No tags that may be removed by hand.")
        else:
            doomed = st.selectbox("Remove tag", editable, key=f"tag-delete-{key}")
            checklist = actions.preview(ctx.policy, version, run, DeleteTag(doomed), ctx.actor)
            if _gated_button(
                ctx, "delete_tag", f"Remove {doomed}", checklist, f"tag-delete-go-{key}"
            ):
                finish(actions.delete_tag(ctx, version.name, version.version, doomed))


def _alias_panel(
    ctx: ActionContext, version: ModelVersionRecord, run: RunRecord | None, key: str
) -> None:
    set_column, remove_column = st.columns(2)
    with set_column:
        alias = st.text_input(
            "Point alias at this version", key=f"alias-{key}", placeholder="e.g. challenger"
        )
        if alias:
            checklist = actions.preview(ctx.policy, version, run, SetAlias(alias), ctx.actor)
            if _gated_button(ctx, "set_alias", f"Set @{alias}", checklist, f"alias-set-{key}"):
                finish(actions.set_alias(ctx, version.name, version.version, alias))
    with remove_column:
        if not version.aliases:
            st.caption("This version holds no alias.")
        else:
            held = st.selectbox("Remove alias", version.aliases, key=f"alias-remove-{key}")
            checklist = actions.preview(ctx.policy, version, run, RemoveAlias(held), ctx.actor)
            if _gated_button(
                ctx, "remove_alias", f"Remove @{held}", checklist, f"alias-remove-go-{key}"
            ):
                finish(actions.remove_alias(ctx, version.name, version.version, held))


def _description_panel(
    ctx: ActionContext, version: ModelVersionRecord, run: RunRecord | None, key: str
) -> None:
    text = st.text_area(
        "Description (markdown; HTML is shown as text)",
        version.description,
        key=f"description-{key}",
        height=150,
    )
    checklist = actions.preview(ctx.policy, version, run, EditDescription(text), ctx.actor)
    if _gated_button(
        ctx, "edit_description", "Save description", checklist, f"description-go-{key}"
    ):
        finish(actions.edit_description(ctx, version.name, version.version, text))


def _release_panel(
    ctx: ActionContext,
    detail: ModelDetail,
    version: ModelVersionRecord,
    run: RunRecord | None,
    key: str,
) -> None:
    used = tuple(v.tags.get("semantic_version", "") for v in detail.versions)
    part = st.radio(
        "Bump", ["major", "minor", "patch"], index=1, horizontal=True, key=f"bump-{key}"
    )
    current = version.tags.get("semantic_version") or "none"
    st.caption(
        f"This version's release: {current}. Next {part} release of the model: "
        f"{next_semantic_version(used, part)}, with today's release_date and you as "
        "author."
    )
    checklist = actions.preview(ctx.policy, version, run, BumpVersion(part), ctx.actor)
    if _gated_button(
        ctx,
        "bump_version",
        f"Release as {next_semantic_version(used, part)}",
        checklist,
        f"bump-go-{key}",
    ):
        finish(actions.bump_version(ctx, version.name, version.version, part))


# ----- model page ------------------------------------------------------------------------------


def production_history(detail: ModelDetail, timeline: pd.DataFrame) -> None:
    """The production timeline; selecting a row of an earlier version makes it the roll back
    panel's target ("revert to this version"), which checks the policy and asks why."""
    st.caption(
        "Select an earlier version's row to revert to it: the Roll back panel below checks "
        "the policy and asks for the reason."
    )
    selection = st.dataframe(
        timeline,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=f"production-history-{detail.model.name}",
        column_config={
            "Version": st.column_config.NumberColumn(format="v%d"),
            "Replaced": st.column_config.NumberColumn(format="v%d"),
            "From": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
            "Until": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        },
    ).selection
    rows = selection.get("rows", []) if selection else []
    chosen = int(timeline.iloc[rows[0]]["Version"]) if rows else None
    # Only a new selection moves the target, so the user can still change it in the panel.
    remembered = f"production-history-chosen-{detail.model.name}"
    if chosen == st.session_state.get(remembered):
        return
    st.session_state[remembered] = chosen
    if chosen is None:
        return
    if chosen in _roll_back_targets(detail):
        st.session_state[f"rollback-target-{detail.model.name}"] = chosen
    else:
        st.caption(f"v{chosen} is in production now: choose an earlier version to revert to.")


def _roll_back_targets(detail: ModelDetail) -> list[int]:
    """Versions that served production before and are not serving it now, in the order
    of the model's versions."""
    production = lifecycle.production_version(detail.versions)
    served = {v.version for v in lifecycle.earlier_production(detail.versions, production)}
    return [v.version for v in detail.versions if v.version in served]


def roll_back_panel(tracking_uri: str, detail: ModelDetail, runs: dict[str, RunRecord]) -> None:
    """Pick a version that served production before, give a reason, check, roll back."""
    ctx = cache.action_context(tracking_uri)
    st.subheader("Roll back")
    last_result()
    production = lifecycle.production_version(detail.versions)
    numbers = _roll_back_targets(detail)
    if production is None:
        st.info("No version is in production, so there is nothing to roll back.")
        return
    if not numbers:
        st.info(
            f"No earlier version of {detail.model.name} served production: there is no "
            "version to roll back to."
        )
        return
    target_key = f"rollback-target-{detail.model.name}"
    if st.session_state.get(target_key) not in numbers:
        st.session_state[target_key] = lifecycle.previous_production(
            detail.versions, production
        ).version
    target_number = st.selectbox(
        f"Replace v{production.version} in production with",
        numbers,
        format_func=lambda n: (
            f"v{n} (in production from {detail.version(n).tags[PRODUCTION_AT_TAG][:10]})"
        ),
        key=target_key,
    )
    reason = st.text_input(
        "Reason",
        key=f"rollback-reason-{detail.model.name}",
        placeholder="e.g. accuracy fell below 0.90 after the data change",
    )
    target = detail.version(target_number)
    current_facts = actions.facts_for(production, runs.get(production.run_id or ""))
    checklist = actions.preview(
        ctx.policy,
        target,
        runs.get(target.run_id or ""),
        Rollback(current_facts, reason),
        ctx.actor,
    )
    if _gated_button(
        ctx,
        "roll_back",
        f"Roll back to v{target_number}",
        checklist,
        f"rollback-go-{detail.model.name}",
    ):
        finish(
            actions.roll_back(
                ctx,
                detail.model.name,
                reason,
                target_number,
                seen=Seen(production_version=production.version, shows_production=True),
            )
        )


# ----- artifact previews ----------------------------------------------------------------------


def artifact_preview(path: str, kind: str | None, data: bytes) -> None:
    """Show a file by its kind; markdown without HTML, SVG only as an image (no scripts run)."""
    if kind is None:
        st.info("No preview for this kind of file: download it.")
        return
    if kind == "image":
        st.image(data, caption=path)
        return
    if kind == "svg":  # drawn through an <img> data URI, where scripts never run
        st.image(data.decode("utf-8", errors="replace"), caption=path)
        return
    text = data.decode("utf-8", errors="replace")
    if kind == "markdown":
        st.markdown(text)
    elif kind == "yaml":
        st.code(text, language="yaml")
    elif kind == "json":
        try:
            st.json(json.loads(text))
        except json.JSONDecodeError:
            st.code(text, language="json")
    elif kind == "csv":
        try:
            st.dataframe(pd.read_csv(io.StringIO(text)), hide_index=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError):
            st.code(text, language=None)
    else:
        st.code(text, language=None)


# ----- approvals -------------------------------------------------------------------------------


def request_card(tracking_uri: str, request: PromotionRequest) -> None:
    """One pending request: who asks what and why, the checklist now, the metrics against
    production, and the decisions the signed-in user may take."""
    ctx = cache.action_context(tracking_uri)
    detail = cache.model_detail(tracking_uri, request.model)
    version = detail.version(request.version)
    production = lifecycle.production_version(detail.versions)
    run_ids = tuple(sorted({v.run_id for v in (version, production) if v and v.run_id}))
    runs = cache.runs_for(tracking_uri, run_ids)
    with st.container(border=True):
        st.markdown(
            f"**#{request.id} · {md_escape(request.model)} v{request.version}** · "
            f"{request.from_stage} → {request.to_stage}"
        )
        st.caption(
            f"Requested by {request.requester} on "
            f"{request.created_at:%Y-%m-%d %H:%M} UTC"
            + (f": {request.reason}" if request.reason else "")
        )
        checks_column, metrics_column = st.columns(2)
        with checks_column:
            st.markdown("Policy now")
            checklist = actions.preview(
                ctx.policy,
                version,
                runs.get(version.run_id or ""),
                Transition(request.to_stage, request.reason, True),
                ctx.actor,
            )
            checklist_view(checklist)
        with metrics_column:
            st.markdown("Against production")
            st.dataframe(_against_production(version, production, runs), hide_index=True)
        key = f"request-{request.id}"
        if request.requester == ctx.actor:
            st.caption("You filed this request: another reviewer decides it.")
            if st.button("Cancel request", key=f"{key}-cancel"):
                finish(actions.cancel(ctx, request.id))
            return
        refusal = roles.refusal(ctx.roles, "approve")
        if refusal:
            st.caption(f":material/lock: {refusal}")
            return
        comment = st.text_input("Comment", key=f"{key}-comment", placeholder="required to reject")
        approve_column, reject_column = st.columns(2)
        if approve_column.button(
            "Approve and execute",
            key=f"{key}-approve",
            type="primary",
            disabled=not checklist.passed,
        ):
            finish(actions.approve(ctx, request.id, comment))
        if reject_column.button("Reject", key=f"{key}-reject", disabled=not comment.strip()):
            finish(actions.reject(ctx, request.id, comment))


def _against_production(
    version: ModelVersionRecord, production: ModelVersionRecord | None, runs: dict[str, RunRecord]
) -> pd.DataFrame:
    candidate = runs.get(version.run_id or "")
    serving = runs.get(production.run_id or "") if production else None
    names = sorted(
        set(candidate.metrics if candidate else {}) & set(serving.metrics if serving else {})
        or (candidate.metrics if candidate else {})
    )
    label = f"production v{production.version}" if production else "production"
    return pd.DataFrame(
        [
            {
                "Metric": name,
                f"v{version.version}": candidate.metrics.get(name) if candidate else None,
                label: serving.metrics.get(name) if serving else None,
            }
            for name in names
        ],
        columns=["Metric", f"v{version.version}", label],
    )
