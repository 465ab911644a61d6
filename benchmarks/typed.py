"""Benchmark: the project's own stack under the Python language host (typed `pulumi` commands)
beside the same program through the Automation API (inline): the gate's state entry for 1 and
10 pools, and the time of a settled `up`."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from emulator import Emulator
from tools.engine import find_cli, project_program

from .state import ENGINE_METADATA, entry_sizes, gate_entry
from .support import bench_pool_id, engine_session, method, row, succeeded_pool, timed

RUNS = 5
SIZES = (1, 10)
WAYS = {"typed": "lang", "inline": "auto"}
"""Each way and its stacks' prefix (as long as each other's: the URNs, written three times in
the entry, name the stack)."""
TYPED_UP = ("up", "--yes")
"""What a user types."""
AUTOMATION_UP = ("up", "--yes", "--skip-preview")
"""What the Automation API's `stack.up()` runs (no preview first)."""
AFTER_UP = (
    ("stack", "output", "--json"),
    ("stack", "output", "--json", "--show-secrets"),
    ("stack", "history", "--json", "--show-secrets", "--page-size", "1", "--page", "1"),
)
"""The CLI runs `stack.up()` makes after its `up`, for its UpResult (outputs and summary)."""
SKIP, AFTER, SUMMARY = "typed, --skip-preview", "after", "summary"


def bench_typed() -> None:
    method(
        "the project's own __main__.py, status-only (publishCompletionParameter false, aws:region "
        "us-east-1), SUCCEEDED pools, one project copy and backend, each way its own stacks: "
        "typed = `pulumi up --yes --stack S` run in the copy (the language host runs the program), "
        "inline = the Automation API's stack.up() (project_program); state: len(json.dumps(...)) "
        "of the gate's entry in the exported state after the first up, for 1 pool "
        "(identityPoolId) and 10 (identityPoolIds); settled: the 1-pool stacks after that up, "
        f"{RUNS} rounds of one up each way (typed also with --skip-preview, as stack.up() runs "
        "it, and the 2 `stack output` and 1 `stack history` it runs after; inline also to its "
        "summary event), median"
    )
    cli = find_cli()
    if cli is None:
        row("typed: real engine", "n/a: no pulumi on PATH and none built (`make engine`)")
        return
    entries, ups = {}, {}
    with (
        tempfile.TemporaryDirectory() as scratch,
        Emulator() as emulator,
        engine_session(cli, Path(scratch), emulator) as session,
    ):
        program = project_program(session.project)
        for way, prefix in WAYS.items():
            for count in SIZES:
                ids = [bench_pool_id(3, index) for index in range(count)]
                for each in ids:
                    emulator.backend.put_pool(succeeded_pool(each))
                stack = session.stack(f"{prefix}-{count}", program, _config(ids), path=True)
                up = _typed_up(session, stack.name) if way == "typed" else _InlineUp(stack)
                up()
                entries[way, count] = gate_entry(stack)
                if count == 1:
                    ups[way] = up
                    if way == "typed":
                        ups[SKIP] = _typed_up(session, stack.name, AUTOMATION_UP)
                        ups[AFTER] = _typed_after(session, stack.name)
        rounds = [{name: timed(up) for name, up in ups.items()} for _ in range(RUNS)]
    medians = {name: statistics.median(r[name] for r in rounds) for name in ups}
    medians[SUMMARY] = statistics.median(ups["inline"].summaries[-RUNS:])
    _report(entries, medians)


class _InlineUp:
    """`stack.up()`, noting when its summary event came (the engine's update done, before the
    Automation API's own CLI runs for the UpResult)."""

    def __init__(self, stack) -> None:
        self.stack, self.summaries = stack, []

    def __call__(self) -> None:
        started, seen = time.perf_counter(), []

        def on_event(event) -> None:
            if event.summary_event and not seen:
                seen.append(time.perf_counter() - started)

        self.stack.up(on_event=on_event)
        self.summaries.extend(seen)


def _config(ids: list[str]) -> dict[str, str]:
    """The status-only config on these pools (paths: a list goes in as `key[i]`)."""
    values = {"bulk-publish-gate:publishCompletionParameter": "false"}
    if len(ids) == 1:
        values["bulk-publish-gate:identityPoolId"] = ids[0]
    else:
        values.update({f"bulk-publish-gate:identityPoolIds[{i}]": id_ for i, id_ in enumerate(ids)})
    return values


def _typed_up(session, stack: str, args: tuple[str, ...] = TYPED_UP):
    """`pulumi <args> --stack <stack>` typed in the project copy; a failure raises with output."""

    def up() -> None:
        done = session.engine.pulumi(*args, "--stack", stack, cwd=session.project)
        if done.returncode != 0:
            raise RuntimeError(f"pulumi {' '.join(args)} exited {done.returncode}:\n{done.stdout}")

    return up


def _typed_after(session, stack: str):
    """The AFTER_UP commands typed one after another."""

    def after() -> None:
        for args in AFTER_UP:
            session.engine.pulumi(*args, "--stack", stack, cwd=session.project)

    return after


def _report(entries: dict, ups: dict[str, float]) -> None:
    row("typed: the gate's entry, bytes: typed / inline", "")
    sizes = {key: entry_sizes(entry) for key, entry in entries.items()}
    for count in SIZES:
        for part, label in enumerate(("whole", "ours", "engine metadata")):
            typed, inline = sizes["typed", count][part], sizes["inline", count][part]
            row(f"  {count} pool(s), {label}", f"{typed} / {inline}")
    low, high = SIZES
    for part, label in enumerate(("whole", "ours")):
        typed, inline = (
            (sizes[way, high][part] - sizes[way, low][part]) / (high - low) for way in WAYS
        )
        row(f"  per further pool, {low}->{high}, {label}", f"{typed:.0f} / {inline:.0f}")
    for key in ENGINE_METADATA:
        present = ["yes" if key in entries[way, 1] else "no" for way in WAYS]
        row(f"  has {key}: typed / inline", " / ".join(present))
    keys = {way: set(entries[way, 1]) for way in WAYS}
    only = sorted(keys["typed"] ^ keys["inline"])
    row("  fields in one way's entry only", ", ".join(only) or "none (the same fields)")
    frames = [str(len(entries[way, 1].get("stackTrace", []))) for way in WAYS]
    row("  stackTrace frames: typed / inline", " / ".join(frames))
    typed, inline = ups["typed"], ups["inline"]
    row("typed: settled up, median: typed / inline", f"{typed:.2f} s / {inline:.2f} s")
    row("typed: settled up, typed with --skip-preview", f"{ups[SKIP]:.2f} s")
    row("typed: inline, stack.up() to its summary event", f"{ups[SUMMARY]:.2f} s")
    row("typed: stack.up()'s 3 CLI runs after its up, typed", f"{ups[AFTER]:.2f} s")


if __name__ == "__main__":  # `python -m benchmarks.typed`: this figure alone
    bench_typed()
