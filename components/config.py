"""The stack's configuration: every key of the inputs table read, typed and checked, with errors
that name the config key; plus the stack's own keys (the downstream parameter)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pulumi

from .aws.settings import AwsDefaults, region_problems
from .core.inputs import SPECS, config_name, parse_field, validate
from .core.names import parameter_name_problem, region_of_pool
from .core.rules import parse_text
from .resource import BulkPublishGateArgs

PARAMETER_NAME_KEY = "completionParameterName"
PUBLISH_PARAMETER_KEY = "publishCompletionParameter"
STACK_KEYS = {
    PARAMETER_NAME_KEY: (
        "text", "",
        "the SSM parameter the stack creates once the gate opens: letters, digits and _.-/, "
        "starting with / when it has a path (default: "
        "`/bulk-publish-gate/<region>/<pool guid>/completed-at`; several pools: "
        "`/bulk-publish-gate/pools/<hash of the pools>/completed-at`)",
    ),
    PUBLISH_PARAMETER_KEY: (
        "bool", True,
        "whether the stack creates that parameter; false: a status-only stack, with no AWS "
        "resource (no SSM parameter, no pulumi-aws plugin), that only exports the status",
    ),
}  # fmt: skip
"""This stack's own keys, beside the gate's inputs: key -> (kind, default, meaning)."""


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
    """Read and check every key; one RunError lists all problems, before any API call.

    An empty value is unset: Pulumi.yaml declares the optional keys with `default: ""` (or
    `[]`), since the CLI requires a declared key that has no default.
    """
    config = config or pulumi.Config()

    def key(name: str) -> str:  # `bulk-publish-gate:timeoutSeconds`; other settings as named
        return f"{config.name}:{name}" if name in STACK_KEYS else config_name(name, config.name)

    if aws_region is None:
        aws_region = pulumi.Config("aws").get("region")
    problems: list[str] = []
    values: dict[str, Any] = {}
    for name, spec in SPECS.items():
        raw = config.get(spec.config)
        try:
            values[name] = None if raw is None else parse_field(name, raw)
        except ValueError as error:
            problems.append(f"{key(name)} {error}")
    inputs, found = validate(values)
    if inputs is not None:
        found = region_problems(inputs, AwsDefaults(region=aws_region or None))
    problems += [problem.line(key) for problem in found]
    name = config.get(PARAMETER_NAME_KEY) or None
    if inputs is not None and name is None:
        name = default_parameter_name(inputs.pools, inputs.region or aws_region)
    if name is not None and (reason := parameter_name_problem(name)):
        problems.append(f"{key(PARAMETER_NAME_KEY)} {reason}")
    publish = True
    raw_publish = config.get(PUBLISH_PARAMETER_KEY)
    if raw_publish is not None:
        try:
            publish = parse_text("bool", raw_publish)
        except ValueError as error:
            problems.append(f"{key(PUBLISH_PARAMETER_KEY)} {error}")
    if problems or inputs is None:
        raise pulumi.RunError("invalid stack configuration:\n  - " + "\n  - ".join(problems))
    return StackSettings(BulkPublishGateArgs(**inputs.as_props()), name, publish)


def default_parameter_name(pools: tuple[str, ...], region: str | None = None) -> str:
    """One pool: `/bulk-publish-gate/<region>/<pool guid>/completed-at` (SSM names allow no
    `:`); several: `/bulk-publish-gate/pools/<12 hex digits of the sorted pools' hash>/...`."""
    if len(pools) > 1:
        digest = hashlib.sha256("\n".join(sorted(pools)).encode()).hexdigest()[:12]
        return f"/bulk-publish-gate/pools/{digest}/completed-at"
    guid = pools[0].split(":", 1)[-1]
    return f"/bulk-publish-gate/{region or region_of_pool(pools[0])}/{guid}/completed-at"
