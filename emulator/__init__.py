"""A local Amazon Cognito Sync endpoint, faithful to botocore's `cognito-sync` model over HTTP."""

from emulator.auth import (
    COGNITO_IDENTITY_ACCESS_KEY_ID,
    COGNITO_IDENTITY_SECRET_ACCESS_KEY,
    COGNITO_IDENTITY_SESSION_TOKEN,
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_SECRET_ACCESS_KEY,
    Credential,
)
from emulator.clock import ManualClock, SystemClock
from emulator.limits import Limits
from emulator.models import Backend
from emulator.seed import SeedError
from emulator.server import Emulator
from emulator.traffic import FAULT_KINDS

__all__ = [
    "COGNITO_IDENTITY_ACCESS_KEY_ID",
    "COGNITO_IDENTITY_SECRET_ACCESS_KEY",
    "COGNITO_IDENTITY_SESSION_TOKEN",
    "DEFAULT_ACCESS_KEY_ID",
    "DEFAULT_SECRET_ACCESS_KEY",
    "FAULT_KINDS",
    "Backend",
    "Credential",
    "Emulator",
    "Limits",
    "ManualClock",
    "SeedError",
    "SystemClock",
]
