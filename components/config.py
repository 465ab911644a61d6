"""The stack's configuration: read, typed and checked, with errors that name the config key."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import pulumi

from .cognito_sync import region_of_pool
from .inputs import GateInputs, region_name_problem, shown, validate
from .resource import BulkPublishGateArgs

CONFIG_KEYS: dict[str, tuple[str, type]] = {
    "identity_pool_id": ("identityPoolId", str),
    "identity_pool_ids": ("identityPoolIds", list),
    "max_concurrency": ("maxConcurrency", int),
    "mode": ("mode", str),
    "timeout_seconds": ("timeoutSeconds", int),
    "poll_interval_seconds": ("pollIntervalSeconds", float),
    "max_poll_interval_seconds": ("maxPollIntervalSeconds", float),
    "wait_for_start": ("waitForStart", bool),
    "region": ("region", str),
    "endpoint_url": ("endpointUrl", str),
    "completed_after": ("completedAfter", str),
    "max_age_seconds": ("maxAgeSeconds", int),
    "start_bulk_publish": ("startBulkPublish", bool),
}
"""Gate input -> (config key without namespace, type). An empty string key is unset: Pulumi.yaml
declares the optional ones with `default: ""`, since the CLI requires a declared key that has
no default."""

PARAMETER_NAME_KEY = "completionParameterName"
PUBLISH_PARAMETER_KEY = "publishCompletionParameter"
SSM_NAME_PATTERN = re.compile(r"[A-Za-z0-9_.\-/]+")
SSM_NAME_MAX_LENGTH = 1011


@dataclass(frozen=True)
class StackSettings:
    """What `__main__.py` needs: the gate's arguments and the downstream parameter's name."""

    gate: BulkPublishGateArgs
    """The gate's arguments, every one checked."""
    completion_parameter_name: str
    """The SSM parameter `__main__.py` creates once the gate opens."""
    publish_completion_parameter: bool = True
    """False: a status-only stack, with no AWS resource (it only exports the status)."""


def read_stack_config(
    config: pulumi.Config | None = None, aws_region: str | None = None
) -> StackSettings:
    """Read and check every key; one RunError lists all problems, before any API call."""
    config = config or pulumi.Config()
    namespace = config.name
    if aws_region is None:
        aws_region = pulumi.Config("aws").get("region")
    problems: list[str] = []
    values: dict[str, Any] = {}
    for prop, (key, kind) in CONFIG_KEYS.items():
        raw = config.get(key)
        if (raw == "" and kind is str) or (kind is list and raw in ("", "[]")):
            raw = None  # declared with an empty default: unset
        if raw is not None:
            try:
                values[prop] = _convert(raw, kind)
            except ValueError as error:
                problems.append(f"{namespace}:{key} {error}")
    inputs, found = validate(values)
    problems += [f"{namespace}:{CONFIG_KEYS[p.field][0]} {p.reason}" for p in found]
    several = inputs is not None and bool(inputs.identity_pool_ids)
    checked = inputs is not None and not several
    if checked and (reason := _called_region_problem(inputs, aws_region, namespace)):
        problems.append(reason)
    name = config.get(PARAMETER_NAME_KEY) or None
    if inputs is not None and name is None and several:
        name = default_parameters_name(inputs.identity_pool_ids)
    elif inputs is not None and name is None:
        region = inputs.region or aws_region or region_of_pool(inputs.identity_pool_id)
        name = default_parameter_name(inputs.identity_pool_id, region)
    if name is not None and (reason := parameter_name_problem(name)):
        problems.append(f"{namespace}:{PARAMETER_NAME_KEY} {reason}")
    publish = True
    raw_publish = config.get(PUBLISH_PARAMETER_KEY)
    if raw_publish is not None:
        try:
            publish = _convert(raw_publish, bool)
        except ValueError as error:
            problems.append(f"{namespace}:{PUBLISH_PARAMETER_KEY} {error}")
    if problems or inputs is None:
        raise pulumi.RunError("invalid stack configuration:\n  - " + "\n  - ".join(problems))
    return StackSettings(BulkPublishGateArgs(**inputs.as_props()), name, publish)


def _called_region_problem(
    inputs: GateInputs, aws_region: str | None, namespace: str
) -> str | None:
    """Why the region the gate would call is not a region name (aws:region, or the pool id's
    prefix, when the gate has no region of its own), or None."""
    if inputs.region is not None:
        return None  # checked by the input rules
    region = aws_region or region_of_pool(inputs.identity_pool_id)
    if region_name_problem(region) is None:
        return None
    source = "aws:region" if aws_region else f"{namespace}:identityPoolId"
    where = "" if aws_region else ", the region prefix of the pool id,"
    return (
        f"{source}: {shown(region)}{where} is not an AWS region name such as us-east-1; "
        f"set {namespace}:region (or aws:region) to the region to call"
    )


def default_parameters_name(identity_pool_ids: tuple[str, ...]) -> str:
    """`/bulk-publish-gate/pools/<12 hex digits of the sorted pools' hash>/completed-at`."""
    digest = hashlib.sha256("\n".join(sorted(identity_pool_ids)).encode()).hexdigest()[:12]
    return f"/bulk-publish-gate/pools/{digest}/completed-at"


def default_parameter_name(identity_pool_id: str, region: str) -> str:
    """`/bulk-publish-gate/<region>/<pool guid>/completed-at` (SSM names allow no `:`)."""
    guid = identity_pool_id.split(":", 1)[-1]
    return f"/bulk-publish-gate/{region}/{guid}/completed-at"


def parameter_name_problem(name: str) -> str | None:
    """Why `name` is not a valid SSM parameter name, or None."""
    if not SSM_NAME_PATTERN.fullmatch(name):
        return f"{name!r} may hold only letters, digits and _.-/ (SSM parameter names)"
    if len(name) > SSM_NAME_MAX_LENGTH:
        return f"must be at most {SSM_NAME_MAX_LENGTH} characters (got {len(name)})"
    if "/" in name and not name.startswith("/"):
        return f"{name!r} must start with / when it has a path"
    if name.lstrip("/").lower().startswith(("aws", "ssm")):
        return f"{name!r} must not start with aws or ssm (reserved by SSM)"
    if name.count("/") > 15:
        return f"{name!r} has more than 15 levels of hierarchy"
    return None


WHOLE_NUMBER = re.compile(r"-?[0-9]+", re.ASCII)
DECIMAL_NUMBER = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)", re.ASCII)
"""Numbers in config are plain ASCII decimals: no spaces, `_`, exponent, sign `+`, inf or nan."""


def _convert(raw: str, kind: type) -> Any:
    """The typed value of a config string; ranges are the input rules' job, not this one's."""
    if kind is str:
        return raw
    if kind is list:
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(
                "must be a list of identity pool ids (in Pulumi.<stack>.yaml, a YAML list; "
                f"with the CLI, `pulumi config set --path '...[0]' <id>`) (got {shown(raw)})"
            )
        return value
    if kind is bool:
        if raw.isascii() and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise ValueError(f"must be true or false (got {shown(raw)})")
    if kind is int:
        if not WHOLE_NUMBER.fullmatch(raw):
            raise ValueError(
                f"must be a whole number in plain digits 0-9, such as 1800 (got {shown(raw)})"
            )
        # More digits than any range allows: Python's int() refuses over 4300 of them.
        return int(raw) if len(raw) <= 400 else float(raw)
    if not DECIMAL_NUMBER.fullmatch(raw):
        raise ValueError(
            "must be a number in plain digits 0-9 with an optional decimal point, such as 5 "
            f"or 0.5 (got {shown(raw)})"
        )
    return float(raw)
