"""The provider plugin's Pulumi package schema, built from the inputs table and the outputs
table (so it documents every property as the README does, and cannot drift from the code).

Package `cognito-sync-gate` (not this project's name, so its tokens cannot be confused with
the Python component's `bulk-publish-gate:index:BulkPublishGate`): one custom resource, the gate,
and one function that reads the bulk-publish details once, with no wait.
"""

from __future__ import annotations

import json
from typing import Any

from .core.contract import GATE_REASONS, OUTPUTS, POOL_OUTPUTS, STATUSES
from .core.inputs import DEFAULTS, SPECS

PACKAGE = "cognito-sync-gate"
VERSION = "0.1.0"
"""The plugin's version, the one place it is set: GetPluginInfo, the schema and every SDK
generated from it (`respectSchemaVersion`) say this one."""
GO_IMPORT_BASE_PATH = "github.com/bulk-publish-gate/bulk-publish-gate/sdk/go/cognitosyncgate"
"""The Go SDK's import path; its module is the folder above (sdk/go). The owner is a PLACEHOLDER
(the repository has no public URL yet): set it here, then `make sdk`, when it is published."""
LANGUAGE = {
    "nodejs": {"packageName": "@bulk-publish-gate/cognito-sync-gate", "respectSchemaVersion": True},
    "python": {"packageName": "pulumi_cognito_sync_gate", "respectSchemaVersion": True},
    "go": {"importBasePath": GO_IMPORT_BASE_PATH, "respectSchemaVersion": True},
}
"""The SDKs' names (npm's `@pulumi/` scope is Pulumi's own), each at the schema's version."""
GATE = f"{PACKAGE}:index:BulkPublishGate"
READ = f"{PACKAGE}:index:getBulkPublishDetails"
POOL_RECORD = f"{PACKAGE}:index:PoolRecord"
READ_INPUTS = tuple(name for name, spec in SPECS.items() if spec.read_once)
"""What the read-once function takes (`Spec.read_once`): the pools, where to call them,
freshness, and how long failed reads may be retried (no waiting on a status)."""
SECRET_INPUTS = ("endpoint_url",)
"""The gate's inputs the engine masks: it prints a value Check refused beside the reason, and a
refused endpoint may hold a `user:password@`."""
_TYPES = {
    "text": "string",
    "instant": "string",
    "int": "integer",
    "decimal": "number",
    "bool": "boolean",
    "string": "string",
    "boolean": "boolean",
}
CONFIG = {
    "region": "The region to call when a gate names none (like aws:region); default: the pool "
    "id's prefix.",
    "profile": "An AWS config profile for credentials (like aws:profile); default: the standard "
    "chain. Credentials never come from config.",
}


def _input(name: str, secret: bool = False) -> dict[str, Any]:
    spec = SPECS[name]
    if spec.kind == "list":
        kind: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
    else:
        kind = {"type": _TYPES[spec.kind]}
    default = DEFAULTS[name]
    documented = {**kind, "description": spec.doc[0].upper() + spec.doc[1:] + "."}
    if default not in (None, (), "") and spec.kind != "list":
        documented["default"] = default
    return {**documented, "secret": True} if secret else documented


def _output(kind: str, doc: str, name: str) -> dict[str, Any]:
    if kind == "pools":
        pools = {"type": "object", "additionalProperties": {"$ref": f"#/types/{POOL_RECORD}"}}
        return {**pools, "description": doc}
    said = {"type": _TYPES[kind], "description": doc}
    if name == "bulkPublishStatus":
        said["description"] += f" One of {', '.join(STATUSES)}."
    if name == "gateReason":
        said["description"] += f" One of {', '.join(GATE_REASONS)}."
    return said


def schema() -> dict[str, Any]:
    """The package schema, as `pulumi package get-schema` prints it."""
    settings = {key: {"type": "string", "description": doc} for key, doc in CONFIG.items()}
    inputs = {SPECS[name].config: _input(name, name in SECRET_INPUTS) for name in SPECS}
    outputs = {o.stack: _output(o.kind, o.doc, o.stack) for o in OUTPUTS}
    record = {o.pool_key: _output(o.kind, o.doc, o.stack) for o in POOL_OUTPUTS}
    return {
        "name": PACKAGE,
        "displayName": "Cognito Sync bulk-publish gate",
        "version": VERSION,
        "description": "Make a deployment wait on an Amazon Cognito Sync bulk publish: a gate "
        "that reads GetBulkPublishDetails, waits while IN_PROGRESS, and fails (gate mode) "
        "unless SUCCEEDED and fresh, so what depends on it deploys only then.",
        "keywords": ["aws", "cognito-sync", "bulk-publish", "gate"],
        "language": LANGUAGE,
        "config": {"variables": settings},
        "provider": {"inputProperties": settings},
        "types": {
            POOL_RECORD: {
                "type": "object",
                "properties": record,
                "description": "One pool's own outputs (absent when null).",
            }
        },
        "resources": {
            GATE: {
                "description": "Reads the last bulk publish of Cognito Sync identity pools on "
                "every `pulumi up`, waits while IN_PROGRESS, exports the status, and in gate "
                "mode fails unless SUCCEEDED and fresh. IAM: cognito-sync:GetBulkPublishDetails "
                "(and cognito-sync:BulkPublish with startBulkPublish).",
                "inputProperties": inputs,
                "properties": {**inputs, **outputs},
                "required": [
                    "identityPoolId",
                    "bulkPublishStatus",
                    "gateOpen",
                    "gateReason",
                    "checkedAt",
                ],
            }
        },
        "functions": {
            READ: {
                "description": "Read the bulk-publish details of identity pools once, with no "
                "wait and never a BulkPublish, and judge them as the gate does (for stacks that "
                "only want the status).",
                "inputs": {"properties": {SPECS[n].config: _input(n) for n in READ_INPUTS}},
                "outputs": {"properties": outputs, "required": ["bulkPublishStatus", "gateOpen"]},
            }
        },
    }


def schema_json() -> str:
    return json.dumps(schema(), indent=2)
