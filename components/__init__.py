"""bulk-publish-gate: make Pulumi deployments wait on an Amazon Cognito Sync bulk publish.

Import-safe: nothing here creates a resource or an AWS client at import time.
"""

from .component import BulkPublishGate
from .config import StackSettings, read_stack_config
from .errors import (
    AccessDeniedError,
    BulkPublishGateError,
    ConfigurationError,
    GateClosedError,
    InvalidRequestError,
    PoolNotFoundError,
    TransientError,
)
from .provider import BulkPublishGateProvider
from .resource import BulkPublishGateArgs, BulkPublishGateResource
from .stack_outputs import STACK_OUTPUTS, BulkPublishStatusReference

__all__ = [
    "STACK_OUTPUTS",
    "AccessDeniedError",
    "BulkPublishGate",
    "BulkPublishGateArgs",
    "BulkPublishGateError",
    "BulkPublishGateProvider",
    "BulkPublishGateResource",
    "BulkPublishStatusReference",
    "ConfigurationError",
    "GateClosedError",
    "InvalidRequestError",
    "PoolNotFoundError",
    "StackSettings",
    "TransientError",
    "read_stack_config",
]
