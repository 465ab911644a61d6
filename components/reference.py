"""The StackReference side of the output contract: a producer stack's outputs, read by name
(`contract.OUTPUTS`), with the gate's own meaning of "open"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pulumi

from .core.contract import STATUSES

T = TypeVar("T")


class BulkPublishStatusReference:
    """A producer stack's bulk-publish outputs, read through a StackReference.

    Two lines in any stack:

        producer = BulkPublishStatusReference("organization/bulk-publish-gate/prod")
        producer.when_succeeded(lambda: aws.ssm.Parameter("ready", ...))
    """

    def __init__(self, stack_name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        self.stack_name = stack_name
        self.reference = pulumi.StackReference(stack_name, opts=opts)
        self.bulk_publish_status: pulumi.Output[str] = self._required("bulkPublishStatus")
        self.identity_pool_id: pulumi.Output[str] = self._required("identityPoolId")
        self.bulk_publish_start_time = self.reference.get_output("bulkPublishStartTime")
        self.bulk_publish_complete_time = self.reference.get_output("bulkPublishCompleteTime")
        self.failure_message = self.reference.get_output("failureMessage")
        self.checked_at = self.reference.get_output("checkedAt")
        self.gate_reason = self.reference.get_output("gateReason")
        """open, in_progress, failed, not_started or stale; None from a producer older than
        this output (read `gate_open` or `succeeded` there)."""
        self.gate_open = self.reference.get_output("gateOpen")
        self.pools = self.reference.get_output("pools")
        """A producer gating on several pools: pool id -> its own outputs (None for one)."""
        self.succeeded: pulumi.Output[bool] = pulumi.Output.all(
            self.bulk_publish_status, self.gate_open
        ).apply(lambda values: _is_open(*values))
        """The producer's gate is open: SUCCEEDED and fresh (`gateOpen`; from a producer older
        than that output, the status alone)."""

    def when_succeeded(self, factory: Callable[[], T]) -> pulumi.Output[T | None]:
        """Call `factory` (which creates resources) only when the producer's gate is open
        (SUCCEEDED, and fresh by the producer's own bound)."""

        def decide(values: list[Any]) -> T | None:
            status, opened, reason, pool, failure = values
            if _is_open(status, opened):
                return factory()
            why = f": {failure}" if failure else ""
            stale = " but stale" if reason == "stale" else ""
            pulumi.log.warn(
                f"bulk publish of {pool} is {status}{stale}{why} (from {self.stack_name}); "
                "the resources gated on it are not created"
            )
            return None

        return pulumi.Output.all(
            self.bulk_publish_status,
            self.gate_open,
            self.gate_reason,
            self.identity_pool_id,
            self.failure_message,
        ).apply(decide)

    def _required(self, name: str) -> pulumi.Output[Any]:
        def check(value: Any) -> Any:
            if value is None:
                raise pulumi.RunError(
                    f"stack {self.stack_name} has no output {name!r}: run `pulumi up` on the "
                    "producer stack first, and check the stack name (on a file backend it is "
                    "organization/<project>/<stack>) and that both use the same backend"
                )
            if name == "bulkPublishStatus" and value not in STATUSES:
                raise pulumi.RunError(
                    f"stack {self.stack_name} exports bulkPublishStatus={value!r}, "
                    f"which is not one of {', '.join(STATUSES)}"
                )
            return value

        return self.reference.get_output(name).apply(check)


def _is_open(status: str, gate_open: Any) -> bool:
    return bool(gate_open) if gate_open is not None else status == "SUCCEEDED"
