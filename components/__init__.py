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
    "STACK_OUTPUTS": "core.contract",
    "AccessDeniedError": "core.errors",
    "BulkPublishGateError": "core.errors",
    "CancelledError": "core.errors",
    "ConfigurationError": "core.errors",
    "GateClosedError": "core.errors",
    "InvalidRequestError": "core.errors",
    "PoolNotFoundError": "core.errors",
    "ReadsFailedError": "core.errors",
    "TransientError": "core.errors",
    "BulkPublishGateProvider": "provider",
    "BulkPublishGateArgs": "resource",
    "BulkPublishGateResource": "resource",
    "BulkPublishStatusReference": "reference",
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
    from .core.contract import STACK_OUTPUTS as STACK_OUTPUTS
    from .core.errors import AccessDeniedError as AccessDeniedError
    from .core.errors import BulkPublishGateError as BulkPublishGateError
    from .core.errors import CancelledError as CancelledError
    from .core.errors import ConfigurationError as ConfigurationError
    from .core.errors import GateClosedError as GateClosedError
    from .core.errors import InvalidRequestError as InvalidRequestError
    from .core.errors import PoolNotFoundError as PoolNotFoundError
    from .core.errors import ReadsFailedError as ReadsFailedError
    from .core.errors import TransientError as TransientError
    from .provider import BulkPublishGateProvider as BulkPublishGateProvider
    from .reference import BulkPublishStatusReference as BulkPublishStatusReference
    from .resource import BulkPublishGateArgs as BulkPublishGateArgs
    from .resource import BulkPublishGateResource as BulkPublishGateResource
