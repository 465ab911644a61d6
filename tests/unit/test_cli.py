"""The operator command's pure parts: parsing into the gate's inputs, problems said as options,
and the exit-code mapping, as tables."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from components import cli
from components.inputs import RULES, Problem
from components.verdict import Reason, Verdict

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
POOL = "us-east-1:0a000000-0000-4000-8000-000000000001"
OTHER = "us-east-1:0a000000-0000-4000-8000-000000000002"


def parse(*argv: str):
    return cli.build_parser().parse_args(argv)


def test_status_reads_once_and_never_starts():
    props = cli.props_for(parse("status", POOL), POOL)
    assert props["timeout_seconds"] == 0
    assert props["wait_for_start"] is False
    assert props["start_bulk_publish"] is False
    assert props["poll_interval_seconds"] is None


def test_wait_options_become_the_gate_inputs():
    args = parse(
        "wait", POOL, "--timeout", "60", "--poll-interval", "0.5", "--max-poll-interval", "4",
        "--wait-for-start", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:4599",
        "--completed-after", "2026-10-01T00:00:00Z", "--max-age-seconds", "3600",
    )  # fmt: skip
    inputs, problems = cli.checked(args, NOW, environ={})
    assert problems == []
    (one,) = inputs
    assert (one.timeout_seconds, one.poll_interval_seconds, one.max_poll_interval_seconds) == (
        60,
        0.5,
        4.0,
    )
    assert (one.wait_for_start, one.start_bulk_publish) == (True, False)
    assert (one.region, one.endpoint_url) == ("us-east-1", "http://127.0.0.1:4599")
    assert (one.completed_after, one.max_age_seconds) == ("2026-10-01T00:00:00Z", 3600)


def test_start_allows_starting_and_defaults_are_the_gates():
    (one,), _ = cli.checked(parse("start", POOL), NOW, environ={})
    assert one.start_bulk_publish is True
    assert (one.timeout_seconds, one.poll_interval_seconds) == (1800, 5.0)


def test_a_pool_given_twice_is_run_once():
    inputs, _ = cli.checked(parse("status", POOL, OTHER, POOL), NOW, environ={})
    assert [i.identity_pool_id for i in inputs] == [POOL, OTHER]


def test_a_problem_of_an_option_is_said_once_for_several_pools():
    _, problems = cli.checked(parse("wait", POOL, OTHER, "--timeout", "-1"), NOW, environ={})
    assert problems == ["--timeout must be at least 0 and at most 86400 (got -1)"]


def test_a_region_problem_names_its_pool_when_there_are_several():
    args = parse("status", POOL, "eu-north-1:0a000000-0000-4000-8000-000000000003")
    _, problems = cli.checked(args, NOW, environ={})
    assert len(problems) == 1
    assert problems[0].startswith("--region Cognito Sync has no endpoint in 'eu-north-1'")
    assert problems[0].endswith("(pool eu-north-1:0a000000-0000-4000-8000-000000000003)")


@pytest.mark.parametrize(
    ("problem", "line"),
    [
        (Problem("timeout_seconds", "must be x"), "--timeout must be x"),
        (
            Problem("max_poll_interval_seconds", "must be at least poll_interval_seconds (1 < 2)"),
            "--max-poll-interval must be at least --poll-interval (1 < 2)",
        ),
        (Problem("completed_after", "...; use maxAgeSeconds"), "--completed-after ...; use "
         "--max-age-seconds"),
        (Problem("region", "set bulk-publish-gate:region (or aws:region)"), "--region set "
         "--region"),
        (Problem("region", "not an AWS region name"), "--region not an AWS region name"),
        (Problem("aws:profile", "The config profile (x) could not be found"), "--profile The "
         "config profile (x) could not be found"),
        (Problem("AWS_MAX_ATTEMPTS", "must be 1..100"), "AWS_MAX_ATTEMPTS must be 1..100"),
        (Problem("identity_pool_id", "is required"), "POOL is required"),
    ],
)  # fmt: skip
def test_problems_are_said_as_options(problem, line):
    assert cli.problem_line(problem) == line


@pytest.mark.parametrize("command", ["status", "wait", "start"])
def test_every_input_the_command_passes_has_a_rule_and_an_option(command):
    props = cli.props_for(parse(command, POOL), POOL)
    fixed = {"mode", "wait_for_start", "start_bulk_publish", "identity_pool_ids", "max_concurrency"}
    assert set(props) <= set(RULES)
    assert set(props) - fixed <= set(cli.OPTIONS)


def _verdict(reason: Reason | None, exportable: bool = True) -> Verdict:
    return Verdict(reason is None, reason, None if reason is None else "closed", exportable)


@pytest.mark.parametrize(
    ("judged", "code"),
    [
        (_verdict(None), 0),
        (_verdict(Reason.IN_PROGRESS), 3),
        (_verdict(Reason.FAILED), 1),
        (_verdict(Reason.NOT_STARTED), 1),
        (_verdict(Reason.STALE), 1),
        (_verdict(Reason.READS_FAILING, exportable=False), 1),
        (None, 1),
    ],
)
def test_exit_code_of_one_pool(judged, code):
    assert cli.exit_code(judged) == code


@pytest.mark.parametrize(
    ("codes", "code"),
    [
        ([0], 0),
        ([0, 0, 0], 0),
        ([3], 3),
        ([0, 3], 3),
        ([1], 1),
        ([0, 1], 1),
        ([3, 1, 0], 1),
    ],
)
def test_exit_code_of_a_run(codes, code):
    assert cli.overall(codes) == code


def test_an_unread_pool_has_every_contract_key():
    record = cli.unread(POOL, "error", "boom")
    assert set(record) == set(cli.RECORD_KEYS) | {"message"}
    assert set(cli.RECORD_KEYS) == {
        "identityPoolId", "bulkPublishStatus", "bulkPublishStartTime", "bulkPublishCompleteTime",
        "failureMessage", "gateOpen", "gateReason", "checkedAt",
    }  # fmt: skip
    assert (record["gateOpen"], record["gateReason"], record["bulkPublishStatus"]) == (
        False,
        "error",
        None,
    )


def test_human_line_and_document():
    opened = dict.fromkeys(cli.RECORD_KEYS) | {
        "identityPoolId": POOL,
        "bulkPublishStatus": "SUCCEEDED",
        "bulkPublishStartTime": "2026-11-01T10:00:00Z",
        "gateOpen": True,
        "gateReason": "open",
        "message": None,
    }
    failed = cli.PoolResult(cli.unread(OTHER, "error", "boom"), 1, error="boom")
    results = [cli.PoolResult(opened, 0), failed]
    assert cli.human_line(results[0]) == (
        f"{POOL} SUCCEEDED open started=2026-11-01T10:00:00Z completed=- checked=-"
    )
    assert cli.human_line(failed) == f"{OTHER} - error started=- completed=- checked=-"
    closed = cli.PoolResult({**opened, "gateReason": "stale", "message": "why"}, 1)
    assert cli.human_line(closed).endswith(" checked=-: why")
    document = cli.document(results)
    assert list(document["pools"]) == [POOL, OTHER]
    assert document["gateOpen"] is False
    assert cli.document(results[:1])["gateOpen"] is True


@pytest.mark.parametrize("argv", [["--help"], ["status", "--help"], ["start", "--help"]])
def test_help_shows_the_program_and_the_exit_codes(capsys, argv):
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: bulk-publish-gate")
    assert "exit codes:" in out
    assert "3  a pool was still IN_PROGRESS" in out


@pytest.mark.parametrize(
    "argv",
    [[], ["status"], ["publish", POOL], ["wait", POOL, "--timeout"], ["status", POOL, "--wait"]],
)
def test_usage_errors_exit_2(capsys, argv):
    assert cli.main(argv) == 2
    assert "usage: bulk-publish-gate" in capsys.readouterr().err
