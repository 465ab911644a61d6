"""The operator command: `status`, `wait` and `start` for one or more identity pools, through
the gate's own input rules, read, wait and verdict (no Pulumi engine involved).

Run it as `python -m components COMMAND POOL...`; `main(argv)` returns the exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from . import gate
from .errors import BulkPublishGateError
from .inputs import GateInputs, Problem, validate
from .stack_outputs import STACK_OUTPUTS
from .verdict import Verdict

PROG = "bulk-publish-gate"
EXIT_OPEN, EXIT_CLOSED, EXIT_USAGE, EXIT_TIMED_OUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
MAX_PARALLEL = 8
"""Pools waited on at the same time; each has its own --timeout from when its wait starts."""

EXIT_CODES = """\
exit codes:
  0  every pool is open: SUCCEEDED (and fresh, with --completed-after/--max-age-seconds)
  1  a pool is closed or could not be read: FAILED, NOT_STARTED, stale, or an API,
     permission or configuration error (one line on stderr)
  2  bad input: a usage error or a broken input rule, found before any API call
  3  a pool was still IN_PROGRESS at the deadline (for status: at its one read), and no
     pool is closed for another reason

Credentials come from the standard AWS chain (--profile or AWS_PROFILE, AWS_ACCESS_KEY_ID,
SSO, roles); AWS_ENDPOINT_URL_COGNITO_SYNC replaces the endpoint as in the gate. Progress
lines go to stderr; results (one line per pool, or --json) to stdout."""

OPTIONS: dict[str, str] = {
    "identity_pool_id": "POOL",
    "timeout_seconds": "--timeout",
    "poll_interval_seconds": "--poll-interval",
    "max_poll_interval_seconds": "--max-poll-interval",
    "region": "--region",
    "endpoint_url": "--endpoint-url",
    "completed_after": "--completed-after",
    "max_age_seconds": "--max-age-seconds",
    "aws:profile": "--profile",
}
"""Each input's `Problem.field` and the option that sets it (environment variables, such as
AWS_MAX_ATTEMPTS, keep their own name)."""
_WORDS = {
    **{field: option for field, option in OPTIONS.items() if "_" in field or ":" in field},
    "bulk-publish-gate:region (or aws:region)": "--region",
    "bulk-publish-gate:region": "--region",
    "aws:region": "--region",
    "maxAgeSeconds": "--max-age-seconds",
    "completedAfter": "--completed-after",
}
_IN_REASONS = re.compile("|".join(rf"(?<![\w-]){re.escape(word)}(?![\w-])" for word in _WORDS))
"""The stack-config and property names the input rules' reasons mention, said as options."""
_DEFAULTS = {f.name: f.default for f in fields(GateInputs)}
RECORD_KEYS = {key: prop for key, prop in STACK_OUTPUTS.items() if prop != "pools"}
"""One pool's outputs, by stack-output name: the contract, less a gate-wide map of pools."""


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command; a usage error exits 2 before any API call."""
    common = argparse.ArgumentParser(add_help=False)
    aws = common.add_argument_group("AWS")
    aws.add_argument("--region", help="the region to call (default: the pool id's prefix)")
    aws.add_argument(
        "--endpoint-url", metavar="URL", help="call this endpoint instead of AWS's (default: "
        "AWS_ENDPOINT_URL_COGNITO_SYNC, else AWS)",
    )  # fmt: skip
    aws.add_argument("--profile", help="an AWS config profile (default: the standard chain)")
    fresh = common.add_argument_group("freshness (a SUCCEEDED that completed earlier is stale)")
    fresh.add_argument(
        "--completed-after", metavar="INSTANT", help="an ISO-8601 UTC instant such as "
        "2026-11-23T12:00:00Z, not in the future",
    )  # fmt: skip
    fresh.add_argument(
        "--max-age-seconds", type=_number, metavar="SECONDS", help="at most this old "
        "(default: 0, no age bound; with --completed-after too, the later bound wins)",
    )  # fmt: skip
    common.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    waiting = argparse.ArgumentParser(add_help=False)
    wait = waiting.add_argument_group("waiting")
    for flag, name, what in (
        ("--timeout", "timeout_seconds", "the longest to wait, whole seconds"),
        ("--poll-interval", "poll_interval_seconds", "the first delay between reads"),
        ("--max-poll-interval", "max_poll_interval_seconds", "the cap of the backoff"),
    ):
        what = f"{what} (default: {_DEFAULTS[name]:g})"
        wait.add_argument(flag, type=_number, metavar="SECONDS", help=what)
    wait.add_argument(
        "--wait-for-start", action="store_true", help="wait while NOT_STARTED (or stale) too, "
        "for a bulk publish someone else starts",
    )  # fmt: skip
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION, **_LOOK)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, parents, what in (
        ("status", [common], "read each pool once (never waits, never starts anything)"),
        ("wait", [common, waiting], "wait while a bulk publish is IN_PROGRESS, like the gate"),
        ("start", [common, waiting], "start a bulk publish where a pool is NOT_STARTED, "
         "FAILED or stale (BulkPublish), then wait"),
    ):  # fmt: skip
        command = commands.add_parser(name, parents=parents, help=what, description=what, **_LOOK)
        command.add_argument("pools", nargs="+", metavar="POOL", help="an identity pool id")
    return parser


DESCRIPTION = """\
Read, wait for or start the bulk publish of Amazon Cognito Sync identity pools, with the
gate's own input rules, read, wait and verdict; no Pulumi engine is involved."""
_LOOK: dict[str, Any] = {
    "epilog": EXIT_CODES,
    "formatter_class": argparse.RawDescriptionHelpFormatter,
}


def _number(text: str) -> int | float:
    """A number as typed; the input rules judge its range and wholeness."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number (got {text!r})") from None


def props_for(args: argparse.Namespace, pool: str) -> dict[str, Any]:
    """The gate's input properties for one pool of this command (None: the gate's default)."""
    waits = args.command != "status"
    return {
        "identity_pool_id": pool,
        "mode": "observe",  # the command judges; it never fails a deployment
        "timeout_seconds": args.timeout if waits else 0,
        "poll_interval_seconds": args.poll_interval if waits else None,
        "max_poll_interval_seconds": args.max_poll_interval if waits else None,
        "wait_for_start": bool(waits and args.wait_for_start),
        "region": args.region,
        "endpoint_url": args.endpoint_url,
        "completed_after": args.completed_after,
        "max_age_seconds": args.max_age_seconds,
        "start_bulk_publish": args.command == "start",
    }


def checked(
    args: argparse.Namespace, now: datetime, environ: Mapping[str, str] = os.environ
) -> tuple[list[GateInputs], list[str]]:
    """Every pool's inputs through the gate's rules, before any call: (inputs, problems), each
    problem said once, naming the option."""
    aws = gate.AwsDefaults(profile=args.profile)
    pools, said = list(dict.fromkeys(args.pools)), {}
    accepted = []
    for pool in pools:
        inputs, problems = validate(props_for(args, pool), now=now)
        if inputs is not None:
            problems = gate.settings_problems(inputs, aws, environ)
            accepted.append(inputs)
        for problem in problems:
            line = problem_line(problem)
            if problem.field == "region" and len(pools) > 1:
                line += f" (pool {pool})"
            said.setdefault(line, None)
    return accepted, list(said)


def problem_line(problem: Problem) -> str:
    """`--timeout must be a whole number (got 1.5)`: the option, then the rule it breaks."""
    reason = _IN_REASONS.sub(lambda m: _WORDS[m.group(0)], problem.reason)
    return f"{OPTIONS.get(problem.field, problem.field)} {reason}"


@dataclass(frozen=True)
class PoolResult:
    """One pool's outcome, as the command prints it."""

    record: dict[str, Any]
    """The stack outputs' keys and values, plus `message` (why closed, or the error)."""
    code: int
    """This pool's exit code."""
    error: str | None = None
    """Our error's message, when the pool could not be read."""


def exit_code(judged: Verdict | None) -> int:
    """One pool's exit code: None is an error (no verdict)."""
    if judged is None or not judged.exportable:
        return EXIT_CLOSED
    if judged.open:
        return EXIT_OPEN
    return EXIT_TIMED_OUT if judged.gate_reason == "in_progress" else EXIT_CLOSED


def overall(codes: Iterable[int]) -> int:
    """0 when all open; 1 when any is closed or failed; else 3 (some still in progress)."""
    found = set(codes)
    if found <= {EXIT_OPEN}:
        return EXIT_OPEN
    return EXIT_CLOSED if EXIT_CLOSED in found else EXIT_TIMED_OUT


def unread(pool: str, reason: str, message: str) -> dict[str, Any]:
    """The record of a pool with no status to show: every output None but these."""
    record = dict.fromkeys(RECORD_KEYS)
    record.update(identityPoolId=pool, gateOpen=False, gateReason=reason, message=message)
    return record


def run_pool(
    inputs: GateInputs, aws: gate.AwsDefaults, allow_start: bool, write: Callable[[str], None]
) -> PoolResult:
    """The gate's observe and verdict for one pool; our errors become a result."""
    pool = inputs.identity_pool_id
    try:
        observation = gate.observe(inputs, aws, allow_start=allow_start, write=write)
    except BulkPublishGateError as error:
        write(f"{PROG}: error: {error}")
        return PoolResult(unread(pool, "error", str(error)), EXIT_CLOSED, str(error))
    judged = gate.verdict(observation)
    if not judged.exportable:
        return PoolResult(unread(pool, judged.gate_reason, judged.message), exit_code(judged))
    values = gate.outputs(observation)
    record = {key: values[prop] for key, prop in RECORD_KEYS.items()}
    return PoolResult({**record, "message": judged.message}, exit_code(judged))


def run_all(
    inputs: Sequence[GateInputs],
    aws: gate.AwsDefaults,
    allow_start: bool,
    write: Callable[[str], None],
) -> list[PoolResult]:
    """Each pool on its own daemon thread, at most MAX_PARALLEL at once (Ctrl-C is not held up);
    results in the order given."""
    results: list[PoolResult | BaseException | None] = [None] * len(inputs)
    slots = threading.BoundedSemaphore(MAX_PARALLEL)

    def one(index: int) -> None:
        with slots:
            try:
                results[index] = run_pool(inputs[index], aws, allow_start, write)
            except BaseException as error:  # a bug: re-raised on the main thread below
                results[index] = error

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(len(inputs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


def human_line(result: PoolResult) -> str:
    """`POOL STATUS REASON started=... completed=... checked=...[: message]`, `-` for none."""
    record = result.record
    times = " ".join(
        f"{label}={record[key] or '-'}"
        for label, key in (
            ("started", "bulkPublishStartTime"),
            ("completed", "bulkPublishCompleteTime"),
            ("checked", "checkedAt"),
        )
    )
    status = record["bulkPublishStatus"] or "-"
    line = f"{record['identityPoolId']} {status} {record['gateReason']} {times}"
    # An error was already said on stderr, in one line.
    return line if result.error or not record["message"] else f"{line}: {record['message']}"


def document(results: Sequence[PoolResult]) -> dict[str, Any]:
    """The --json document: each pool's record, and whether every gate is open."""
    pools = {result.record["identityPoolId"]: result.record for result in results}
    return {"pools": pools, "gateOpen": all(r.record["gateOpen"] for r in results)}


_WRITE_LOCK = threading.Lock()


def _stderr(line: str) -> None:
    with _WRITE_LOCK:
        print(line, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, check every input, run each pool, print; return the exit code."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error (2), already printed
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    accepted, problems = checked(args, datetime.now(UTC))
    if problems:
        for line in problems:
            _stderr(f"{PROG} {args.command}: error: {line}")
        return EXIT_USAGE
    try:
        aws = gate.AwsDefaults(profile=args.profile)
        results = run_all(accepted, aws, args.command == "start", _stderr)
    except KeyboardInterrupt:
        _stderr(f"{PROG}: interrupted")
        return EXIT_INTERRUPTED
    if args.json:
        print(json.dumps(document(results), indent=2), flush=True)
    else:
        for result in results:
            print(human_line(result), flush=True)
    return overall(result.code for result in results)
