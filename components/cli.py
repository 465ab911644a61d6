"""The operator command: `status`, `wait` and `start` for one or more identity pools, through
the gate's own input rules, run and verdict (no Pulumi engine involved): one run for all the
pools given, under one deadline (`--timeout` is the whole command's), at most
`--max-concurrency` calls in flight, throttling shared.

Run it as `python -m components COMMAND POOL...`; `main(argv)` returns the exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .aws.settings import AwsDefaults, settings_problems
from .core.contract import POOL_OUTPUTS, STACK_OUTPUTS
from .core.inputs import SPECS, GateInputs, Problem, parse_field, validate
from .core.scheduler import Stop
from .core.verdict import Verdict
from .properties import pool_properties
from .run import PoolRun, observe

PROG = "bulk-publish-gate"
EXIT_OPEN, EXIT_CLOSED, EXIT_USAGE, EXIT_TIMED_OUT = 0, 1, 2, 3
EXIT_SIGNAL = {signal.SIGINT: 130, signal.SIGTERM: 143}
STATUS_TIMEOUT_SECONDS = 60
"""`status` reads each pool once; a failed read (throttling, 5xx, the network) is retried for
at most this long."""
EXIT_CODES = """\
exit codes:
  0    every pool is open: SUCCEEDED (and fresh, with --completed-after/--max-age-seconds)
  1    a pool is closed or could not be read: FAILED, NOT_STARTED, stale, or an API,
       permission or configuration error (one line on stderr)
  2    bad input: a usage error or a broken input rule, found before any API call
  3    a pool was still IN_PROGRESS at the deadline (for status: at its one read), and no
       pool is closed for another reason
  130  interrupted (SIGINT, Ctrl-C); 143: terminated (SIGTERM). Each pool's line says what
       it saw, and whether this command started (or may have started) a bulk publish that
       goes on without it

Credentials come from the standard AWS chain (--profile or AWS_PROFILE, AWS_ACCESS_KEY_ID,
SSO, roles); AWS_ENDPOINT_URL_COGNITO_SYNC replaces the endpoint as in the gate. Progress
lines go to stderr; results (one line per pool, or --json) to stdout."""
DESCRIPTION = """\
Read, wait for or start the bulk publish of Amazon Cognito Sync identity pools, with the
gate's own input rules, run and verdict; no Pulumi engine is involved."""
GROUPS = {"aws": "AWS", "freshness": "freshness (a SUCCEEDED that completed earlier is stale)"}
RECORD_KEYS = {key: prop for key, prop in STACK_OUTPUTS.items() if prop != "pools"}
"""One pool's record, by stack-output name: the contract, less the gate-wide map of pools."""


class UsageError(Exception):
    """argparse's complaint, kept so that --json can print it as a document."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.format_usage()}{self.prog}: error: {message}")


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command; options come from the inputs table (values are read by the
    same parser as stack config, after argparse)."""
    look: dict[str, Any] = {"epilog": EXIT_CODES, "formatter_class": argparse.RawTextHelpFormatter}
    parents = {name: _Parser(add_help=False) for name in ("common", "waiting")}
    groups = {key: parents["common"].add_argument_group(title) for key, title in GROUPS.items()}
    groups["waiting"] = parents["waiting"].add_argument_group("waiting")
    groups["aws"].add_argument("--profile", help="an AWS config profile (default: the chain)")
    for name, spec in SPECS.items():
        if spec.option is None:
            continue
        default = gate_default(name)
        what = f"{spec.doc} (default: {default})" if default is not None else spec.doc
        if spec.kind == "bool":
            groups[spec.group].add_argument(spec.option, action="store_true", help=what)
        else:
            metavar = spec.option.removeprefix("--").upper().replace("-", "_")
            groups[spec.group].add_argument(spec.option, dest=name, metavar=metavar, help=what)
    parents["common"].add_argument("--json", action="store_true", help="print one JSON document")
    parser = _Parser(prog=PROG, description=DESCRIPTION, **look)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, uses, what in (
        ("status", ["common"], "read each pool once (never waits, never starts anything)"),
        ("wait", ["common", "waiting"], "wait while a bulk publish is IN_PROGRESS, like the gate"),
        ("start", ["common", "waiting"], "start a bulk publish where a pool is NOT_STARTED, "
         "FAILED or stale (BulkPublish), then wait"),
    ):  # fmt: skip
        command = commands.add_parser(
            name, parents=[parents[u] for u in uses], help=what, description=what, **look
        )
        command.add_argument("pools", nargs="+", metavar="POOL", help="an identity pool id")
    return parser


def gate_default(name: str) -> Any:
    """The gate's default of an input, as its option's help shows it (None: none)."""
    default = GateInputs.__dataclass_fields__[name].default
    return None if default in (None, False) else f"{default:g}" if default else default


def checked(
    args: argparse.Namespace, now: datetime, environ: Mapping[str, str] = os.environ
) -> tuple[GateInputs | None, list[str]]:
    """The command's inputs through the gate's rules, before any call: (inputs, problems),
    each problem said once, naming the option."""
    pools = list(dict.fromkeys(args.pools))
    props: dict[str, Any] = {
        "identity_pool_ids" if len(pools) > 1 else "identity_pool_id": pools if len(pools) > 1
        else pools[0],
        "mode": "observe",  # the command judges; it never fails a deployment
        "start_bulk_publish": args.command == "start",
    }  # fmt: skip
    problems: list[Problem] = []
    for name, spec in SPECS.items():
        raw = getattr(args, name, None) if spec.option else None
        if isinstance(raw, bool):
            props[name] = raw
        elif raw is not None:
            try:
                props[name] = parse_field(name, raw)
            except ValueError as error:
                problems.append(Problem(name, str(error)))
    if args.command == "status":  # one answer each; failed reads retried this long at most
        props["timeout_seconds"] = STATUS_TIMEOUT_SECONDS
    inputs, found = validate({k: v for k, v in props.items() if k not in _named(problems)}, now=now)
    if inputs is not None and not problems:
        found = settings_problems(inputs, AwsDefaults(profile=args.profile), environ)
    lines = [problem_line(p) for p in problems + found]
    return (None if lines else inputs), list(dict.fromkeys(lines))


def _named(problems: list[Problem]) -> set[str]:
    return {problem.field for problem in problems}


def option_name(name: str) -> str:
    """How the command says a field: its option, POOL, or the setting's own name."""
    if name in ("identity_pool_id", "identity_pool_ids"):
        return "POOL"
    if name == "aws:profile":
        return "--profile"
    return (SPECS[name].option or name) if name in SPECS else name


def problem_line(problem: Problem) -> str:
    """`--timeout must be a whole number (got 1.5)`: the option, then the rule it breaks."""
    return problem.line(option_name)


@dataclass(frozen=True)
class PoolResult:
    """One pool's outcome, as the command prints it."""

    record: dict[str, Any]
    """The stack outputs' keys and values, plus `message` (why closed) and `error`."""
    code: int
    """This pool's exit code."""


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


def result_of(each: PoolRun) -> PoolResult:
    """One pool of the run as a record: the contract's outputs, the message and the error."""
    props = pool_properties(each)
    record = {key: props[prop] for key, prop in RECORD_KEYS.items()}
    judged, error = each.verdict, each.result.error
    if judged is not None and not judged.exportable:
        record.update({o.stack: None for o in POOL_OUTPUTS}, gateOpen=False)
        error = judged.message
    started = each.result.started
    if error is not None and started is not None:
        error = f"{error}; BulkPublish answered {started.value}: the publish goes on"
    elif error is not None and each.result.awaiting_publish:  # it may have started one
        error = f"{error}; check it with `{PROG} status {each.pool}`"
    message = judged.message if judged is not None and judged.exportable else None
    record.update(message=message, error=None if error is None else str(error))
    return PoolResult(record, exit_code(judged) if error is None else EXIT_CLOSED)


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
    status, reason = record["bulkPublishStatus"] or "-", record["gateReason"] or "error"
    line = f"{record['identityPoolId']} {status} {reason} {times}"
    # An error was already said on stderr, in one line.
    return line if record["error"] or not record["message"] else f"{line}: {record['message']}"


def document(results: Sequence[PoolResult], error: str | None = None) -> dict[str, Any]:
    """The --json document: each pool's record, whether every gate is open, and the error of
    the command itself when it could not run (usage, input rules)."""
    pools = {result.record["identityPoolId"]: result.record for result in results}
    opened = bool(results) and all(r.record["gateOpen"] for r in results)
    return {"pools": pools, "gateOpen": opened, **({"error": error} if error else {})}


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, check every input, run the pools, print; return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
    except UsageError as usage:
        return _refuse(str(usage), "--json" in argv)
    except SystemExit as stop:  # --help, already printed
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    inputs, problems = checked(args, datetime.now(UTC))
    if inputs is None:
        lines = [f"{PROG} {args.command}: error: {line}" for line in problems]
        return _refuse("\n".join(lines), args.json)
    stop, signals = Stop(), {}

    def stopped(number: int, _frame: object) -> None:
        signals.setdefault("code", EXIT_SIGNAL[number])
        stop.set(f"interrupted by {signal.Signals(number).name}")

    previous = {number: signal.signal(number, stopped) for number in EXIT_SIGNAL}
    try:
        observed = observe(
            inputs, AwsDefaults(profile=args.profile), allow_start=args.command == "start",
            once=args.command == "status", write=_stderr, stop=stop,
        )  # fmt: skip
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    results = [result_of(each) for each in observed.pools.values()]
    for result in results:
        if result.record["error"]:
            _stderr(f"{PROG}: error: {result.record['error']}")
    if args.json:
        print(json.dumps(document(results), indent=2), flush=True)
    else:
        for result in results:
            print(human_line(result), flush=True)
    return signals.get("code") or overall(result.code for result in results)


def _refuse(said: str, as_json: bool) -> int:
    """A usage error or broken input rules: said on stderr (and as a document with --json)."""
    _stderr(said)
    if as_json:
        print(json.dumps(document([], error=said.strip()), indent=2), flush=True)
    return EXIT_USAGE
