"""The provider plugin: the one core's face for every language (the package `schema.PACKAGE`),
on the Python SDK's provider server, translating its calls to `lifecycle` as the dynamic
provider does. What a plugin can do that a dynamic provider cannot: the engine's Cancel (a
Ctrl-C) reaches every wait of the process and ends it at once.

Wire names are camelCase (the schema's); the lifecycle's are the tables' snake_case names.
"""

from __future__ import annotations

import contextlib
import difflib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import grpc
from pulumi.provider.experimental import provider as sdk
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc
from pulumi.runtime.rpc import UNKNOWN as WIRE_UNKNOWN

from . import engine_watch, lifecycle
from .aws.settings import AwsDefaults
from .core.contract import OUTPUTS
from .core.inputs import SPECS
from .core.progress import write_stderr
from .plugin_calls import PluginCalls
from .schema import GATE, PACKAGE, READ, READ_INPUTS, VERSION, schema_json

WIRE = {name: spec.config for name, spec in SPECS.items()} | {o.prop: o.stack for o in OUTPUTS}
"""Property name -> its name on the wire (the schema's)."""
LOCAL = {wire: name for name, wire in WIRE.items()}
TAKES = tuple(SPECS[name].config for name in READ_INPUTS)
"""The read-once function's arguments, by their wire names."""
UNKNOWN = object()
"""Stands for a value the engine does not know yet (preview)."""


def plain(value: PropertyValue) -> Any:
    """A PropertyValue as plain Python (unknowns as UNKNOWN)."""
    inner = value.value
    if isinstance(inner, Computed) or inner == WIRE_UNKNOWN:
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {key: plain(item) for key, item in inner.items()}
    if isinstance(inner, Sequence) and not isinstance(inner, str):
        return [plain(item) for item in inner]
    return inner


def wrapped(value: Any) -> PropertyValue:
    """Plain Python as a PropertyValue (numbers cross as floats; an unknown as the wire's own
    unknown value: the SDK's marshaller cannot send its Computed)."""
    if value is UNKNOWN:
        return PropertyValue(WIRE_UNKNOWN)
    if isinstance(value, Mapping):
        return PropertyValue({key: wrapped(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return PropertyValue([wrapped(item) for item in value])
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value))
    return PropertyValue(value)


def local(props: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """Wire properties as the lifecycle's (names it does not know are dropped)."""
    return {LOCAL[key]: plain(value) for key, value in props.items() if key in LOCAL}


def wire(props: Mapping[str, Any]) -> dict[str, PropertyValue]:
    return {WIRE[key]: wrapped(value) for key, value in props.items() if key in WIRE}


class GateProvider(sdk.Provider):
    """The gate and its read-once function, for any language."""

    def __init__(self, engine: EngineLog | None = None) -> None:
        self.aws = AwsDefaults()
        self.log = engine or EngineLog(None)
        self.calls = PluginCalls()

    async def get_schema(self, request: sdk.GetSchemaRequest) -> sdk.GetSchemaResponse:
        return sdk.GetSchemaResponse(schema=schema_json())

    async def configure(self, request: sdk.ConfigureRequest) -> sdk.ConfigureResponse:
        """The provider's own region and profile (`cognito-sync-gate:region`, `:profile`)."""
        said = {key.rpartition(":")[2]: value for key, value in request.variables.items()}
        region, profile = said.get("region") or None, said.get("profile") or None
        names = (f"{PACKAGE}:region", f"{PACKAGE}:profile")
        self.aws = AwsDefaults(region=region, profile=profile, names=names)
        return sdk.ConfigureResponse(accept_secrets=False, supports_preview=True)

    async def check(self, request: sdk.CheckRequest) -> sdk.CheckResponse:
        inputs, problems = lifecycle.check(local(request.new_inputs), self.aws, UNKNOWN)
        failures = [sdk.CheckFailure(_wire_name(p.field), p.said(_wire_name)) for p in problems]
        return sdk.CheckResponse(inputs=wire(inputs), failures=failures)

    async def diff(self, request: sdk.DiffRequest) -> sdk.DiffResponse:
        moved = lifecycle.replaces(local(request.old_state), local(request.new_inputs))
        return sdk.DiffResponse(changes=True, replaces=[WIRE[name] for name in moved])

    async def create(self, request: sdk.CreateRequest) -> sdk.CreateResponse:
        if request.preview:  # the outputs are known only once the gate has run
            return sdk.CreateResponse(resource_id="", properties=_unknown(request.properties))
        outs = await self._run(lifecycle.run, local(request.properties), request.urn)
        return sdk.CreateResponse(resource_id=outs["identity_pool_id"], properties=wire(outs))

    async def update(self, request: sdk.UpdateRequest) -> sdk.UpdateResponse:
        if request.preview:
            return sdk.UpdateResponse(properties=_unknown(request.news))
        outs = await self._run(lifecycle.run, local(request.news), request.urn)
        return sdk.UpdateResponse(properties=wire(outs))

    async def read(self, request: sdk.ReadRequest) -> sdk.ReadResponse:
        outs = await self._run(lifecycle.read_once, local(request.properties), request.urn)
        inputs = {key: value for key, value in outs.items() if key in SPECS}
        return sdk.ReadResponse(request.resource_id, wire(outs), wire(inputs))

    async def delete(self, request: sdk.DeleteRequest) -> None:
        """Nothing to tear down: a gate owns no cloud resource, so no API call."""

    async def invoke(self, request: sdk.InvokeRequest) -> sdk.InvokeResponse:
        """The read-once function: its arguments are checked as the gate's inputs are (rules,
        AWS settings; a name it does not take is refused), then each pool is read once. A
        failure's reason starts with the argument's name: the SDKs print it after the token."""
        if request.tok != READ:
            raise ValueError(f"unknown function {request.tok} (this package has {READ})")
        args = {LOCAL[key]: plain(value) for key, value in request.args.items() if key in TAKES}
        props, problems = lifecycle.check({**args, "mode": "observe"}, self.aws, UNKNOWN)
        failures = [_not_taken(key) for key in request.args if key not in TAKES]
        failures += [sdk.CheckFailure(_wire_name(p.field), p.line(_wire_name)) for p in problems]
        if failures:
            return sdk.InvokeResponse(failures=failures)
        if _unknown_in(args):  # an argument not known yet (preview): nor is the answer
            return sdk.InvokeResponse(return_value=_unknown({}))
        outs = await self._run(lifecycle.read_once, props, quiet=True)
        return sdk.InvokeResponse(return_value=wire({o.prop: outs[o.prop] for o in OUTPUTS}))

    async def cancel(self) -> None:
        """The engine's Cancel (a Ctrl-C, or closing the plugin): every wait of this process
        stops at once. It touches nothing outside this process."""
        engine_watch.STOP.set("cancelled by the Pulumi engine (Ctrl-C)")

    async def _run(self, step, props: dict[str, Any], urn: str = "", quiet: bool = False):
        # Off the server's loop, so that it still answers Check, Diff and Cancel: a gate's wait
        # on a thread of its own (every gate of a stack waits at once), a read-once call apart.
        write = (lambda _line: None) if quiet else self.log.writer(urn)
        off_loop = self.calls.wait if step is lifecycle.run else self.calls.read
        return await off_loop(step, props, self.aws, engine_watch.STOP, write, _wire_name)


class EngineLog:
    """Progress lines to the engine (its Log call), on the gate's own row: a plugin's stderr is
    not shown. Without an engine address, lines go to stderr."""

    def __init__(self, address: tuple[str, int] | None) -> None:
        self.address = address
        self._stub = None

    def writer(self, urn: str) -> Callable[[str], None]:
        def write(line: str) -> None:
            if self.address is None:
                write_stderr(line)
                return
            with contextlib.suppress(grpc.RpcError):  # the engine gone: the engine watch ends us
                self._engine().Log(engine_pb2.LogRequest(severity=engine_pb2.INFO, message=line,
                                                         urn=urn))  # fmt: skip

        return write

    def _engine(self):
        if self._stub is None:
            host, port = self.address
            channel = grpc.insecure_channel(f"{host}:{port}")
            self._stub = engine_pb2_grpc.EngineStub(channel)
        return self._stub


def _wire_name(name: str) -> str:
    return WIRE.get(name, name)


def _unknown_in(value: Any) -> bool:
    """Whether `value` holds UNKNOWN anywhere (a list of pools may hold one element not known)."""
    if value is UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(_unknown_in(item) for item in value.values())
    return isinstance(value, list | tuple) and any(_unknown_in(item) for item in value)


def _not_taken(key: str) -> sdk.CheckFailure:
    """An argument the read-once function does not take, refused by name."""
    near = difflib.get_close_matches(key, TAKES, n=1)
    hint = f" (did you mean {near[0]}?)" if near else ""
    return sdk.CheckFailure(
        key, f"{key} is not an argument of {READ}{hint}; it takes {', '.join(TAKES)}"
    )


def _unknown(inputs: Mapping[str, PropertyValue]) -> dict[str, PropertyValue]:
    """The inputs, and every output not among them unknown (a preview)."""
    unknown = {o.stack: wrapped(UNKNOWN) for o in OUTPUTS if o.stack not in inputs}
    return {**inputs, **unknown}


def serve(argv: Sequence[str] = sys.argv) -> None:
    """The plugin's main: `python <provider folder> <engine address> [flags]`."""
    from pulumi.provider.experimental.server import main

    engine_watch.start(argv)
    main(list(argv[1:]), VERSION, GateProvider(EngineLog(engine_watch.engine_address(argv))))


__all__ = ["GATE", "GateProvider", "serve"]
