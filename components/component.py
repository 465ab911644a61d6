"""The component users import: a gate, its outputs under the contract's names, and gating."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pulumi

from .core.contract import OUTPUTS
from .core.rules import MODES
from .resource import BulkPublishGateArgs, BulkPublishGateResource

T = TypeVar("T")


class BulkPublishGate(pulumi.ComponentResource):
    """Watches the last bulk publish of a Cognito Sync identity pool and gates resources on it.

    gate mode: the deployment fails unless the status is SUCCEEDED, so nothing that depends on
    the gate is touched. observe mode: the status is only reported; `when_open` creates its
    resources while the status is SUCCEEDED and removes them when it is not.
    """

    def __init__(
        self,
        name: str,
        args: BulkPublishGateArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("bulk-publish-gate:index:BulkPublishGate", name, None, opts)
        if args.mode not in MODES:
            raise pulumi.RunError(f"BulkPublishGate {name}: mode must be one of {', '.join(MODES)}")
        self.mode = args.mode
        self.resource = BulkPublishGateResource(name, args, pulumi.ResourceOptions(parent=self))
        for output in OUTPUTS:  # identity_pool_id, bulk_publish_status, ..., gate_open, pools
            setattr(self, output.prop, getattr(self.resource, output.prop))
        self.register_outputs(self.outputs())

    def outputs(self) -> dict[str, pulumi.Output]:
        """The outputs under the names of the stack-output contract."""
        return {output.stack: getattr(self.resource, output.prop) for output in OUTPUTS}

    def export(self) -> None:
        """Export every contract output from the current stack."""
        for name, value in self.outputs().items():
            pulumi.export(name, value)

    def when_open(self, factory: Callable[[pulumi.ResourceOptions], T]) -> pulumi.Output[T | None]:
        """Create resources only behind an open gate; `factory` gets the options to use.

        gate mode: `factory` runs now with `depends_on` the gate, so the engine creates its
        resources only after the gate succeeded (and shows them in preview). observe mode: it
        runs once the status is known, and only when SUCCEEDED.
        """
        opts = pulumi.ResourceOptions(depends_on=[self.resource])
        if self.mode == "gate":
            return pulumi.Output.from_input(factory(opts))
        return self.gate_open.apply(lambda is_open: factory(opts) if is_open else None)
