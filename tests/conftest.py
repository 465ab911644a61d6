"""Shared fixtures: isolation from the host's AWS setup, and a local Cognito Sync emulator."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config

from emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, Emulator, ManualClock

#: The fixed "now" of `manual_clock`, in epoch seconds.
MANUAL_CLOCK_START = datetime(2026, 11, 1, 12, 0, tzinfo=UTC).timestamp()


@pytest.fixture(autouse=True)
def _isolated_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """No test sees the host's AWS variables, config files or instance metadata."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def manual_clock() -> ManualClock:
    """A clock standing at MANUAL_CLOCK_START until the test advances it."""
    return ManualClock(MANUAL_CLOCK_START)


@pytest.fixture
def emulator(manual_clock: ManualClock) -> Iterator[Emulator]:
    """An emulator on a free port with the default credentials and no pools."""
    with Emulator(clock=manual_clock) as running:
        yield running


@pytest.fixture(scope="session")
def _model_loader() -> Any:
    """botocore's model loader, shared so each client does not re-read the JSON models."""
    return botocore.session.get_session().get_component("data_loader")


@pytest.fixture
def make_sync_client(emulator: Emulator, _model_loader: Any) -> Callable[..., Any]:
    """Build a `cognito-sync` client for the emulator; keyword arguments override the
    credentials (access_key_id, secret_access_key, session_token), region, endpoint_url,
    total_max_attempts, connect_timeout and read_timeout.

    Attempts are botocore's `total_max_attempts` (the first try included, like
    AWS_MAX_ATTEMPTS): Config's `max_attempts` key counts retries only, so
    `{"max_attempts": 3}` would make four attempts."""

    def make(
        *,
        access_key_id: str = DEFAULT_ACCESS_KEY_ID,
        secret_access_key: str = DEFAULT_SECRET_ACCESS_KEY,
        session_token: str | None = None,
        region: str = "us-east-1",
        endpoint_url: str | None = None,
        total_max_attempts: int = 3,
        connect_timeout: float = 2,
        read_timeout: float = 5,
    ) -> Any:
        config = Config(
            retries={"mode": "standard", "total_max_attempts": total_max_attempts},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
        )
        core = botocore.session.get_session()
        core.register_component("data_loader", _model_loader)
        session = boto3.session.Session(
            botocore_session=core,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            aws_session_token=session_token,
            region_name=region,
        )
        return session.client(
            "cognito-sync", endpoint_url=endpoint_url or emulator.url, config=config
        )

    return make


@pytest.fixture
def sync_client(make_sync_client: Callable[..., Any]) -> Any:
    """A `cognito-sync` client with the default developer credentials, standard retries
    (3 attempts in total), connect timeout 2 s and read timeout 5 s."""
    return make_sync_client()
