"""bulk-publish-gate: make Pulumi deployments wait on an Amazon Cognito Sync bulk publish.

Import-safe and light: nothing here creates a resource or an AWS client at import time, and the
public names load their modules on first use (so `python -m components` starts at once).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "BulkPublishGate": "component",
    "StackSettings": "config",
    "read_stack_config": "config",
    "STACK_OUTPUTS": "contract",
    "AccessDeniedError": "errors",
    "BulkPublishGateError": "errors",
    "CancelledError": "errors",
    "ConfigurationError": "errors",
    "GateClosedError": "errors",
    "InvalidRequestError": "errors",
    "PoolNotFoundError": "errors",
    "ReadsFailedError": "errors",
    "TransientError": "errors",
    "BulkPublishGateProvider": "provider",
    "BulkPublishGateArgs": "resource",
    "BulkPublishGateResource": "resource",
    "BulkPublishStatusReference": "stack_outputs",
}
"""Each public name and the module that defines it."""
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # for type checkers and IDEs: the same names, eagerly
    from .component import BulkPublishGate as BulkPublishGate
    from .config import StackSettings as StackSettings
    from .config import read_stack_config as read_stack_config
    from .contract import STACK_OUTPUTS as STACK_OUTPUTS
    from .errors import AccessDeniedError as AccessDeniedError
    from .errors import BulkPublishGateError as BulkPublishGateError
    from .errors import CancelledError as CancelledError
    from .errors import ConfigurationError as ConfigurationError
    from .errors import GateClosedError as GateClosedError
    from .errors import InvalidRequestError as InvalidRequestError
    from .errors import PoolNotFoundError as PoolNotFoundError
    from .errors import ReadsFailedError as ReadsFailedError
    from .errors import TransientError as TransientError
    from .provider import BulkPublishGateProvider as BulkPublishGateProvider
    from .resource import BulkPublishGateArgs as BulkPublishGateArgs
    from .resource import BulkPublishGateResource as BulkPublishGateResource
    from .stack_outputs import BulkPublishStatusReference as BulkPublishStatusReference
