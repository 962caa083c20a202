"""Pure shaping of audit events into the tables the audit page and model page draw."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.store import AuditEvent

COLUMNS = [
    "When",
    "Actor",
    "Action",
    "Model",
    "Version",
    "Outcome",
    "Reason",
    "Change",
    "Policy",
    "Error",
]


def change_summary(event: AuditEvent) -> str:
    """What the action changed, in a few words (stage, aliases, tags, description)."""
    before, after = event.before or {}, event.after or {}
    if not before or not after:
        return ""
    parts = []
    if before.get("stage") != after.get("stage"):
        parts.append(f"stage {before.get('stage')} → {after.get('stage')}")
    if before.get("production_version") != after.get("production_version"):
        parts.append(
            f"production v{before.get('production_version')} → v{after.get('production_version')}"
        )
    old_aliases, new_aliases = set(before.get("aliases", [])), set(after.get("aliases", []))
    parts += [f"+@{a}" for a in sorted(new_aliases - old_aliases)]
    parts += [f"-@{a}" for a in sorted(old_aliases - new_aliases)]
    old_tags, new_tags = before.get("tags", {}), after.get("tags", {})
    for key in sorted(set(old_tags) | set(new_tags)):
        if old_tags.get(key) != new_tags.get(key):
            parts.append(f"tag {key}: {old_tags.get(key, '∅')} → {new_tags.get(key, '∅')}")
    if before.get("description") != after.get("description"):
        parts.append("description edited")
    return "; ".join(parts)


def policy_summary(event: AuditEvent) -> str:
    failed = [check["detail"] for check in event.checklist if not check.get("passed")]
    if failed:
        return "failed: " + "; ".join(failed)
    return f"{len(event.checklist)} rules passed" if event.checklist else ""


def events_frame(events: Sequence[AuditEvent]) -> pd.DataFrame:
    rows = [
        {"When": event.at, "Actor": event.actor, "Action": event.action, "Model": event.model,
         "Version": event.version, "Outcome": event.outcome, "Reason": event.reason,
         "Change": change_summary(event), "Policy": policy_summary(event),
         "Error": event.error}
        for event in events
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def production_timeline(events: Sequence[AuditEvent]) -> pd.DataFrame:
    """Which version held production from when to when, who moved it there, how and why,
    from the audit events that changed the production version (oldest first)."""
    moves = sorted(
        (e for e in events if e.outcome == "done" and e.before and e.after
         and e.before.get("production_version") != e.after.get("production_version")),
        key=lambda e: (e.at, e.id or 0),
    )  # fmt: skip
    rows = []
    for position, event in enumerate(moves):
        until = moves[position + 1].at if position + 1 < len(moves) else None
        version = event.after.get("production_version")
        rows.append(
            {
                "Version": version,
                "From": event.at,
                "Until": until,
                "Moved by": event.actor,
                "How": event.action,
                "Why": event.reason,
                "Replaced": event.before.get("production_version"),
            }
        )
    columns = ["Version", "From", "Until", "Moved by", "How", "Why", "Replaced"]
    return pd.DataFrame(rows, columns=columns).iloc[::-1].reset_index(drop=True)


def activity_by_actor(events: Sequence[AuditEvent]) -> pd.DataFrame:
    """One row per user: how many actions, how they ended, and the latest (the admin's
    view of every user's actions)."""
    columns = ["User", "Actions", "Done", "Refused", "Failed", "Last action", "Last seen"]
    rows = {}
    for event in sorted(events, key=lambda e: e.at):
        row = rows.setdefault(event.actor, dict.fromkeys(columns, 0) | {"User": event.actor})
        row["Actions"] += 1
        row[event.outcome.title()] += 1
        row["Last action"] = f"{event.action} {event.model or ''}".strip()
        row["Last seen"] = event.at
    frame = pd.DataFrame(list(rows.values()), columns=columns)
    return frame.sort_values("Last seen", ascending=False).reset_index(drop=True)
