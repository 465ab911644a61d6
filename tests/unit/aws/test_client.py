"""The Cognito Sync client: botocore's model loader shared by every client of the process (a
client after the first parses no JSON: each parse cost 100-250 ms of CPU, under the GIL, per
gate of a plugin), and bad retry settings refused as configuration errors."""

from __future__ import annotations

import threading

import botocore.loaders
import pytest

from components.aws.client import CognitoSync
from components.aws.settings import (
    ClientSettings,
)
from components.core.errors import ConfigurationError

SETTINGS = ClientSettings("us-east-1", None, "http://127.0.0.1:9", 1.0, 1.0, 4)


def test_a_client_after_the_first_parses_no_model(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    CognitoSync(SETTINGS).close()  # (the first of the process, or not: either way warm now)
    parsed: list[str] = []
    real = botocore.loaders.JSONFileLoader.load_file

    def load_file(self, file_path):
        parsed.append(file_path)
        return real(self, file_path)

    monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", load_file)
    clients = []
    builders = [threading.Thread(target=lambda: clients.append(CognitoSync(SETTINGS)))
                for _ in range(4)]  # fmt: skip
    for builder in builders:
        builder.start()
    for builder in builders:
        builder.join()
    for client in clients:
        client.close()
    assert len(clients) == 4
    assert parsed == []


OVERRIDE = "http://127.0.0.1:4599"


@pytest.mark.parametrize(
    ("environ", "fragment"),
    [
        ({"AWS_MAX_ATTEMPTS": "abc"}, "AWS_MAX_ATTEMPTS must be a whole number"),
        ({"AWS_MAX_ATTEMPTS": "0"}, "AWS_MAX_ATTEMPTS must be a whole number"),
        ({"AWS_RETRY_MODE": "bogus"}, "AWS_RETRY_MODE must be one of"),
    ],
)
def test_the_client_refuses_bad_retry_settings_as_configuration_errors(
    monkeypatch, environ, fragment
):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=fragment):
        CognitoSync(ClientSettings("us-east-1", endpoint_url=OVERRIDE))
