"""The gate's inputs: one table (the fields of `GateInputs`, each with its `Spec`: config key,
kind, rule, operator-command option) that drives the resource's properties, the stack config
reader, the operator command's options and the provider's Check; and `validate`.

A `Problem` names the field it is about, and a reason may name other fields (`Ref`): each
surface says those names its own way (a property, `bulk-publish-gate:<key>`, `--option`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from .names import pool_id_problem
from .rules import (
    MAX_AGE_SECONDS,
    MAX_CONCURRENCY,
    MAX_POLL_INTERVAL_SECONDS,
    MAX_TIMEOUT_SECONDS,
    MIN_POLL_INTERVAL_SECONDS,
    bool_rule,
    instant_rule,
    mode_rule,
    number_rule,
    parse_instant,
    parse_text,
    pool_ids_rule,
    region_rule,
    url_rule,
)
from .text import iso_utc

NAMESPACE = "bulk-publish-gate"
"""The stack config namespace (the project name)."""


@dataclass(frozen=True)
class Ref:
    """A field (or a setting such as `aws:profile`) named inside a reason."""

    name: str


@dataclass(frozen=True)
class Problem:
    """One input that breaks a rule."""

    field: str
    """The property name (or the setting: `aws:profile`, an environment variable)."""
    reason: str | tuple[str | Ref, ...]
    """The rule it breaks, said so that the fix is plain; may name other fields."""

    def said(self, name: Callable[[str], str] = str) -> str:
        """The reason, with each field it names said by `name`."""
        parts = (self.reason,) if isinstance(self.reason, str) else self.reason
        return "".join(part if isinstance(part, str) else name(part.name) for part in parts)

    def line(self, name: Callable[[str], str] = str) -> str:
        """`<field> <reason>`, every name said by `name`."""
        return f"{name(self.field)} {self.said(name)}"


@dataclass(frozen=True)
class Spec:
    """How one input is named, typed and checked on every surface."""

    config: str
    """The stack config key (without the namespace), e.g. `timeoutSeconds`."""
    kind: str
    """How text (config, options) is read: text, list, int, decimal, bool or instant."""
    rule: Callable[..., str | tuple[str | Ref, ...] | None]
    """Why a value breaks the rule (a `Problem.reason`: it may name other fields), or None; a
    list's rule also takes `unknown=`, the placeholder of elements not computed yet, which it
    skips."""
    doc: str
    """What it means, as one fragment (lowercase, no full stop) that every surface renders: the
    command's help, the schema, Pulumi.yaml, `BulkPublishGateArgs` and docs/reference/."""
    option: str | None = None
    """The operator command's option (`--timeout`); None: not an option."""
    group: str | None = None
    """The command's option group: aws, freshness or waiting."""
    read_once: bool = False
    """The plugin's read-once function takes it too (the pools, where to call them, freshness,
    and how long failed reads may be retried: nothing about waiting on a status)."""


def _pool_id_rule(value: Any) -> str | tuple[str | Ref, ...] | None:
    """The pool id's rule; when it is missing, the list of several is named as each surface
    names it (identityPoolIds, bulk-publish-gate:identityPoolIds, POOL...)."""
    if value in ("", None):
        return (
            "is required: the identity pool id, e.g. us-east-1:0f5b6a1e-...-1a2b3c4d5e6f (or ",
            Ref("identity_pool_ids"),
            ", a list of several)",
        )
    return pool_id_problem(value)


def _input(default: Any, *spec: Any, read_once: bool = False):
    """A field of the table: its default, then its Spec (config, kind, rule, doc, option, group)."""
    return field(default=default, metadata={"spec": Spec(*spec, read_once=read_once)})


@dataclass(frozen=True)
class GateInputs:
    """The validated inputs of one gate; field names are the resource's property names."""

    identity_pool_id: str = _input(
        "", "identityPoolId", "text", _pool_id_rule,
        "the identity pool to watch, such as us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f; "
        "required, unless several pools are given instead", read_once=True,
    )  # fmt: skip
    identity_pool_ids: tuple[str, ...] = _input(
        (), "identityPoolIds", "list", pool_ids_rule,
        "several identity pools watched at once by one gate, instead of one pool: each in the "
        "region its id names (unless a region is set); the gate opens only when every pool is "
        "open", read_once=True,
    )  # fmt: skip
    max_concurrency: int = _input(
        8, "maxConcurrency", "int", number_rule(1, MAX_CONCURRENCY, integer=True),
        "with several pools, the most calls in flight at once; throttling slows them all",
        "--max-concurrency", "waiting", read_once=True,
    )  # fmt: skip
    mode: str = _input(
        "gate", "mode", "text", mode_rule,
        "how the gate acts on the status: gate fails the deployment unless it is SUCCEEDED "
        "and fresh; observe never fails, it only exports the status",
    )  # fmt: skip
    timeout_seconds: int = _input(
        1800, "timeoutSeconds", "int", number_rule(0, MAX_TIMEOUT_SECONDS, integer=True),
        "the longest to wait while a bulk publish is IN_PROGRESS, in whole seconds (0: read "
        "once); failed reads are retried within it", "--timeout", "waiting", read_once=True,
    )  # fmt: skip
    poll_interval_seconds: float = _input(
        5.0, "pollIntervalSeconds", "decimal",
        number_rule(MIN_POLL_INTERVAL_SECONDS, MAX_POLL_INTERVAL_SECONDS),
        "the first delay between reads, in seconds (a plain decimal such as 5 or 0.5); the "
        "backoff doubles it, with jitter", "--poll-interval", "waiting",
    )  # fmt: skip
    max_poll_interval_seconds: float = _input(
        30.0, "maxPollIntervalSeconds", "decimal",
        number_rule(MIN_POLL_INTERVAL_SECONDS, MAX_POLL_INTERVAL_SECONDS),
        "the cap of the delay between reads, in seconds; at least the first delay",
        "--max-poll-interval", "waiting",
    )  # fmt: skip
    wait_for_start: bool = _input(
        False, "waitForStart", "bool", bool_rule,
        "wait while the status is NOT_STARTED (or stale) too, for a bulk publish another "
        "pipeline is about to start", "--wait-for-start", "waiting",
    )  # fmt: skip
    region: str | None = _input(
        None, "region", "text", region_rule,
        "the region to call for every pool (default: with one pool, aws:region where set; else "
        "the region each pool id starts with); a region name even with another endpoint",
        "--region", "aws", read_once=True,
    )  # fmt: skip
    endpoint_url: str | None = _input(
        None, "endpointUrl", "text", url_rule,
        "a Cognito Sync endpoint to call instead of AWS's (default: "
        "AWS_ENDPOINT_URL_COGNITO_SYNC, else AWS)", "--endpoint-url", "aws", read_once=True,
    )  # fmt: skip
    completed_after: datetime | None = _input(  # noqa: RUF009 - a field() with its spec
        None, "completedAfter", "instant", instant_rule,
        "freshness: a SUCCEEDED that completed before this ISO-8601 UTC instant (such as "
        "2026-11-23T12:00:00Z) is stale; not in the future", "--completed-after", "freshness",
        read_once=True,
    )  # fmt: skip
    max_age_seconds: int = _input(
        0, "maxAgeSeconds", "int", number_rule(0, MAX_AGE_SECONDS, integer=True),
        "freshness: a SUCCEEDED that completed more than this many seconds before the read is "
        "stale (0: no bound); with an instant bound too, the later one wins",
        "--max-age-seconds", "freshness", read_once=True,
    )  # fmt: skip
    start_bulk_publish: bool = _input(
        False, "startBulkPublish", "bool", bool_rule,
        "in create and update only (never preview or refresh), start a bulk publish when the "
        "pool is NOT_STARTED, FAILED or stale, then wait for it; needs cognito-sync:BulkPublish",
    )  # fmt: skip

    def as_props(self) -> dict[str, Any]:
        """The inputs as plain resource properties (lists and ISO strings on the wire)."""
        props = {f.name: getattr(self, f.name) for f in fields(self)}
        props["identity_pool_ids"] = list(self.identity_pool_ids)
        props["completed_after"] = iso_utc(self.completed_after, fraction=True)
        return props

    @property
    def pools(self) -> tuple[str, ...]:
        """Every pool this gate watches, in the order given."""
        return self.identity_pool_ids or (self.identity_pool_id,)


FIELDS = fields(GateInputs)
"""The inputs table, in order."""
SPECS: dict[str, Spec] = {f.name: f.metadata["spec"] for f in FIELDS}
"""Property name -> its spec."""
DEFAULTS: dict[str, Any] = {f.name: f.default for f in FIELDS}


def config_name(name: str, namespace: str = NAMESPACE) -> str:
    """How the stack config says a field: `bulk-publish-gate:timeoutSeconds`; other settings
    (`aws:profile`, an environment variable) as they are."""
    return f"{namespace}:{SPECS[name].config}" if name in SPECS else name


def validate(
    props: Mapping[str, Any], unknown: object = None, now: datetime | None = None
) -> tuple[GateInputs | None, list[Problem]]:
    """Apply defaults and every rule; the inputs when all pass, else every problem found.

    A value equal to `unknown` (a preview placeholder for a value not computed yet) skips its
    rule; a list with such elements (a pool computed by another resource) has only its known
    elements checked. The inputs are then None even when nothing known breaks a rule. With
    `now`, a completed_after in the future is refused too (no bulk publish can have completed
    then).
    """
    values = {name: props.get(name) for name in SPECS}
    values = {name: DEFAULTS[name] if v is None else v for name, v in values.items()}
    after = parse_instant(values["completed_after"])  # the one parse of the instant's text
    if after is not None:
        values["completed_after"] = after  # its rule, the rule against now and its type take it
    pending = {name for name, v in values.items() if unknown is not None and v == unknown}
    partly = {name for name, v in values.items() if _holds(v, unknown)}
    several = values["identity_pool_ids"] not in ((), [])
    skipped = pending | (
        {"identity_pool_id"} if several and values["identity_pool_id"] == "" else set()
    )
    problems = [
        Problem(name, reason)
        for name, spec in SPECS.items()
        if name not in skipped
        and (reason := _reason(spec, values[name], unknown if name in partly else None)) is not None
    ]
    named = {problem.field for problem in problems}
    if several and not skipped & {"identity_pool_id"} and "identity_pool_id" not in named:
        both = ("and ", Ref("identity_pool_ids"), " are both set: give one pool, or several")
        problems.append(Problem("identity_pool_id", both))
    problems += _relations(values, pending, now, problems, after)
    if problems or pending or partly:
        return None, problems
    return _typed(values), []


def _holds(value: Any, unknown: object) -> bool:
    """Whether `value` is a list with an element not known yet."""
    return unknown is not None and isinstance(value, list | tuple) and unknown in value


def _reason(spec: Spec, value: Any, unknown: object) -> str | None:
    """Why `value` breaks its rule; a list's rule skips its elements equal to `unknown`."""
    return spec.rule(value) if unknown is None else spec.rule(value, unknown=unknown)


def _relations(values, pending, now, problems, after) -> list[Problem]:
    """The rules between fields: the poll interval and its cap, completed_after and now."""
    found = []
    low, high = values["poll_interval_seconds"], values["max_poll_interval_seconds"]
    both_known = not pending & {"poll_interval_seconds", "max_poll_interval_seconds"}
    if not problems and both_known and high < low:
        said = ("must be at least ", Ref("poll_interval_seconds"), f" ({high:g} < {low:g})")
        found.append(Problem("max_poll_interval_seconds", said))
    if after is not None and now is not None and after > now:
        said = (
            f"{iso_utc(after, fraction=True)} is in the future (now {iso_utc(now)}): no bulk "
            "publish can have completed then; use ",
            Ref("max_age_seconds"),
            " for a moving bound",
        )
        found.append(Problem("completed_after", said))
    return found


def _typed(values: dict[str, Any]) -> GateInputs:
    """Every value as its field's type (numbers cross the wire as floats)."""
    return GateInputs(
        **{
            **values,
            "identity_pool_ids": tuple(values["identity_pool_ids"]),
            "max_concurrency": int(values["max_concurrency"]),
            "timeout_seconds": int(values["timeout_seconds"]),
            "max_age_seconds": int(values["max_age_seconds"]),
            "poll_interval_seconds": float(values["poll_interval_seconds"]),
            "max_poll_interval_seconds": float(values["max_poll_interval_seconds"]),
            "completed_after": values["completed_after"],  # parsed already (see validate)
        }
    )


def parse_field(name: str, raw: str) -> Any:
    """The typed value of field `name` typed as text (see `rules.parse_text`)."""
    return parse_text(SPECS[name].kind, raw)
