"""The SDK's real dynamic-provider server, started and driven over gRPC as the engine does."""

from __future__ import annotations

import asyncio
import os
import selectors
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import PROVIDER_KEY, serialize_provider
from pulumi.runtime import proto, rpc
from pulumi.runtime._serialization import _serialize
from pulumi.runtime.proto import provider_pb2_grpc

from tools.engine.paths import PROJECT_DIR, clean_environ

RESOURCE_TYPE = "pulumi-python:dynamic/cognito-sync:BulkPublishGate"
CALL_DEADLINE_SECONDS = 300.0
"""The engine sets none; a test harness must not hang forever on a stuck provider."""


class ProviderError(Exception):
    """A provider call failed; `details` is what the engine would show (the server's traceback)."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        self.method, self.code, self.details = method, code, details
        super().__init__(f"{method} failed ({code.name}): {self.message}")

    @property
    def message(self) -> str:
        """The last line of the traceback: the exception as raised by the provider."""
        lines = [line for line in self.details.strip().splitlines() if line.strip()]
        return lines[-1] if lines else self.details


def provider_blob(provider: ResourceProvider) -> tuple[str, bool]:
    """The `__provider` property exactly as `pulumi.dynamic.Resource` builds it: (blob, secret)."""
    blob, captured_secrets = _serialize(True, serialize_provider, provider)
    secret = getattr(provider, "serialize_as_secret_always", True) or captured_secrets
    return blob, bool(secret)


@dataclass
class CheckFailure:
    property: str
    reason: str


DYNAMIC = ("-m", "pulumi.dynamic")
"""The SDK's dynamic-provider server (the default)."""
PLUGIN = ("provider",)
"""The project's provider plugin (`provider/__main__.py`)."""


class ProviderServer:
    """A provider server in the project directory (`python -u -m pulumi.dynamic` by default,
    or the provider plugin), driven with the SDK's gRPC stubs as the engine drives it."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        project: str = "bulk-publish-gate",
        on_stderr: Callable[[str], None] | None = None,
        engine: str = "127.0.0.1:0",
        serve: tuple[str, ...] = DYNAMIC,
    ) -> None:
        """`engine`: the engine address the server gets as its argument (port 0: none; a
        provider process watches a real one and ends when it stops answering). `serve`: what
        python runs (DYNAMIC or PLUGIN)."""
        # As the engine would start it, with none of the caller's AWS or Pulumi variables.
        self.env = {**clean_environ(os.environ), **(env or {}), "PULUMI_PROJECT": project}
        self.on_stderr = on_stderr
        self.engine, self.serve = engine, serve
        self.stderr_lines: list[str] = []
        self._process: subprocess.Popen | None = None
        self._pump: threading.Thread | None = None
        self._channel: grpc.Channel | None = None
        self.stub: provider_pb2_grpc.ResourceProviderStub | None = None
        self.port: int | None = None

    @classmethod
    def attach(cls, port: int, timeout: float = 60.0) -> ProviderServer:
        """A client of a server another process started (it stays that process's to stop)."""
        server = cls()
        server._connect(port, timeout)
        return server

    def start(self, ready_timeout: float = 60.0) -> ProviderServer:
        """Start the server and connect once it printed its port (its first stdout line)."""
        self._process = subprocess.Popen(  # our interpreter, the SDK's server
            [sys.executable, "-u", *self.serve, self.engine],
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        port = self._first_line(ready_timeout)
        self._pump = threading.Thread(target=self._pump_stderr, daemon=True)
        self._pump.start()
        self._connect(port, ready_timeout)
        return self

    def _connect(self, port: int, timeout: float) -> None:
        self.port = port
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(self._channel).result(timeout=timeout)
        self.stub = provider_pb2_grpc.ResourceProviderStub(self._channel)

    @property
    def process(self) -> subprocess.Popen | None:
        """The server's process, when this object started it."""
        return self._process

    def stop(self) -> None:
        if self._channel is not None:
            self._channel.close()
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._pump is not None:
            self._pump.join(timeout=5)

    def __enter__(self) -> ProviderServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # The calls, as the engine makes them.

    def configure(self, config: Mapping[str, str]) -> None:
        """The stack config, namespaced keys to strings, as the engine sends it."""
        args = _serialize_props(dict(config))
        request = proto.ConfigureRequest(variables=dict(config), args=args, acceptSecrets=True)
        self._call("Configure", request)

    def check(
        self, news: dict[str, Any], olds: dict[str, Any] | None = None, urn: str = ""
    ) -> tuple[dict[str, Any], list[CheckFailure]]:
        request = proto.CheckRequest(
            urn=urn or _urn(), olds=_serialize_props(olds or {}), news=_serialize_props(news)
        )
        response = self._call("Check", request)
        failures = [CheckFailure(f.property, f.reason) for f in response.failures]
        return _deserialize_props(response.inputs), failures

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        request = proto.DiffRequest(
            id=id_, urn=_urn(), olds=_serialize_props(olds), news=_serialize_props(news)
        )
        return self._call("Diff", request)

    def create(self, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        request = proto.CreateRequest(urn=_urn(), properties=_serialize_props(props))
        response = self._call("Create", request)
        return response.id, _deserialize_props(response.properties)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        request = proto.UpdateRequest(
            id=id_, urn=_urn(), olds=_serialize_props(olds), news=_serialize_props(news)
        )
        return _deserialize_props(self._call("Update", request).properties)

    def read(
        self, id_: str, props: dict[str, Any], inputs: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        request = proto.ReadRequest(
            id=id_,
            urn=_urn(),
            properties=_serialize_props(props),
            inputs=_serialize_props(inputs or {}),
        )
        response = self._call("Read", request)
        return response.id, _deserialize_props(response.properties)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        request = proto.DeleteRequest(id=id_, urn=_urn(), properties=_serialize_props(props))
        self._call("Delete", request)

    def invoke(self, token: str, args: dict[str, Any]) -> tuple[dict[str, Any], list]:
        request = proto.InvokeRequest(tok=token, args=_serialize_props(args))
        response = self._call("Invoke", request)
        return _deserialize_props(getattr(response, "return")), list(response.failures)

    def get_schema(self) -> str:
        return self._call("GetSchema", proto.GetSchemaRequest()).schema

    def plugin_version(self) -> str:
        return self._call("GetPluginInfo", empty_pb2.Empty()).version

    def cancel(self) -> None:
        self._call("Cancel", empty_pb2.Empty())

    # Plumbing.

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request, timeout=CALL_DEADLINE_SECONDS)
        except grpc.RpcError as error:
            raise ProviderError(method, error.code(), error.details() or "") from None

    def _first_line(self, timeout: float) -> int:
        selector = selectors.DefaultSelector()
        selector.register(self._process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            self.stop()
            raise RuntimeError(f"the provider server printed no port within {timeout:g}s")
        line = self._process.stdout.readline().strip()
        if not line.isdigit():
            rest = self._process.stderr.read() if self._process.poll() is not None else ""
            raise RuntimeError(f"the provider server did not start: {line!r} {rest}")
        return int(line)

    def _pump_stderr(self) -> None:
        for line in self._process.stderr:
            line = line.rstrip("\n")
            self.stderr_lines.append(line)
            if self.on_stderr is not None:
                self.on_stderr(line)


def _urn(name: str = "gate") -> str:
    return f"urn:pulumi:test::bulk-publish-gate::{RESOURCE_TYPE}::{name}"


def _serialize_props(props: dict[str, Any]) -> Any:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()


def _deserialize_props(struct: Any) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(struct, keep_unknowns=True))


__all__ = [
    "PROJECT_DIR",
    "PROVIDER_KEY",
    "RESOURCE_TYPE",
    "CheckFailure",
    "ProviderError",
    "ProviderServer",
    "provider_blob",
]
