"""The engine's side of a program run, as small as the SDK's runner needs: a gRPC server that is
both the engine (Log, the root resource) and the resource monitor (features, registrations),
recording what the program sent. Its health service is absent: the language host's health check
takes Unimplemented for alive."""

from __future__ import annotations

from concurrent import futures
from dataclasses import dataclass, field

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, resource_pb2, resource_pb2_grpc


@dataclass
class Recorded:
    logs: list[tuple[int, str]] = field(default_factory=list)
    """(severity, message) of every Log call."""
    registered: list[str] = field(default_factory=list)
    """The URN of every registered resource."""
    outputs: dict[str, dict] = field(default_factory=dict)
    """URN -> the outputs registered for it (a stack's exports)."""
    root: str = ""


class _Engine(engine_pb2_grpc.EngineServicer):
    def __init__(self, recorded: Recorded):
        self.recorded = recorded

    def Log(self, request, context):
        self.recorded.logs.append((request.severity, request.message))
        return empty_pb2.Empty()

    def GetRootResource(self, request, context):
        return engine_pb2.GetRootResourceResponse(urn=self.recorded.root)

    def SetRootResource(self, request, context):
        self.recorded.root = request.urn
        return engine_pb2.SetRootResourceResponse()


class _Monitor(resource_pb2_grpc.ResourceMonitorServicer):
    def __init__(self, recorded: Recorded):
        self.recorded = recorded

    def SupportsFeature(self, request, context):
        return resource_pb2.SupportsFeatureResponse(hasSupport=False)

    def RegisterResource(self, request, context):
        urn = f"urn:pulumi:stack::project::{request.type}::{request.name}"
        self.recorded.registered.append(urn)
        return resource_pb2.RegisterResourceResponse(urn=urn, object=struct_pb2.Struct())

    def RegisterResourceOutputs(self, request, context):
        self.recorded.outputs[request.urn] = json_format.MessageToDict(request.outputs)
        return empty_pb2.Empty()


@dataclass
class FakeEngine:
    address: str
    server: grpc.Server
    recorded: Recorded

    @classmethod
    def start(cls) -> FakeEngine:
        recorded = Recorded()
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        engine_pb2_grpc.add_EngineServicer_to_server(_Engine(recorded), server)
        resource_pb2_grpc.add_ResourceMonitorServicer_to_server(_Monitor(recorded), server)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        return cls(f"127.0.0.1:{port}", server, recorded)
