"""botocore's model loader is shared by every client of the process: a client after the first
parses no JSON (each parse cost 100-250 ms of CPU, under the GIL, per gate of a plugin)."""

from __future__ import annotations

import threading

import botocore.loaders

from components.aws.client import CognitoSync
from components.aws.settings import ClientSettings

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
