"""A downstream resource that needs no plugin: a dynamic resource that writes each create, update
and delete the engine asks of it as one line to a file, so tests can gate it on a real engine
where the pulumi-aws plugin cannot be installed."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult


def _append(log: str, verb: str, name: str) -> None:
    with open(log, "a") as target:
        target.write(json.dumps({"verb": verb, "name": name, "at": time.time()}) + "\n")


class RecorderProvider(ResourceProvider):
    """Records its lifecycle; holds no state, so it pickles by reference."""

    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> CreateResult:
        _append(props["log"], "create", props["name"])
        return CreateResult(props["name"], props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = olds.get("value") != news.get("value")
        return DiffResult(changes=changed, replaces=[], delete_before_replace=False)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        _append(news["log"], "update", news["name"])
        return UpdateResult(news)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        _append(props["log"], "delete", props["name"])


class Recorder(pulumi.dynamic.Resource, module="tests", name="Recorder"):
    """Appends `{"verb", "name", "at"}` lines to `log` as the engine creates, updates and
    deletes it; `value` is any input whose change makes an update."""

    value: pulumi.Output[Any]

    def __init__(
        self,
        name: str,
        log: Path,
        value: pulumi.Input[Any] = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"log": str(log), "name": name, "value": value}
        super().__init__(RecorderProvider(), name, props, opts)


def recorded(log: Path) -> list[tuple[str, str]]:
    """The (verb, name) lines of `log`, oldest first; none when it does not exist yet."""
    if not log.exists():
        return []
    lines = [json.loads(line) for line in log.read_text().splitlines() if line]
    return [(line["verb"], line["name"]) for line in lines]
