"""Where and how a gate calls AWS: the stack-wide defaults, the region of each pool (the one
place it is resolved and checked), the endpoint override, the retry settings, and everything
about them that cannot work, found before any call."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..core.inputs import GateInputs, Problem, Ref
from ..core.names import (
    region_name_problem,
    region_of_pool,
    region_problem,
    url_problem,
)
from ..core.text import shown

ENDPOINT_ENV_VARS = ("AWS_ENDPOINT_URL_COGNITO_SYNC", "AWS_ENDPOINT_URL")
"""The standard endpoint overrides, read by botocore itself; most specific first."""
DEFAULT_MAX_ATTEMPTS = 3
"""botocore's own default for the standard retry mode: one call and two retries."""
RETRY_MODES = ("legacy", "standard", "adaptive")
"""botocore's retry modes (AWS_RETRY_MODE, retry_mode in a profile)."""
MAX_ATTEMPTS_LIMIT = 100
"""The most attempts per call we accept (AWS_MAX_ATTEMPTS, max_attempts in a profile)."""
_ATTEMPTS_PATTERN = re.compile(r"[0-9]{1,3}", re.ASCII)


@dataclass(frozen=True)
class AwsDefaults:
    """The stack-wide AWS settings the provider receives in configure(); never credentials."""

    region: str | None = None
    """`aws:region` (the provider plugin: its own `region` setting)."""
    profile: str | None = None
    """`aws:profile` (the provider plugin: its own `profile` setting)."""
    names: tuple[str, str] = ("aws:region", "aws:profile")
    """How problems name the two settings above."""


@dataclass(frozen=True)
class ClientSettings:
    """Everything needed to build a Cognito Sync client; secrets never pass through here."""

    region: str
    """The region to call and to sign for."""
    profile: str | None = None
    """A named profile of the AWS config files; None uses the default chain (AWS_PROFILE...)."""
    endpoint_url: str | None = None
    """An explicit endpoint; None lets botocore apply AWS_ENDPOINT_URL_COGNITO_SYNC or AWS's."""
    connect_timeout: float = 5.0
    """Seconds to open a connection."""
    read_timeout: float = 15.0
    """Seconds to wait for an answer on an open connection."""
    max_pool_connections: int = 10
    """Connections kept open; a run sets it to its calls in flight."""


def resolve_region(inputs: GateInputs, aws: AwsDefaults, pool: str) -> tuple[str, str]:
    """(region, where it comes from) for one pool: the gate's `region`, else (one pool only)
    aws:region, else the region the pool id starts with."""
    if inputs.region:
        return inputs.region, "region"
    if aws.region and not inputs.identity_pool_ids:
        return aws.region, aws.names[0]
    return region_of_pool(pool), "the prefix of the pool id"


def endpoint_override(explicit: str | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """The endpoint that replaces AWS's: the explicit one, else the standard variables."""
    if explicit:
        return explicit
    return next((environ[name] for name in ENDPOINT_ENV_VARS if environ.get(name)), None)


def client_settings(
    inputs: GateInputs, aws: AwsDefaults, pool: str, environ: Mapping[str, str] = os.environ
) -> ClientSettings:
    """The client one pool is called with."""
    return ClientSettings(
        region=resolve_region(inputs, aws, pool)[0],
        profile=aws.profile or None,
        endpoint_url=endpoint_override(inputs.endpoint_url, environ),
        max_pool_connections=max(10, inputs.max_concurrency),
    )


def region_problems(
    inputs: GateInputs, aws: AwsDefaults, environ: Mapping[str, str] = os.environ
) -> list[Problem]:
    """The region rules of every pool. Its id's prefix, whatever region is set: a region name,
    and (without an endpoint override) one where Cognito Sync exists. A region a setting gives
    (`region`, or aws:region for one pool): the same, and the pool's own. Pure: reads no file
    and calls nothing."""
    overridden = endpoint_override(inputs.endpoint_url, environ) is not None
    field = "identity_pool_ids" if inputs.identity_pool_ids else "identity_pool_id"
    problems: dict[str, Problem] = {}
    for pool in inputs.pools:
        home = region_of_pool(pool)
        whose = f"pool {pool}: " if inputs.identity_pool_ids else ""
        if (reason := region_problem(home, pool, overridden)) is not None:
            said = f"{whose}names the region {_region_said(home, reason)}; check the pool id"
            problems.setdefault(said, Problem(field, said))
            continue
        region, source = resolve_region(inputs, aws, pool)
        if region != home and (reason := region_problem(region, pool, overridden)) is not None:
            # One setting for every pool: said once per reason, not per pool.
            said = (f"is {_region_said(region, reason)}; set ", Ref("region"), f" to {home}")
            problems.setdefault(source + said[0], Problem(source, said))
    return list(problems.values())


def _region_said(region: str, reason: str) -> str:
    """`'xx', which is not an AWS region name`, or `'eu-north-1': <why Cognito Sync cannot be
    called there>`."""
    if region_name_problem(region) is not None:
        return f"{shown(region)}, which is not an AWS region name"
    return f"{shown(region)}: {reason}"


def settings_problems(
    inputs: GateInputs, aws: AwsDefaults, environ: Mapping[str, str] = os.environ
) -> list[Problem]:
    """What in the resolved AWS settings cannot work, found without calling AWS: each pool's
    region, an endpoint from the environment, the profile and the retry settings
    (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE, or the profile's max_attempts and retry_mode)."""
    problems = region_problems(inputs, aws, environ)
    if inputs.endpoint_url is None:
        variable = next((name for name in ENDPOINT_ENV_VARS if environ.get(name)), None)
        if variable and (reason := url_problem(environ[variable])) is not None:
            problems.append(Problem(variable, f"(an environment variable) {reason}"))
    if (found := aws_config_problem(aws.profile, environ, aws.names[1])) is not None:
        problems.append(Problem(*found))
    return problems


def aws_config_problem(
    profile: str | None, environ: Mapping[str, str] = os.environ, setting: str = "aws:profile"
) -> tuple[str, str | tuple[str | Ref, ...]] | None:
    """(setting, why) when the profile or the retry settings cannot work, else None.

    Reads the AWS config files (botocore finds AWS_PROFILE and AWS_CONFIG_FILE in os.environ)
    and calls nothing. The setting is the one that was used: `setting` (this face's name of
    the profile: aws:profile, cognito-sync-gate:profile...), or AWS_PROFILE.
    """
    import botocore.session  # here: the input rules and the light path never need it
    from botocore.exceptions import ProfileNotFound

    from .errors import PROFILE_FIX, map_error

    try:
        scoped = botocore.session.Session(profile=profile).get_scoped_config()
    except Exception as error:
        named = setting if profile else "AWS_PROFILE"
        if isinstance(error, ProfileNotFound):  # the fix names the face's own setting
            return named, (f"{error}. Set ", Ref(setting), PROFILE_FIX)
        mapped = map_error(
            error, identity_pool_id="(any)", region="(any)", operation="reading the AWS config"
        )
        return named, str(mapped)
    return retry_problem(scoped, environ, profile, setting)


def retry_settings(scoped: Mapping[str, object], environ: Mapping[str, str]) -> tuple[str, int]:
    """(mode, total attempts): the environment's, else the profile's, else standard x3.

    Call `retry_problem` first: this assumes the values are valid.
    """
    mode, attempts = _retry_sources(scoped, environ)
    return (mode[1] or "standard", int(attempts[1] or DEFAULT_MAX_ATTEMPTS))


def retry_problem(
    scoped: Mapping[str, object],
    environ: Mapping[str, str],
    profile: str | None = None,
    setting: str = "aws:profile",
) -> tuple[str, str] | None:
    """(setting, why) for the first retry setting in effect that cannot work, or None.

    The setting is the environment variable, or the profile for a value of the AWS config
    file; the reason says the rule and the value (a retry setting is never a secret).
    """
    named = profile or environ.get("AWS_PROFILE") or "default"
    mode, attempts = _retry_sources(scoped, environ)
    for (source, value), rule in ((attempts, _attempts_rule), (mode, _mode_rule)):
        reason = None if value is None else rule(value)
        if reason is None:
            continue
        got = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        if source.startswith("AWS_"):
            return source, f"must be {reason} (got {got}), or unset"
        where = f"{source} of profile {named} in the AWS config file"
        named_by = setting if profile else "AWS_PROFILE" if environ.get("AWS_PROFILE") else ""
        return named_by or "AWS_CONFIG_FILE", f"says {where}, which must be {reason} (got {got})"
    return None


def _retry_sources(
    scoped: Mapping[str, object], environ: Mapping[str, str]
) -> tuple[tuple[str, object], tuple[str, object]]:
    """((source, mode), (source, attempts)): the variable when set and not empty, else the
    profile's key; a value of None is unset. (botocore's get_config_variable resolves the
    same chain but hides which setting a bad value came from.)"""

    def pick(variable: str, key: str) -> tuple[str, object]:
        if environ.get(variable):
            return variable, environ[variable]
        value = scoped.get(key)
        return key, None if value in ("", None) else value

    return pick("AWS_RETRY_MODE", "retry_mode"), pick("AWS_MAX_ATTEMPTS", "max_attempts")


def _attempts_rule(value: object) -> str | None:
    digits = isinstance(value, str) and _ATTEMPTS_PATTERN.fullmatch(value) is not None
    if digits and 1 <= int(value) <= MAX_ATTEMPTS_LIMIT:
        return None
    return f"a whole number from 1 to {MAX_ATTEMPTS_LIMIT}"


def _mode_rule(value: object) -> str | None:
    return None if value in RETRY_MODES else f"one of {', '.join(RETRY_MODES)}"
