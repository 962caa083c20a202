"""Who may do what: the roles of PRODUCT.md, each action's least role, each page's least role.

Pure data and two questions (`allows`, `refusal`); the actions module asks them before
anything else, so a page that shows a button cannot widen what a role may do.
"""

from __future__ import annotations

from collections.abc import Iterable

# Ordered: each role may do everything the roles before it may.
ROLES = ("viewer", "data_scientist", "reviewer", "admin")
# Not a person: the monitor acting on its rules (issue 6). It may roll back and propose.
MONITOR_ROLE = "monitor"

# Action name (as written in the audit trail) -> the least role that may run it.
ACTION_ROLES: dict[str, str] = {
    "set_tag": "data_scientist",
    "delete_tag": "data_scientist",
    "edit_description": "data_scientist",
    "bump_version": "data_scientist",
    "request": "data_scientist",
    "cancel": "data_scientist",
    # Moving a stage is gated by the policy too: a move that needs approval is refused to
    # everyone and goes through a request.
    "transition": "data_scientist",
    "archive": "data_scientist",
    # Aliases are what deployments load (models:/name@alias): a reviewer's call.
    "set_alias": "reviewer",
    "remove_alias": "reviewer",
    "approve": "reviewer",
    "reject": "reviewer",
    "roll_back": "reviewer",
    "delete_version": "admin",
}
MONITOR_ACTIONS = frozenset({"roll_back", "request"})

# Page name (dashboard.navigation) -> the least role that sees it; unlisted pages: everyone.
PAGE_ROLES: dict[str, str] = {"approvals": "data_scientist", "retention": "admin"}

ROLE_LABELS = {
    "viewer": "Viewer",
    "data_scientist": "Data scientist",
    "reviewer": "Reviewer",
    "admin": "Admin",
    MONITOR_ROLE: "Monitor",
}


def rank(roles: Iterable[str]) -> int:
    """The highest position in ROLES among `roles`; -1 when none is a person's role."""
    return max((ROLES.index(role) for role in roles if role in ROLES), default=-1)


def _meets(roles: Iterable[str], least: str) -> bool:
    return rank(roles) >= ROLES.index(least)


def allows(roles: Iterable[str], action: str) -> bool:
    roles = frozenset(roles)
    if MONITOR_ROLE in roles and action in MONITOR_ACTIONS:
        return True
    least = ACTION_ROLES.get(action)
    return least is not None and _meets(roles, least)


def sees_page(roles: Iterable[str], page: str) -> bool:
    least = PAGE_ROLES.get(page)
    return rank(roles) >= 0 and (least is None or _meets(roles, least))


def is_admin(roles: Iterable[str]) -> bool:
    return _meets(roles, "admin")


def describe(roles: Iterable[str]) -> str:
    """ "Reviewer", "Data scientist, Admin": for the sidebar and refusals."""
    named = [ROLE_LABELS.get(role, role) for role in roles]
    return ", ".join(named) or "no role"


def refusal(roles: Iterable[str], action: str) -> str | None:
    """Why `roles` may not run `action`, or None when they may."""
    roles = tuple(roles)
    if allows(roles, action):
        return None
    least = ACTION_ROLES.get(action)
    if least is None:
        return f"{action!r} is not an action anyone may run here."
    return (
        f"Your role ({describe(roles)}) may not {action.replace('_', ' ')}: "
        f"it needs {ROLE_LABELS[least].lower()} or above."
    )
