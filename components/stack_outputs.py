"""The stack-output contract other stacks rely on, and the StackReference side that reads it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pulumi

T = TypeVar("T")

STACK_OUTPUTS: dict[str, str] = {
    "identityPoolId": "identity_pool_id",
    "bulkPublishStatus": "bulk_publish_status",
    "bulkPublishStartTime": "bulk_publish_start_time",
    "bulkPublishCompleteTime": "bulk_publish_complete_time",
    "failureMessage": "failure_message",
    "gateOpen": "gate_open",
    "checkedAt": "checked_at",
}
"""Each stack output (the public interface, DESIGN.md section 3) and the gate property behind it."""

STATUSES = ("NOT_STARTED", "IN_PROGRESS", "FAILED", "SUCCEEDED")


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
        self.succeeded: pulumi.Output[bool] = self.bulk_publish_status.apply(
            lambda status: status == "SUCCEEDED"
        )

    def when_succeeded(self, factory: Callable[[], T]) -> pulumi.Output[T | None]:
        """Call `factory` (which creates resources) only when the producer says SUCCEEDED."""

        def decide(values: list[Any]) -> T | None:
            status, pool, failure = values
            if status == "SUCCEEDED":
                return factory()
            why = f": {failure}" if failure else ""
            pulumi.log.warn(
                f"bulk publish of {pool} is {status}{why} (from {self.stack_name}); "
                "the resources gated on it are not created"
            )
            return None

        return pulumi.Output.all(
            self.bulk_publish_status, self.identity_pool_id, self.failure_message
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
