"""The gate's lifecycle on plain property dicts (snake_case names), the same for both faces of
the one core: the dynamic resource of this project's stack (`provider.py`) and the provider
plugin for every language (`plugin.py`). Each face only translates its wire to these calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from .aws.settings import AwsDefaults, settings_problems
from .core.errors import BulkPublishGateError, ConfigurationError
from .core.inputs import GateInputs, Problem, config_name, validate
from .core.progress import write_stderr
from .core.scheduler import Stop
from .core.text import bounded_message
from .properties import properties
from .run import enforce, observe


def check(news: dict[str, Any], aws: AwsDefaults, unknown: object) -> tuple[dict, list[Problem]]:
    """Every input rule and the AWS settings, before any API call: (the inputs to keep, every
    problem). With every value known and valid, the inputs with their defaults applied;
    otherwise the values given, never a URL's user or password."""
    inputs, problems = validate(news, unknown=unknown, now=datetime.now(UTC))
    if inputs is not None:
        problems = settings_problems(inputs, aws)
    if inputs is not None and not problems:
        return inputs.as_props(), []
    return _without_credentials(news), problems


def replaces(olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
    """What forces a new gate: other pools (compared as lists: the old outputs of several pools
    hold identity_pool_id as the pools joined with `,`). A pool not known yet (a preview, the
    list or one element computed by a resource being created) may be another: a replace, the
    run's own Diff deciding with the values. Anything else is an update, made on every `pulumi
    up` so that the gate reads again."""
    if _pools(olds) == _pools(news):
        return []
    return ["identity_pool_ids" if news.get("identity_pool_ids") else "identity_pool_id"]


def run(
    props: dict[str, Any],
    aws: AwsDefaults,
    stop: Stop,
    write: Callable[[str], None] | None = None,
    name: Callable[[str], str] = config_name,
) -> dict[str, Any]:
    """Create and Update: read (starting a bulk publish with startBulkPublish) and wait; in gate
    mode fail unless SUCCEEDED and fresh. Every output, since missing ones would be wiped.
    Progress lines go to `write` (default: stderr, which the CLI shows for a dynamic provider);
    `name` says an input as the face's users type it."""
    with reported():
        inputs = saved_inputs(props, name)
        observed = observe(inputs, aws, allow_start=True, write=write, stop=stop)
        enforce(observed, fail_closed=inputs.mode == "gate")
        return properties(observed)


def read_once(
    props: dict[str, Any],
    aws: AwsDefaults,
    stop: Stop,
    write: Callable[[str], None] | None = None,
    name: Callable[[str], str] = config_name,
) -> dict[str, Any]:
    """Refresh (and the read-once function): each pool's first answer, no wait on a status,
    never a BulkPublish, never a failure on a status (failed reads are retried until the
    resource's timeoutSeconds); the outputs with the resource's own inputs."""
    with reported():
        inputs = saved_inputs(props, name)
        observed = observe(inputs, aws, once=True, write=write, stop=stop)
        enforce(observed, fail_closed=False)
        return properties(observed, inputs)


def saved_inputs(props: dict[str, Any], name: Callable[[str], str] = config_name) -> GateInputs:
    """The inputs kept in state, checked again: a ConfigurationError that says the fix (state
    written by an older version, or edited), each input said by `name`."""
    several = props.get("identity_pool_ids") or []
    if several and props.get("identity_pool_id") == ",".join(several):
        props = {**props, "identity_pool_id": ""}  # the saved output, not the input
    inputs, problems = validate(props)
    if inputs is None:
        said = "; ".join(p.line(name) for p in problems)
        raise ConfigurationError(
            f"the gate's saved inputs break the input rules: {said}. Fix them where the gate "
            "gets them (its arguments, or the stack configuration) and run `pulumi up`, which "
            "checks and saves valid inputs; then `pulumi refresh` works again."
        )
    return inputs


@contextmanager
def reported() -> Iterator[None]:
    """Say our errors in one plain line on stderr, then re-raise them with a short traceback.

    Both the SDK's dynamic-provider server and its provider server send the engine a traceback
    after what we raise; the line printed first is the one to read, and cutting the botocore
    chain keeps the rest short. The message is cut in the middle to ERROR_WIRE_LIMIT bytes (pool
    first, advice last), so that it always fits gRPC's metadata limit.
    """
    try:
        yield
    except BulkPublishGateError as error:
        message = bounded_message(str(error))
        error.args = (message,)
        write_stderr(f"bulk-publish-gate: error: {message}")
        raise error.with_traceback(None) from None


def _pools(props: dict[str, Any]) -> tuple[str, ...]:
    several = props.get("identity_pool_ids") or ()
    if several:  # a list, or a face's placeholder for one not known yet
        return tuple(several) if isinstance(several, list | tuple) else (several,)
    return (props.get("identity_pool_id") or "",)


def _without_credentials(props: dict[str, Any]) -> dict[str, Any]:
    """`props` with everything before the endpoint URL's last `@` replaced (a password may
    hold any character)."""
    url = props.get("endpoint_url")
    if not isinstance(url, str) or "@" not in url:
        return props
    scheme = url.split("://", 1)[0] if "://" in url else "?"
    return {**props, "endpoint_url": f"{scheme[:8]}://***@{url.rpartition('@')[2]}"}
