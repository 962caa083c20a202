"""The monitor: apply the policy's monitoring rules and act.

    python -m dashboard.monitor --once            # one pass, then exit
    python -m dashboard.monitor --interval 300    # a pass every 5 minutes until stopped

It reads the same environment as the app (MLFLOW_TRACKING_URI, DASHBOARD_POLICY,
DASHBOARD_DB_URL). On a breach it rolls back at once (`mode: auto`) or files a roll back
request for a reviewer (`mode: propose`), always as the actor `monitor`, through the
actions module: the policy applies, the audit trail records it, and MLflow tags mirror it.
Every pass records one check per rule, which the Monitoring page shows.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from dashboard import actions, monitoring
from dashboard.actions import ActionContext, Seen
from dashboard.backends import backend_for, present
from dashboard.config import load_settings
from dashboard.errors import DashboardError
from dashboard.policy import MonitorRule, Policy, load_policy
from dashboard.registry import RegistryService
from dashboard.roles import MONITOR_ROLE
from dashboard.store import MonitorCheck, Store, open_store

MONITOR_ACTOR = "monitor"
log = logging.getLogger("dashboard.monitor")


def monitor_context(registry: RegistryService, policy: Policy, store: Store) -> ActionContext:
    return ActionContext(registry, policy, MONITOR_ACTOR, frozenset({MONITOR_ROLE}), store=store)


def run_once(ctx: ActionContext) -> list[MonitorCheck]:
    """One pass over every rule; returns (and stores) what each check found and did."""
    assert ctx.store is not None, "the monitor records its checks in the dashboard's store"
    checks = [check_rule(ctx, rule) for rule in ctx.policy.monitoring.rules]
    for check in checks:
        ctx.store.record_check(check)
    return checks


def check_rule(ctx: ActionContext, rule: MonitorRule) -> MonitorCheck:
    try:
        detail = present(ctx.registry.model_detail(rule.model), backend_for(ctx.policy.lifecycle))
        runs = ctx.registry.runs_for(v.run_id for v in detail.versions)
        evaluations = ctx.registry.evaluation_runs(rule.model)
    except DashboardError as error:
        return MonitorCheck(
            rule.model, None, rule.metric, None, None, "no_data", rule.mode, "none", str(error)
        )
    found = monitoring.assess(rule, detail.versions, runs, evaluations)
    action, message = "none", found.message
    if found.state == "breach":
        action, message = _act(ctx, rule, found)
    return MonitorCheck(
        rule.model, found.production, rule.metric, found.reading.value, found.threshold,
        found.state, rule.mode, action, message,
    )  # fmt: skip


def _act(ctx: ActionContext, rule: MonitorRule, found: monitoring.Assessment) -> tuple[str, str]:
    if found.last_good is None:
        return "none", f"{found.message} No earlier production version passes: nothing to do."
    reason = f"monitor: {found.message}"
    if rule.mode == "auto":
        result = actions.roll_back(
            ctx,
            rule.model,
            reason,
            found.last_good,
            seen=Seen(production_version=found.production, shows_production=True),
        )
        done = "rolled_back"
    else:
        result = actions.propose_rollback(ctx, rule.model, found.last_good, reason)
        done = "proposed"
    return (done if result.done else result.outcome), f"{found.message} {result.message}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.monitor", description=__doc__)
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--once", action="store_true", help="one pass, then exit")
    when.add_argument("--interval", type=int, metavar="SECONDS", help="a pass every SECONDS")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        settings = load_settings()
        policy = load_policy(settings.policy_path)
        ctx = monitor_context(
            RegistryService(settings.tracking_uri), policy, open_store(settings.db_url)
        )
    except DashboardError as error:
        print(error, file=sys.stderr)
        return 1
    if not policy.monitoring.rules:
        print(f"{settings.policy_path} has no monitoring.rules: nothing to watch.", file=sys.stderr)
        return 1
    while True:
        for check in run_once(ctx):
            log.info("%s: %s, %s. %s", check.model, check.state, check.action, check.message)
        if args.once:
            return 0
        time.sleep(max(args.interval, 1))


if __name__ == "__main__":
    sys.exit(main())
