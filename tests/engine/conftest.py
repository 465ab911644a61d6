"""Fixtures of the provider-server tests: the SDK's real provider server, started per test."""

from __future__ import annotations

import pytest

from tests.support.provider_server import ProviderServer
from tests.support.scenarios import provider_env


@pytest.fixture
def start_server(emulator):
    """`start(config=None, **env)`: a configured provider server talking to the emulator
    (aws:region us-east-1 unless `config` is given); stopped after the test."""
    started = []

    def start(config=None, **env) -> ProviderServer:
        server = ProviderServer(env=provider_env(emulator.url, **env)).start()
        started.append(server)
        server.configure({"aws:region": "us-east-1"} if config is None else config)
        return server

    yield start
    for server in started:
        server.stop()
