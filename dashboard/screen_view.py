"""HTML of the team screen: large type, high contrast, every registry value escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from dashboard.registry import RegistryStatus
from dashboard.screen import ScreenCard, duration, page_count
from dashboard.store import AuditEvent

KIOSK_CSS = """
<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stHeader"], [data-testid="stToolbar"], footer { display: none !important; }
  .stApp { background: #0b0f14; }
  .block-container, [data-testid="stMainBlockContainer"] {
    padding: 1.2rem 2rem 0.5rem 2rem !important; max-width: 100% !important; }
  .screen { color: #f5f7fa; font-family: "Source Sans Pro", "Segoe UI", sans-serif;
    line-height: 1.25; }
  .screen div { margin: 0; }
  .screen-head { display: flex; justify-content: space-between; align-items: baseline; }
  .screen-head h1 { font-size: 40px; margin: 0; color: #ffffff; }
  .screen-clock { font-size: 30px; color: #c9d1d9; }
  .health { font-size: 24px; font-weight: 600; }
  .health.ok { color: #3fb950; } .health.down { color: #ff7b72; }
  .banner { background: #5a1d1d; border: 3px solid #ff7b72; color: #ffffff; font-size: 26px;
    padding: 12px 20px; border-radius: 10px; margin: 10px 0; }
  .grid { display: grid; grid-template-columns: repeat(4, 1fr); gap: 14px; margin-top: 6px; }
  .card { background: #161b22; border: 2px solid #30363d; border-radius: 12px;
    padding: 8px 18px; height: 156px; box-sizing: border-box; overflow: hidden; }
  .card .name { font-size: 26px; font-weight: 700; color: #ffffff; overflow: hidden;
    text-overflow: ellipsis; white-space: nowrap; }
  .card .release { font-size: 22px; color: #c9d1d9; }
  .card .metric { font-size: 40px; font-weight: 700; margin-top: 4px; }
  .card .metric small { font-size: 20px; color: #c9d1d9; font-weight: 400; }
  .better { color: #3fb950; } .worse { color: #ff7b72; } .same { color: #c9d1d9; }
  .card .since { font-size: 20px; color: #c9d1d9; }
  .pending { display: inline-block; background: #9e6a03; color: #ffffff; font-size: 18px;
    padding: 0 10px; border-radius: 8px; margin-left: 10px; vertical-align: 2px; }
  .changes h2 { font-size: 26px; color: #ffffff; margin: 8px 0 4px 0; padding: 0; }
  .changes table { width: 100%; border-collapse: collapse; font-size: 19px; color: #e6edf3; }
  .changes td { padding: 2px 10px; line-height: 1.3; border-bottom: 1px solid #30363d;
    white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 520px; }
  .muted { color: #8b949e; }
</style>
"""
ARROWS = {"better": "▲", "worse": "▼", "same": "▶", "": ""}


def header(now: datetime, status: RegistryStatus, models: int) -> str:
    health = (
        f'<span class="health ok">● MLflow {escape(status.server_version or "")} healthy</span>'
        if status.healthy
        else '<span class="health down">● registry unreachable</span>'
    )
    return (
        '<div class="screen screen-head">'
        f"<h1>In production · {models} model{'s' if models != 1 else ''}</h1>"
        f'<span class="screen-clock">{health} &nbsp; {now:%H:%M} UTC</span></div>'
    )


def unreachable_banner(message: str, since: datetime | None, now: datetime) -> str:
    shown = (
        f"Showing the state read at {since:%H:%M} UTC ({duration(now - since)} ago)."
        if since
        else "Nothing has been read yet."
    )
    return f'<div class="screen banner">⚠ {escape(message)} {shown}</div>'


def page_index(now: datetime, interval: int, pinned: int | None) -> int:
    """The page to show: the pinned one (`?page=N`, 1-based: one wall screen per page), or
    the next one at each refresh so a single screen shows every model in turn."""
    if pinned is not None:
        return pinned - 1
    return int(now.timestamp() // max(interval, 1))


def grid(cards: Sequence[ScreenCard], now: datetime) -> str:
    if not cards:
        return '<div class="screen banner">No model has a version in production.</div>'
    return '<div class="screen grid">' + "".join(_card(c, now) for c in cards) + "</div>"


def _card(card: ScreenCard, now: datetime) -> str:
    release = f"v{card.version}" + (f" · {escape(card.semver)}" if card.semver else "")
    if card.value is None:
        metric = '<div class="metric muted">no metric</div>'
    else:
        trend = card.trend
        against = (
            f" <small>vs v{card.previous_version} {card.previous_value:.3f}</small>"
            if card.previous_value is not None
            else ""
        )
        metric = (
            f'<div class="metric {trend}">{ARROWS[trend]} {card.value:.3f}'
            f" <small>{escape(card.metric or '')}</small>{against}</div>"
        )
    if card.since:
        estimate = "" if card.since_recorded else "~"
        since = f"in production {estimate}{duration(now - card.since)}"
    else:
        since = "in production: time not recorded"
    pending = (
        f'<span class="pending">{card.pending} pending request{"s" if card.pending > 1 else ""}'
        "</span>"
        if card.pending
        else ""
    )
    return (
        f'<div class="card"><div class="name">{escape(card.model)}</div>'
        f'<div class="release">{release} {pending}</div>{metric}'
        f'<div class="since">{since}</div></div>'
    )


def recent_changes(events: Sequence[AuditEvent], now: datetime) -> str:
    if not events:
        rows = '<tr><td class="muted">No change made through the dashboard yet.</td></tr>'
    else:
        rows = "".join(
            f"<tr><td>{duration(now - e.at)} ago</td><td>{escape(e.actor)}</td>"
            f"<td>{escape(e.action.replace('_', ' '))}</td>"
            f"<td>{escape(e.model or '')}{f' v{e.version}' if e.version else ''}</td>"
            f'<td class="muted">{escape(e.reason or "")}</td></tr>'
            for e in events
        )
    return f'<div class="screen changes"><h2>Last changes</h2><table>{rows}</table></div>'


def page_label(total: int, index: int, pinned: bool) -> str:
    pages = page_count(total)
    if pages == 1:
        return ""
    rotation = "" if pinned else ", the next one at the next refresh"
    return f'<div class="screen muted">Page {index % pages + 1} of {pages}{rotation}</div>'
