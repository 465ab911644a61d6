"""The dynamic provider: this project's face of the one core, translating the SDK's dynamic
provider calls to `lifecycle`.

The engine runs one provider process and calls it from four threads; this class is pickled
into state BY REFERENCE (it lives in an importable module), so it holds plain values only.
Stacks deployed since the first release hold `components.provider.BulkPublishGateProvider` in
their state: the class stays at this path.
"""

from __future__ import annotations

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
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from . import engine_watch, lifecycle
from .aws.settings import AwsDefaults
from .core.inputs import config_name


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
        if engine_watch.in_dynamic_provider():
            engine_watch.start()

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate every input before any API call; failures name the field and the rule."""
        inputs, problems = lifecycle.check(_marked(news), self._aws(), UNKNOWN)
        return CheckResult(inputs, [CheckFailure(p.field, p.said(config_name)) for p in problems])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Always a change, so every `pulumi up` reads again; other pools replace the gate (a
        pool not known yet in a preview may be another one: a replace)."""
        moved = lifecycle.replaces(olds, _marked(news))
        return DiffResult(changes=True, replaces=moved, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Read and wait; in gate mode fail unless SUCCEEDED and fresh (nothing is created)."""
        outs = lifecycle.run(props, self._aws(), engine_watch.STOP)
        return CreateResult(outs["identity_pool_id"], outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """As create; returns every output, since missing keys would be wiped."""
        return UpdateResult(lifecycle.run(news, self._aws(), engine_watch.STOP))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """`pulumi refresh`: one read, no wait, never a BulkPublish, never a failure on a status."""
        return ReadResult(id_, lifecycle.read_once(props, self._aws(), engine_watch.STOP))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to tear down: a gate owns no cloud resource, so no API call."""

    def _aws(self) -> AwsDefaults:
        # configure() runs once per process before any other call; a bare instance has no config.
        return getattr(self, "aws", None) or AwsDefaults()


def _marked(value: Any) -> Any:
    """`value` with each value not known yet (the SDK's server gives `pulumi.output.Unknown`
    objects for the engine's unknowns in a preview, in lists and maps too) as UNKNOWN, which
    goes back to the engine as unknown."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {key: _marked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_marked(item) for item in value]
    return value
