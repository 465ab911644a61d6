"""The dynamic provider: thin orchestration of Check, the gate's run and its verdict.

The engine runs one provider process and calls it from four threads; this class is pickled
into state BY REFERENCE (it lives in an importable module), so it holds plain values only and
builds its boto3 clients per run. Stacks deployed since the first release hold
`components.provider.BulkPublishGateProvider` in their state: the class stays at this path.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.runtime.rpc import UNKNOWN

from . import gate, lifeline
from .aws_settings import AwsDefaults, settings_problems
from .errors import BulkPublishGateError, ConfigurationError
from .inputs import GateInputs, config_name, validate
from .outputs import properties
from .progress import write_stderr
from .text import bounded_message


class BulkPublishGateProvider(ResourceProvider):
    """Reads, waits and gates on the last bulk publish of Cognito Sync identity pools."""

    serialize_as_secret_always = False

    def configure(self, req: ConfigureRequest) -> None:
        """Keep aws:region and aws:profile (credentials come from the standard chain only), and
        in the engine's provider process, watch the engine: this process ends with it."""
        self.aws = AwsDefaults(
            region=req.config.get("aws:region") or None,
            profile=req.config.get("aws:profile") or None,
        )
        if lifeline.in_dynamic_provider():
            lifeline.watch_engine()

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate every input before any API call; failures name the field and the rule."""
        inputs, problems = validate(news, unknown=UNKNOWN, now=datetime.now(UTC))
        if inputs is not None:
            problems = settings_problems(inputs, self._aws())
        failures = [CheckFailure(p.field, p.said(config_name)) for p in problems]
        # With every value known and valid, state keeps the inputs with their defaults applied;
        # otherwise the engine shows the values it gets back: never a URL's user or password.
        if inputs and not failures:
            return CheckResult(inputs.as_props(), failures)
        return CheckResult(_without_credentials(news), failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Always a change, so every `pulumi up` reads again; other pools replace the gate.

        `olds` are the old outputs, where several pools' identity_pool_id is the pools joined
        with `,`: the pools are compared as lists, never that output with the input."""
        moved = _pools(olds) != _pools(news)
        key = "identity_pool_ids" if news.get("identity_pool_ids") else "identity_pool_id"
        return DiffResult(
            changes=True, replaces=[key] if moved else [], delete_before_replace=False
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Read (starting a bulk publish with startBulkPublish) and wait; in gate mode fail
        unless SUCCEEDED and fresh (nothing is created then)."""
        outs = self._run(props)
        return CreateResult(outs["identity_pool_id"], outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """As create; returns every output, since missing keys would be wiped."""
        return UpdateResult(self._run(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """`pulumi refresh`: one read, no wait, never starts a bulk publish, never fails on a
        status. State that breaks a rule (written by an older version, or edited) fails
        before any call, naming the property, the rule and the fix."""
        with _reported():
            inputs = _inputs(props)
            once = replace(inputs, timeout_seconds=0, wait_for_start=False)
            observed = gate.observe(once, self._aws(), stop=lifeline.STOP)
            gate.enforce(observed, gate=False)
        # The outputs of the one-shot read, with the resource's own inputs (not `once`'s) kept.
        return ReadResult(id_, properties(observed, inputs))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to tear down: a gate owns no cloud resource, so no API call."""

    def _run(self, props: dict[str, Any]) -> dict[str, Any]:
        with _reported():
            inputs = _inputs(props)
            observed = gate.observe(inputs, self._aws(), allow_start=True, stop=lifeline.STOP)
            gate.enforce(observed, gate=inputs.mode == "gate")
            return properties(observed)

    def _aws(self) -> AwsDefaults:
        # configure() runs once per process before any other call; a bare instance has no config.
        return getattr(self, "aws", None) or AwsDefaults()


def _pools(props: dict[str, Any]) -> tuple[str, ...]:
    several = props.get("identity_pool_ids") or ()
    return tuple(several) if several else (props.get("identity_pool_id") or "",)


def _inputs(props: dict[str, Any]) -> GateInputs:
    """The inputs kept in state, checked again: a ConfigurationError that says the fix.

    Saved outputs of several pools hold identity_pool_id as the pools joined with `,` (the
    output, not the input): it is read as the unset input it was."""
    several = props.get("identity_pool_ids") or []
    if several and props.get("identity_pool_id") == ",".join(several):
        props = {**props, "identity_pool_id": ""}
    inputs, problems = validate(props)
    if inputs is None:
        said = "; ".join(p.line() for p in problems)
        raise ConfigurationError(
            f"the gate's saved inputs break the input rules: {said}. Fix the stack "
            "configuration (bulk-publish-gate:...) or BulkPublishGateArgs and run `pulumi up`, "
            "which checks and saves valid inputs; then `pulumi refresh` works again."
        )
    return inputs


def _without_credentials(props: dict[str, Any]) -> dict[str, Any]:
    """`props` with everything before the endpoint URL's last `@` replaced (a password may
    hold any character)."""
    url = props.get("endpoint_url")
    if not isinstance(url, str) or "@" not in url:
        return props
    scheme = url.split("://", 1)[0] if "://" in url else "?"
    return {**props, "endpoint_url": f"{scheme[:8]}://***@{url.rpartition('@')[2]}"}


@contextmanager
def _reported() -> Iterator[None]:
    """Say our errors in one plain line on stderr, then re-raise them with a short traceback.

    The SDK's provider server sends the engine the whole traceback of what we raise; the line
    printed first is the one to read, and cutting the botocore chain keeps the rest short. The
    message is cut in the middle to ERROR_WIRE_LIMIT bytes (pool first, advice last), so that it
    always fits gRPC's metadata limit.
    """
    try:
        yield
    except BulkPublishGateError as error:
        message = bounded_message(str(error))
        error.args = (message,)
        write_stderr(f"bulk-publish-gate: error: {message}")
        raise error.with_traceback(None) from None
