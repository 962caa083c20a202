"""The governance policy: loading and validating its YAML, and evaluating actions against it.

Pure domain code: no MLflow and no Streamlit. `evaluate(policy, facts, action, actor)` returns
a checklist, one line per rule, that pages show before a button and actions check again.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dashboard.errors import ConfigurationError

STAGES = ("None", "Staging", "Production", "Archived")
OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, ">": operator.gt, "<=": operator.le,
    "<": operator.lt, "==": operator.eq, "!=": operator.ne,
}  # fmt: skip
METRIC_CONDITION = re.compile(
    r"^\s*(?P<metric>[\w./\- ]*?[\w./\-])\s*"
    r"(?:(?P<op>>=|<=|==|!=|>|<)\s*(?P<threshold>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))?\s*$"
)
TRANSITION_KEY = re.compile(r"^\s*(\w+)\s*->\s*(\w+)\s*$")
# MLflow's own rule for tag keys, and the dashboard's limits for what people type.
TAG_KEY = re.compile(r"^[\w./\- :]+$")
TAG_KEY_MAX = 250
TAG_VALUE_MAX = 5_000
DESCRIPTION_MAX = 5_000
ALIAS_NAME = re.compile(r"^[\w\-]{1,255}$")
RESERVED_ALIAS = re.compile(r"^(latest|v\d+)$", re.IGNORECASE)
SEMVER = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")
# Tags the dashboard's actions write themselves; a person cannot set or delete them by hand.
MANAGED_TAG_PREFIXES = ("approval.", "lifecycle.", "rollback_")
MANAGED_TAGS = ("semantic_version", "release_date")
PRODUCTION_AT_TAG = "lifecycle.production_at"


class PolicyError(ConfigurationError):
    """A policy file that cannot be used: names the file, the line, the key path and why."""

    def __init__(self, source: str, key_path: str, reason: str, line: int | None = None):
        where = f"{source}, line {line}" if line else source
        super().__init__(f"Policy {where}: {key_path or '(top level)'}: {reason}")
        self.source, self.key_path, self.reason, self.line = source, key_path, reason, line


# ----- the policy ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricCondition:
    metric: str
    operator: str | None = None
    threshold: float | None = None

    def __str__(self) -> str:
        if self.operator is None:
            return f"{self.metric} logged"
        return f"{self.metric} {self.operator} {self.threshold:g}"


@dataclass(frozen=True)
class TransitionRule:
    source: str
    target: str
    required_tags: tuple[str, ...] = ()
    required_metrics: tuple[MetricCondition, ...] = ()
    approval_required: bool = False
    reason_required: bool = False


@dataclass(frozen=True)
class Lifecycle:
    """Which MLflow mechanism holds the lifecycle: `stages`, or `aliases` (+ an archive tag)."""

    backend: str = "stages"
    production_alias: str = "production"
    staging_alias: str = "staging"
    archived_tag: str = "lifecycle.archived"


@dataclass(frozen=True)
class Deployment:
    serving_platform: str = "kubernetes"
    replicas: int = 1
    cpu_limit: str = "1000m"
    memory_limit: str = "1Gi"
    health_endpoint: str = "/health"
    health_interval_seconds: int = 10


MONITOR_MODES = ("propose", "auto")


@dataclass(frozen=True)
class MonitorRule:
    """`monitoring.rules.MODEL`: when the production version's `metric` breaches, the
    monitor proposes a roll back (a request for a reviewer) or rolls back at once (`auto`).

    A breach: the value is below `min_value`, or more than `max_drop` below the previous
    production version's value. Without either, `max_drop` is `alert_threshold.accuracy_drop`.
    """

    model: str
    metric: str = "accuracy"
    min_value: float | None = None
    max_drop: float | None = None
    mode: str = "propose"


@dataclass(frozen=True)
class Monitoring:
    performance_tracking: bool = False
    drift_detection: bool = False
    accuracy_drop: float = 0.05
    latency_increase: float = 100.0
    rules: tuple[MonitorRule, ...] = ()


@dataclass(frozen=True)
class Policy:
    source: str
    naming_pattern: str | None = None
    naming_max_length: int | None = None
    max_versions: int | None = None
    retention_days: int | None = None
    archive_stages: tuple[str, ...] = ()
    transitions: Mapping[tuple[str, str], TransitionRule] = field(default_factory=dict)
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    deployment: Deployment = field(default_factory=Deployment)
    monitoring: Monitoring = field(default_factory=Monitoring)

    def transition(self, source: str, target: str) -> TransitionRule | None:
        return self.transitions.get((source, target))


# ----- loading -------------------------------------------------------------------------------


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file; raise PolicyError naming the line, key path and reason."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as error:
        raise PolicyError(str(path), "", f"cannot be read ({error.strerror})") from None
    return parse_policy(text, str(path))


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    try:
        data = yaml.safe_load(text)
        lines = _line_index(yaml.compose(text))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = f"is not valid YAML ({getattr(error, 'problem', None) or error})"
        raise PolicyError(source, "", reason, mark.line + 1 if mark else None) from None
    return _PolicyReader(source, lines).policy(data)


def _line_index(node: yaml.Node | None, path: str = "") -> dict[str, int]:
    """Key path -> 1-based line, for every node of the YAML document."""
    if node is None:
        return {}
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = f"{path}.{key.value}" if path else str(key.value)
            lines[child] = key.start_mark.line + 1
            lines.update({k: v for k, v in _line_index(value, child).items() if k != child})
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            lines.update(_line_index(item, f"{path}[{position}]"))
    return lines


class _PolicyReader:
    """Walks the parsed YAML, checking every key and type, raising at the first mistake."""

    def __init__(self, source: str, lines: dict[str, int]):
        self.source, self.lines = source, lines

    def fail(self, path: str, reason: str) -> PolicyError:
        return PolicyError(self.source, path, reason, self.lines.get(path))

    def mapping(self, value: Any, path: str, allowed: set[str]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, f"must be a mapping of keys, not {_kind(value)}")
        for key in value:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(_join(path, key), f"unknown key (known here: {known})")
        return value

    def integer(self, value: Any, path: str, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, f"must be a whole number, not {_kind(value)}")
        if value < minimum:
            raise self.fail(path, f"must be at least {minimum}, not {value}")
        return value

    def number(self, value: Any, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"must be a number, not {_kind(value)}")
        if value < 0:
            raise self.fail(path, f"must not be negative, not {value}")
        return float(value)

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"must be true or false, not {_kind(value)}")
        return value

    def text(self, value: Any, path: str) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float) or value == "":
            raise self.fail(path, f"must be a non-empty text, not {_kind(value)}")
        return str(value)

    def texts(self, value: Any, path: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(path, f"must be a list, not {_kind(value)}")
        return tuple(self.text(item, f"{path}[{i}]") for i, item in enumerate(value))

    def stage(self, value: Any, path: str) -> str:
        name = "None" if value is None else str(value)
        if name not in STAGES:
            raise self.fail(path, f"unknown stage {name!r} (stages: {', '.join(STAGES)})")
        return name

    # --- sections ---

    def policy(self, data: Any) -> Policy:
        top = self.mapping(data, "", {"model_registry", "deployment", "monitoring"})
        if "model_registry" not in top:
            raise self.fail("model_registry", "is required")
        registry = self.mapping(
            top["model_registry"], "model_registry",
            {"naming_convention", "version_policy", "stage_transitions", "lifecycle"},
        )  # fmt: skip
        naming = self.mapping(
            registry.get("naming_convention"),
            "model_registry.naming_convention",
            {"pattern", "max_length"},
        )
        pattern = None
        if "pattern" in naming:
            pattern = self.text(naming["pattern"], "model_registry.naming_convention.pattern")
            try:
                re.compile(pattern)
            except re.error as error:
                raise self.fail(
                    "model_registry.naming_convention.pattern",
                    f"is not a valid regular expression ({error})",
                ) from None
        max_length = None
        if "max_length" in naming:
            max_length = self.integer(
                naming["max_length"], "model_registry.naming_convention.max_length", 1
            )
        versions_path = "model_registry.version_policy"
        versions = self.mapping(
            registry.get("version_policy"),
            versions_path,
            {"max_versions", "retention_days", "archive_stages"},
        )
        max_versions = (
            self.integer(versions["max_versions"], f"{versions_path}.max_versions", 1)
            if "max_versions" in versions
            else None
        )
        retention = (
            self.integer(versions["retention_days"], f"{versions_path}.retention_days", 1)
            if "retention_days" in versions
            else None
        )
        archive_stages: tuple[str, ...] = ()
        if "archive_stages" in versions:
            stages_path = f"{versions_path}.archive_stages"
            raw = self.texts(versions["archive_stages"], stages_path)
            archive_stages = tuple(self.stage(s, f"{stages_path}[{i}]") for i, s in enumerate(raw))
        return Policy(
            source=self.source,
            naming_pattern=pattern,
            naming_max_length=max_length,
            max_versions=max_versions,
            retention_days=retention,
            archive_stages=archive_stages,
            transitions=self.transitions(registry.get("stage_transitions")),
            lifecycle=self.lifecycle(registry.get("lifecycle")),
            deployment=self.deployment(top.get("deployment")),
            monitoring=self.monitoring(top.get("monitoring")),
        )

    def transitions(self, value: Any) -> dict[tuple[str, str], TransitionRule]:
        path = "model_registry.stage_transitions"
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, f"must be a mapping of transitions, not {_kind(value)}")
        rules = {}
        for key, body in value.items():
            rule_path = f"{path}.{key}"
            match = TRANSITION_KEY.match(str(key))
            if not match:
                raise self.fail(rule_path, "must be written 'Stage -> Stage', e.g. None -> Staging")
            source = self.stage(match.group(1), rule_path)
            target = self.stage(match.group(2), rule_path)
            if source == target:
                raise self.fail(rule_path, "moves a version to the stage it is already in")
            fields = self.mapping(
                body,
                rule_path,
                {"required_tags", "required_metrics", "approval_required", "reason_required"},
            )
            rules[(source, target)] = TransitionRule(
                source=source,
                target=target,
                required_tags=self.texts(
                    fields.get("required_tags", []), f"{rule_path}.required_tags"
                ),
                required_metrics=tuple(
                    self.condition(item, f"{rule_path}.required_metrics[{i}]")
                    for i, item in enumerate(
                        self.texts(
                            fields.get("required_metrics", []), f"{rule_path}.required_metrics"
                        )
                    )
                ),
                approval_required=self.boolean(
                    fields.get("approval_required", False), f"{rule_path}.approval_required"
                ),
                reason_required=self.boolean(
                    fields.get("reason_required", False), f"{rule_path}.reason_required"
                ),
            )
        return rules

    def condition(self, text: str, path: str) -> MetricCondition:
        match = METRIC_CONDITION.match(text)
        if not match:
            raise self.fail(
                path,
                f"{text!r} is not 'metric' or 'metric OP number' "
                f"(OP one of {', '.join(OPERATORS)})",
            )
        threshold = match.group("threshold")
        return MetricCondition(
            match.group("metric"),
            match.group("op"),
            float(threshold) if threshold is not None else None,
        )

    def lifecycle(self, value: Any) -> Lifecycle:
        path = "model_registry.lifecycle"
        fields = self.mapping(
            value, path, {"backend", "production_alias", "staging_alias", "archived_tag"}
        )
        backend = self.text(fields.get("backend", "stages"), f"{path}.backend")
        if backend not in ("stages", "aliases"):
            raise self.fail(f"{path}.backend", f"must be 'stages' or 'aliases', not {backend!r}")
        aliases = {}
        for key in ("production_alias", "staging_alias"):
            if key in fields:
                alias = self.text(fields[key], f"{path}.{key}")
                if not ALIAS_NAME.match(alias) or RESERVED_ALIAS.match(alias):
                    raise self.fail(f"{path}.{key}", f"{alias!r} is not a valid MLflow alias")
                aliases[key] = alias
        if "archived_tag" in fields:
            tag = self.text(fields["archived_tag"], f"{path}.archived_tag")
            if not TAG_KEY.match(tag):
                raise self.fail(f"{path}.archived_tag", f"{tag!r} is not a valid tag key")
            aliases["archived_tag"] = tag
        lifecycle = Lifecycle(backend=backend, **aliases)
        if lifecycle.production_alias == lifecycle.staging_alias:
            raise self.fail(path, "production_alias and staging_alias must differ")
        return lifecycle

    def deployment(self, value: Any) -> Deployment:
        path = "deployment"
        fields = self.mapping(
            value, path, {"serving_platform", "replicas", "resource_limits", "health_check"}
        )
        limits = self.mapping(
            fields.get("resource_limits"), f"{path}.resource_limits", {"cpu", "memory"}
        )
        health = self.mapping(
            fields.get("health_check"), f"{path}.health_check", {"endpoint", "interval_seconds"}
        )
        defaults = Deployment()
        endpoint = self.text(
            health.get("endpoint", defaults.health_endpoint), f"{path}.health_check.endpoint"
        )
        if not endpoint.startswith("/"):
            raise self.fail(f"{path}.health_check.endpoint", "must start with '/'")
        return Deployment(
            serving_platform=self.text(
                fields.get("serving_platform", defaults.serving_platform),
                f"{path}.serving_platform",
            ),
            replicas=self.integer(fields.get("replicas", defaults.replicas), f"{path}.replicas", 1),
            cpu_limit=self.text(
                limits.get("cpu", defaults.cpu_limit), f"{path}.resource_limits.cpu"
            ),
            memory_limit=self.text(
                limits.get("memory", defaults.memory_limit), f"{path}.resource_limits.memory"
            ),
            health_endpoint=endpoint,
            health_interval_seconds=self.integer(
                health.get("interval_seconds", defaults.health_interval_seconds),
                f"{path}.health_check.interval_seconds",
                1,
            ),
        )

    def monitoring(self, value: Any) -> Monitoring:
        path = "monitoring"
        fields = self.mapping(
            value, path, {"performance_tracking", "drift_detection", "alert_threshold", "rules"}
        )
        thresholds = self.mapping(
            fields.get("alert_threshold"),
            f"{path}.alert_threshold",
            {"accuracy_drop", "latency_increase"},
        )
        defaults = Monitoring()
        accuracy_drop = self.number(
            thresholds.get("accuracy_drop", defaults.accuracy_drop),
            f"{path}.alert_threshold.accuracy_drop",
        )
        return Monitoring(
            performance_tracking=self.boolean(
                fields.get("performance_tracking", False), f"{path}.performance_tracking"
            ),
            drift_detection=self.boolean(
                fields.get("drift_detection", False), f"{path}.drift_detection"
            ),
            accuracy_drop=accuracy_drop,
            latency_increase=self.number(
                thresholds.get("latency_increase", defaults.latency_increase),
                f"{path}.alert_threshold.latency_increase",
            ),
            rules=self.monitor_rules(fields.get("rules"), f"{path}.rules", accuracy_drop),
        )

    def monitor_rules(self, value: Any, path: str, default_drop: float) -> tuple[MonitorRule, ...]:
        if value is None:
            return ()
        if not isinstance(value, dict):
            raise self.fail(path, f"must map model names to rules, not {_kind(value)}")
        rules = []
        for model, raw in value.items():
            where = f"{path}.{model}"
            fields = self.mapping(raw, where, {"metric", "min_value", "max_drop", "mode"})
            mode = self.text(fields.get("mode", "propose"), f"{where}.mode")
            if mode not in MONITOR_MODES:
                raise self.fail(f"{where}.mode", f"must be 'propose' or 'auto', not {mode!r}")
            min_value = (
                self.number(fields["min_value"], f"{where}.min_value")
                if "min_value" in fields
                else None
            )
            max_drop = (
                self.number(fields["max_drop"], f"{where}.max_drop")
                if "max_drop" in fields
                else None
            )
            if min_value is None and max_drop is None:
                max_drop = default_drop
            rules.append(
                MonitorRule(
                    model=self.text(model, where),
                    metric=self.text(fields.get("metric", "accuracy"), f"{where}.metric"),
                    min_value=min_value,
                    max_drop=max_drop,
                    mode=mode,
                )
            )
        return tuple(rules)


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: f"the text {value!r}",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


# ----- evaluation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    rule: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Checklist:
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.passed)

    def summary(self) -> str:
        """The failing rules in one sentence (or that all passed)."""
        if self.passed:
            return "All policy rules pass."
        return "Refused by policy: " + "; ".join(check.detail for check in self.failures) + "."


@dataclass(frozen=True)
class VersionFacts:
    """What the policy needs to know about one version, read fresh from the registry."""

    model: str
    version: int
    stage: str
    tags: Mapping[str, str]
    metrics: Mapping[str, float]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Transition:
    target: str
    reason: str = ""
    approved: bool = False  # set by the approvals workflow once a reviewer has approved


@dataclass(frozen=True)
class RequestTransition:
    """Filing a request for a transition that needs a reviewer's approval."""

    target: str
    reason: str = ""


@dataclass(frozen=True)
class Rollback:
    current: VersionFacts | None  # the version in production now (None: nothing is)
    reason: str


@dataclass(frozen=True)
class SetTag:
    key: str
    value: str


@dataclass(frozen=True)
class DeleteTag:
    key: str


@dataclass(frozen=True)
class SetAlias:
    alias: str


@dataclass(frozen=True)
class RemoveAlias:
    alias: str


@dataclass(frozen=True)
class EditDescription:
    text: str


@dataclass(frozen=True)
class BumpVersion:
    part: str  # major, minor or patch
    model_semvers: tuple[str, ...] = ()  # semantic versions already used by the model


@dataclass(frozen=True)
class DeleteVersion:
    """Retention clean-up of one version (the action checks the version is still listed)."""

    reason: str


Action = (
    Transition
    | DeleteVersion
    | Rollback
    | SetTag
    | DeleteTag
    | SetAlias
    | RemoveAlias
    | EditDescription
    | BumpVersion
    | RequestTransition
)


def evaluate(policy: Policy, facts: VersionFacts, action: Action, actor: str) -> Checklist:
    """The checklist for `actor` doing `action` to the version `facts` describes."""
    checks = [
        Check(
            "actor",
            bool(actor.strip()),
            "action by " + actor if actor.strip() else "the action has no actor",
        )
    ]
    if isinstance(action, Transition):
        checks += _transition_checks(policy, facts, action)
    elif isinstance(action, RequestTransition):
        checks += _request_checks(policy, facts, action)
    elif isinstance(action, Rollback):
        checks += _rollback_checks(facts, action)
    elif isinstance(action, SetTag):
        checks += _tag_key_checks(action.key)
        checks.append(
            Check(
                "tag value",
                len(action.value) <= TAG_VALUE_MAX,
                f"value is {len(action.value)} characters (at most {TAG_VALUE_MAX})",
            )
        )
    elif isinstance(action, DeleteTag):
        checks += _tag_key_checks(action.key)
        checks.append(
            Check(
                "tag exists",
                action.key in facts.tags,
                f"version {facts.version} has tag {action.key!r}"
                if action.key in facts.tags
                else f"version {facts.version} has no tag {action.key!r}",
            )
        )
    elif isinstance(action, SetAlias | RemoveAlias):
        checks += _alias_checks(policy, facts, action)
    elif isinstance(action, EditDescription):
        checks.append(
            Check(
                "description length",
                len(action.text) <= DESCRIPTION_MAX,
                f"description is {len(action.text)} characters (at most {DESCRIPTION_MAX})",
            )
        )
    elif isinstance(action, BumpVersion):
        checks += _bump_checks(action)
    elif isinstance(action, DeleteVersion):
        checks.append(_reason_check(action.reason, "a deletion"))
    return Checklist(tuple(checks))


def _transition_checks(policy: Policy, facts: VersionFacts, action: Transition) -> list[Check]:
    source, target = facts.stage, action.target
    if target not in STAGES:
        return [Check("stage", False, f"{target!r} is not a stage")]
    if source == target:
        return [Check("transition", False, f"version {facts.version} is already in {target}")]
    rule = policy.transition(source, target)
    if rule is None:
        # Unlisted moves down to Archived or None are harmless, except out of production,
        # which needs a listed rule (or a roll back).
        if target in ("Archived", "None") and source != "Production":
            return [
                Check(
                    "transition",
                    True,
                    f"{source} -> {target} is not listed: allowed without conditions",
                )
            ]
        return [
            Check(
                "transition",
                False,
                f"the policy lists no rule for {source} -> {target}, so it is refused",
            )
        ]
    checks = [Check("transition", True, f"{source} -> {target} is listed in the policy")]
    if target in ("Staging", "Production"):
        checks += naming_checks(policy, facts.model)
    for tag in rule.required_tags:
        present = bool(facts.tags.get(tag, "").strip())
        checks.append(
            Check(
                f"tag {tag}",
                present,
                f"tag {tag!r} is set" if present else f"tag {tag!r} is missing",
            )
        )
    for condition in rule.required_metrics:
        checks.append(metric_check(condition, facts.metrics))
    if rule.reason_required:
        checks.append(_reason_check(action.reason, "this transition"))
    if rule.approval_required:
        checks.append(
            Check(
                "approval",
                action.approved,
                "approved by a reviewer" if action.approved else "needs approval by a reviewer",
            )
        )
    return checks


def _request_checks(policy: Policy, facts: VersionFacts, action: RequestTransition) -> list:
    """A request may be filed for a listed transition that needs approval; the other rules
    are evaluated again when a reviewer approves."""
    rule = policy.transition(facts.stage, action.target)
    if rule is None or not rule.approval_required:
        return [
            Check(
                "approval needed",
                False,
                f"{facts.stage} -> {action.target} needs no approval: move the version directly",
            )
        ]
    checks = [Check("approval needed", True, f"{facts.stage} -> {action.target} needs approval")]
    if rule.reason_required:
        checks.append(_reason_check(action.reason, "this transition"))
    return checks


def _reason_check(reason: str, needed_for: str) -> Check:
    given = bool(reason.strip())
    return Check(
        "reason", given, "a reason is given" if given else f"a reason is required for {needed_for}"
    )


def metric_check(condition: MetricCondition, metrics: Mapping[str, float]) -> Check:
    name = condition.metric
    if name not in metrics:
        return Check(str(condition), False, f"metric {name!r} is not logged")
    value = metrics[name]
    if condition.operator is None:
        return Check(str(condition), True, f"{name} is logged ({value:.4g})")
    passed = OPERATORS[condition.operator](value, condition.threshold)
    shown = condition.operator if passed else _negation(condition.operator)
    return Check(str(condition), passed, f"{name} {value:.4g} {shown} {condition.threshold:g}")


def _negation(op: str) -> str:
    return {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}[op]


def naming_checks(policy: Policy, model: str) -> list[Check]:
    checks = []
    if policy.naming_pattern is not None:
        ok = re.search(policy.naming_pattern, model) is not None
        checks.append(
            Check(
                "naming convention",
                ok,
                f"name {model!r} {'matches' if ok else 'does not match'} {policy.naming_pattern}",
            )
        )
    if policy.naming_max_length is not None:
        ok = len(model) <= policy.naming_max_length
        checks.append(
            Check(
                "name length",
                ok,
                f"name is {len(model)} characters (at most {policy.naming_max_length})",
            )
        )
    return checks


def _rollback_checks(target: VersionFacts, action: Rollback) -> list[Check]:
    checks = [_reason_check(action.reason, "a roll back")]
    was_production = bool(target.tags.get(PRODUCTION_AT_TAG))
    checks.append(
        Check(
            "once in production",
            was_production,
            f"version {target.version} served production before"
            if was_production
            else f"version {target.version} never served production",
        )
    )
    if action.current is None:
        checks.append(
            Check("production version", False, "no version is in production to roll back from")
        )
    else:
        differs = action.current.version != target.version
        checks.append(
            Check(
                "target",
                differs,
                f"rolls back from v{action.current.version} to v{target.version}"
                if differs
                else f"version {target.version} is already in production",
            )
        )
    return checks


def _tag_key_checks(key: str) -> list[Check]:
    valid = bool(key) and len(key) <= TAG_KEY_MAX and TAG_KEY.match(key) is not None
    managed = key.startswith(MANAGED_TAG_PREFIXES) or key in MANAGED_TAGS
    return [
        Check(
            "tag key",
            valid,
            f"key {key!r} is valid"
            if valid
            else f"key {key!r} must be 1 to {TAG_KEY_MAX} characters of letters, digits, "
            "'_', '-', '.', '/', ' ' or ':'",
        ),
        Check(
            "managed tag",
            not managed,
            f"{key!r} is free to edit"
            if not managed
            else f"{key!r} is written only by the dashboard's own actions",
        ),
    ]


def _alias_checks(policy: Policy, facts: VersionFacts, action: SetAlias | RemoveAlias) -> list:
    alias = action.alias
    valid = bool(ALIAS_NAME.match(alias)) and not RESERVED_ALIAS.match(alias)
    checks = [
        Check(
            "alias name",
            valid,
            f"alias {alias!r} is valid"
            if valid
            else f"alias {alias!r} must be letters, digits, '_' or '-', and not "
            "'latest' or 'v<number>'",
        )
    ]
    lifecycle_aliases = (policy.lifecycle.production_alias, policy.lifecycle.staging_alias)
    if policy.lifecycle.backend == "aliases" and alias in lifecycle_aliases:
        checks.append(
            Check(
                "lifecycle alias",
                False,
                f"@{alias} is the lifecycle's own alias: move it with a stage transition",
            )
        )
    if isinstance(action, RemoveAlias):
        holds = alias in facts.aliases
        checks.append(
            Check(
                "alias held",
                holds,
                f"version {facts.version} holds @{alias}"
                if holds
                else f"version {facts.version} does not hold @{alias}",
            )
        )
    return checks


def _bump_checks(action: BumpVersion) -> list[Check]:
    ok = action.part in ("major", "minor", "patch")
    return [
        Check(
            "bump part",
            ok,
            f"{action.part} release" if ok else f"{action.part!r} is not major, minor or patch",
        )
    ]


def next_semantic_version(used: tuple[str, ...], part: str) -> str:
    """The next release after the highest of `used`; the first release is v1.0.0."""
    parsed = [tuple(int(n) for n in m.groups()) for m in map(SEMVER.match, used) if m]
    if not parsed:
        return "v1.0.0"
    major, minor, patch = max(parsed)
    if part == "major":
        return f"v{major + 1}.0.0"
    if part == "minor":
        return f"v{major}.{minor + 1}.0"
    return f"v{major}.{minor}.{patch + 1}"
