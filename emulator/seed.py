"""Seed documents: read, validate against the documented schema, and turn into plain specs."""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from typing import Any

from emulator.auth import CREDENTIAL_KINDS, DEFAULT_CREDENTIALS, Credential
from emulator.shapes import (
    CognitoStreams,
    PushSync,
    ShapeViolation,
    check_pool_id,
    parse_cognito_streams,
    parse_push_sync,
)

STATES = ("NOT_STARTED", "IN_PROGRESS", "SUCCEEDED", "FAILED")
OUTCOMES = ("SUCCEEDED", "FAILED")
_SEED_KEYS = ("credentials", "pools")
_CREDENTIAL_KEYS = ("access_key_id", "secret_access_key", "session_token", "kind")
_POOL_KEYS = (
    "identity_pool_id",
    "cognito_streams",
    "push_sync",
    "bulk_publish",
    "state",
    "completed_seconds_ago",
    "failure_message",
)
_SCRIPT_KEYS = ("in_progress_seconds", "in_progress_reads", "outcome", "failure_message")


class SeedError(ValueError):
    """A seed that cannot be used; the message names the JSON path and the rule it broke."""


@dataclass(frozen=True)
class Script:
    """How every bulk publish on a pool plays out."""

    in_progress_seconds: float | None = 0.0
    """IN_PROGRESS for this many clock seconds after the start (or None when reads-based)."""
    in_progress_reads: int | None = None
    """IN_PROGRESS for this many GetBulkPublishDetails reads (or None when seconds-based)."""
    outcome: str = "SUCCEEDED"
    """SUCCEEDED or FAILED."""
    failure_message: str | None = None
    """The FailureMessage of a FAILED outcome."""

    def to_dict(self) -> dict[str, Any]:
        """The seed form of this script."""
        out: dict[str, Any] = {"outcome": self.outcome}
        if self.in_progress_reads is not None:
            out["in_progress_reads"] = self.in_progress_reads
        else:
            out["in_progress_seconds"] = self.in_progress_seconds
        if self.failure_message is not None:
            out["failure_message"] = self.failure_message
        return out


@dataclass(frozen=True)
class PoolSpec:
    """One identity pool as a seed declares it."""

    identity_pool_id: str
    """The pool id, e.g. `us-east-1:6d1c1d6e-...`."""
    cognito_streams: CognitoStreams | None = None
    """The stream configuration, or None when no stream is configured."""
    push_sync: PushSync | None = None
    """The push-sync configuration, or None."""
    script: Script = Script()
    """The script every bulk publish on this pool follows."""
    state: str = "NOT_STARTED"
    """The state at load time: NOT_STARTED, IN_PROGRESS, SUCCEEDED or FAILED."""
    completed_seconds_ago: float = 0.0
    """For SUCCEEDED/FAILED: how long before load time the seeded bulk publish completed."""
    failure_message: str | None = None
    """For FAILED: the seeded FailureMessage (defaults to the script's)."""


@dataclass(frozen=True)
class Seed:
    """A whole seed: the accepted credentials and the initial pools."""

    credentials: tuple[Credential, ...] = DEFAULT_CREDENTIALS
    """The access keys the emulator accepts."""
    pools: tuple[PoolSpec, ...] = ()
    """The pools, in seed order."""


def load_seed(source: Any) -> Seed:
    """Build a Seed from None (defaults), a decoded document (dict) or a JSON file path;
    raise SeedError on any problem."""
    if source is None:
        return Seed()
    if not isinstance(source, str | os.PathLike):
        return parse_seed(source)
    try:
        with open(source, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(f"cannot read seed file {os.fspath(source)!r}: {exc}") from None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise SeedError(f"seed file {os.fspath(source)!r} is not valid JSON: {exc}") from None
    return parse_seed(document)


def parse_seed(document: Any) -> Seed:
    """Validate a decoded seed document."""
    doc = _object(document, "$", _SEED_KEYS)
    credentials = DEFAULT_CREDENTIALS
    if "credentials" in doc:
        items = _list(doc["credentials"], "$.credentials", non_empty=True)
        credentials = tuple(
            _credential(item, f"$.credentials[{i}]") for i, item in enumerate(items)
        )
        _unique([c.access_key_id for c in credentials], "$.credentials", "access_key_id")
    pools = tuple(
        parse_pool(item, f"$.pools[{i}]")
        for i, item in enumerate(_list(doc.get("pools", []), "$.pools"))
    )
    _unique([p.identity_pool_id for p in pools], "$.pools", "identity_pool_id")
    return Seed(credentials=credentials, pools=pools)


def parse_pool(entry: Any, path: str = "$") -> PoolSpec:
    """Validate one seed pool entry (also the body of the control API's pool POST)."""
    pool = _object(entry, path, _POOL_KEYS, required=("identity_pool_id",))
    pool_id = _shape(check_pool_id, pool["identity_pool_id"], f"{path}.identity_pool_id")
    state = _enum(pool.get("state", "NOT_STARTED"), f"{path}.state", STATES)
    finished = state in ("SUCCEEDED", "FAILED")
    ago = 0.0
    if "completed_seconds_ago" in pool:
        _only_when(finished, f"{path}.completed_seconds_ago", "state is SUCCEEDED or FAILED")
        ago = _number(pool["completed_seconds_ago"], f"{path}.completed_seconds_ago")
    message = None
    if "failure_message" in pool:
        _only_when(state == "FAILED", f"{path}.failure_message", "state is FAILED")
        message = _string(pool["failure_message"], f"{path}.failure_message")
    streams, push = pool.get("cognito_streams"), pool.get("push_sync")
    return PoolSpec(
        identity_pool_id=pool_id,
        cognito_streams=None
        if streams is None
        else _shape(parse_cognito_streams, streams, f"{path}.cognito_streams"),
        push_sync=None if push is None else _shape(parse_push_sync, push, f"{path}.push_sync"),
        script=_script(pool["bulk_publish"], f"{path}.bulk_publish")
        if "bulk_publish" in pool
        else Script(),
        state=state,
        completed_seconds_ago=ago,
        failure_message=message,
    )


def _script(value: Any, path: str) -> Script:
    script = _object(value, path, _SCRIPT_KEYS)
    timers = [key for key in ("in_progress_seconds", "in_progress_reads") if key in script]
    if len(timers) != 1:
        raise SeedError(
            f"{path}: needs exactly one of in_progress_seconds, in_progress_reads "
            f"(got {len(timers)})"
        )
    outcome = _enum(script.get("outcome", "SUCCEEDED"), f"{path}.outcome", OUTCOMES)
    message = None
    if outcome == "FAILED":
        if "failure_message" not in script:
            raise SeedError(f"{path}.failure_message: required when outcome is FAILED")
        message = _string(script["failure_message"], f"{path}.failure_message")
    elif "failure_message" in script:
        raise SeedError(f"{path}.failure_message: only allowed when outcome is FAILED")
    if timers == ["in_progress_reads"]:
        reads = script["in_progress_reads"]
        if isinstance(reads, bool) or not isinstance(reads, int) or reads < 0:
            raise SeedError(f"{path}.in_progress_reads: must be an integer >= 0 (got {reads!r})")
        return Script(None, reads, outcome, message)
    seconds = _number(script["in_progress_seconds"], f"{path}.in_progress_seconds")
    return Script(seconds, None, outcome, message)


def _credential(value: Any, path: str) -> Credential:
    item = _object(value, path, _CREDENTIAL_KEYS, required=("access_key_id", "secret_access_key"))
    token = item.get("session_token")
    return Credential(
        access_key_id=_string(item["access_key_id"], f"{path}.access_key_id"),
        secret_access_key=_string(item["secret_access_key"], f"{path}.secret_access_key"),
        session_token=None if token is None else _string(token, f"{path}.session_token"),
        kind=_enum(item.get("kind", "developer"), f"{path}.kind", CREDENTIAL_KINDS),
    )


def _object(
    value: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SeedError(f"{path}: must be an object (got {type(value).__name__})")
    for key in value:
        if key not in allowed:
            raise SeedError(f"{path}.{key}: unknown key (allowed: {', '.join(allowed)})")
    for key in required:
        if key not in value:
            raise SeedError(f"{path}.{key}: required")
    return value


def _list(value: Any, path: str, non_empty: bool = False) -> list[Any]:
    if not isinstance(value, list):
        raise SeedError(f"{path}: must be a list (got {type(value).__name__})")
    if non_empty and not value:
        raise SeedError(f"{path}: must not be empty")
    return value


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise SeedError(f"{path}: must be a non-empty string (got {value!r})")
    return value


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SeedError(f"{path}: must be a finite number >= 0 (got {value!r})")
    if value < 0:
        raise SeedError(f"{path}: must be a finite number >= 0 (got {value!r})")
    return float(value)


def _enum(value: Any, path: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise SeedError(f"{path}: must be one of {', '.join(allowed)} (got {value!r})")
    return value


def _only_when(condition: bool, path: str, when: str) -> None:
    if not condition:
        raise SeedError(f"{path}: only allowed when {when}")


def _unique(values: list[str], path: str, key: str) -> None:
    seen = set()
    for value in values:
        if value in seen:
            raise SeedError(f"{path}: duplicate {key} {value!r}")
        seen.add(value)


def _shape(parse: Any, value: Any, path: str) -> Any:
    """Run a shapes parser and restate its violation with the seed's JSON path."""
    try:
        return parse(value)
    except ShapeViolation as exc:
        member = exc.field.partition(".")[2]
        where = f"{path}.{member}" if member else path
        raise SeedError(f"{where}: {exc.rule} (got {exc.value!r})") from None
