"""The operator command's pure parts: parsing into the gate's inputs, problems said as options,
the records and the exit-code mapping, as tables."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from components import cli
from components.core.contract import BulkPublishDetails, Reason, StartOutcome, WatchResult
from components.core.errors import CancelledError, PoolNotFoundError
from components.core.inputs import SPECS, Problem, Ref
from components.core.verdict import Verdict
from components.run import PoolRun

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
POOL = "us-east-1:0a000000-0000-4000-8000-000000000001"
OTHER = "us-east-1:0a000000-0000-4000-8000-000000000002"


def parse(*argv: str):
    return cli.build_parser().parse_args(argv)


def checked(*argv: str):
    return cli.checked(parse(*argv), NOW, environ={})


def test_status_reads_once_and_never_starts():
    inputs, problems = checked("status", POOL)
    assert problems == []
    assert (inputs.timeout_seconds, inputs.wait_for_start, inputs.start_bulk_publish) == (
        cli.STATUS_TIMEOUT_SECONDS,  # the most a failed read is retried: it waits on no status
        False,
        False,
    )
    assert inputs.mode == "observe"


def test_wait_options_become_the_gate_inputs():
    inputs, problems = checked(
        "wait", POOL, "--timeout", "60", "--poll-interval", "0.5", "--max-poll-interval", "4",
        "--wait-for-start", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:4599",
        "--completed-after", "2026-10-01T00:00:00Z", "--max-age-seconds", "3600",
        "--max-concurrency", "3",
    )  # fmt: skip
    assert problems == []
    assert (inputs.timeout_seconds, inputs.poll_interval_seconds) == (60, 0.5)
    assert (inputs.max_poll_interval_seconds, inputs.max_concurrency) == (4.0, 3)
    assert (inputs.wait_for_start, inputs.start_bulk_publish) == (True, False)
    assert (inputs.region, inputs.endpoint_url) == ("us-east-1", "http://127.0.0.1:4599")
    assert inputs.completed_after == datetime(2026, 10, 1, tzinfo=UTC)
    assert inputs.max_age_seconds == 3600


def test_start_allows_starting_and_defaults_are_the_gates():
    inputs, _ = checked("start", POOL)
    assert inputs.start_bulk_publish is True
    assert (inputs.timeout_seconds, inputs.poll_interval_seconds) == (1800, 5.0)
    assert inputs.max_concurrency == 8


def test_several_pools_are_one_run_and_a_pool_given_twice_is_run_once():
    inputs, _ = checked("status", POOL, OTHER, POOL)
    assert inputs.pools == (POOL, OTHER)
    assert inputs.identity_pool_id == ""


@pytest.mark.parametrize("typed", ["1_0", "\u0663", "1e3", " 10", "+10", "inf", "nan", "0x10"])
def test_numbers_are_read_as_the_stack_config_reads_them(typed):
    inputs, problems = checked("wait", POOL, "--timeout", typed)
    assert inputs is None
    assert problems == [f"--timeout must be a whole number in plain digits 0-9, such as 1800 "
                        f"(got {typed!r})"]  # fmt: skip


@pytest.mark.parametrize(
    ("option", "typed", "said"),
    [
        ("--timeout", "9" * 5000, "at least 0 and at most 86400 (got an integer of 5000 digits)"),
        ("--timeout", "-" + "9" * 5000, "at most 86400 (got a negative integer of 5000 digits)"),
        ("--max-age-seconds", "0" * 9 + "9" * 600, "(got an integer of 600 digits)"),
        ("--poll-interval", "9" * 5000, "at most 3600 (got a number of 5000 digits)"),
        ("--poll-interval", "9" * 5000 + ".5", "at most 3600 (got a number of 5000 digits)"),
        ("--max-poll-interval", "-" + "9" * 400, "(got a negative number of 400 digits)"),
    ],
)
def test_a_number_of_thousands_of_digits_is_said_by_its_length_with_the_rule(option, typed, said):
    _, problems = checked("wait", POOL, option, typed)
    assert len(problems) == 1
    assert problems[0].startswith(f"{option} must be ")
    assert problems[0].endswith(said)


def test_a_problem_of_an_option_is_said_once_for_several_pools():
    _, problems = checked("wait", POOL, OTHER, "--timeout", "-1")
    assert problems == ["--timeout must be at least 0 and at most 86400 (got -1)"]


def test_a_region_problem_names_its_pool_when_there_are_several():
    _, problems = checked("status", POOL, "eu-north-1:0a000000-0000-4000-8000-000000000003")
    assert len(problems) == 1
    assert problems[0].startswith(
        "POOL pool eu-north-1:0a000000-0000-4000-8000-000000000003: names the region "
        "'eu-north-1': Cognito Sync has no endpoint in 'eu-north-1'"
    )
    assert problems[0].endswith("; check the pool id")  # --region does not move a pool


@pytest.mark.parametrize("region", [[], ["--region", "us-east-1"]], ids=["no-region", "region"])
def test_a_pool_id_whose_prefix_has_no_cognito_sync_is_refused_with_or_without_region(region):
    _, problems = checked("status", "me-south-1:0a000000-0000-4000-8000-000000000003", *region)
    assert len(problems) == 1
    assert problems[0].startswith("POOL names the region 'me-south-1': Cognito Sync has no ")
    assert problems[0].endswith("; check the pool id")


@pytest.mark.parametrize(
    ("problem", "line"),
    [
        (Problem("timeout_seconds", "must be x"), "--timeout must be x"),
        (
            Problem("max_poll_interval_seconds", ("must be at least ",
                    Ref("poll_interval_seconds"), " (1 < 2)")),
            "--max-poll-interval must be at least --poll-interval (1 < 2)",
        ),
        (Problem("completed_after", ("...; use ", Ref("max_age_seconds"))),
         "--completed-after ...; use --max-age-seconds"),
        (Problem("region", ("set ", Ref("region"), " to us-east-1")), "--region set --region "
         "to us-east-1"),
        (Problem("aws:profile", "The config profile (x) could not be found"), "--profile The "
         "config profile (x) could not be found"),
        (Problem("AWS_PROFILE", "The config profile (x) could not be found"), "AWS_PROFILE The "
         "config profile (x) could not be found"),
        (Problem("AWS_MAX_ATTEMPTS", "must be 1..100"), "AWS_MAX_ATTEMPTS must be 1..100"),
        (Problem("identity_pool_id", "is required"), "POOL is required"),
        (Problem("identity_pool_ids", "lists x twice"), "POOL lists x twice"),
    ],
)  # fmt: skip
def test_problems_are_said_as_options(problem, line):
    assert cli.problem_line(problem) == line


def test_every_option_is_a_field_of_the_inputs_table():
    parser_options = {
        option
        for action in cli.build_parser()._subparsers._group_actions[0].choices["wait"]._actions
        for option in action.option_strings
    }
    table = {spec.option for spec in SPECS.values() if spec.option}
    assert table <= parser_options
    assert parser_options - table == {"-h", "--help", "--json", "--profile"}


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
    [([0], 0), ([0, 0, 0], 0), ([3], 3), ([0, 3], 3), ([1], 1), ([0, 1], 1), ([3, 1, 0], 1)],
)
def test_exit_code_of_a_run(codes, code):
    assert cli.overall(codes) == code


def pool_run(pool, details=None, verdict=None, error=None, started=None) -> PoolRun:
    result = WatchResult(pool, details, False, 1.0, 1 if details else 0, started=started,
                         error=error)  # fmt: skip
    return PoolRun(pool, "us-east-1", result, verdict)


def test_a_pool_with_no_status_has_every_contract_key_and_no_reason():
    result = cli.result_of(pool_run(POOL, error=PoolNotFoundError("gone")))
    assert set(result.record) == set(cli.RECORD_KEYS) | {"message", "error"}
    assert set(cli.RECORD_KEYS) == {
        "identityPoolId", "bulkPublishStatus", "bulkPublishStartTime", "bulkPublishCompleteTime",
        "failureMessage", "gateOpen", "gateReason", "checkedAt",
    }  # fmt: skip
    record = result.record
    assert (record["gateOpen"], record["gateReason"], record["error"]) == (False, None, "gone")
    assert result.code == 1


def test_an_interrupted_start_says_the_publish_goes_on():
    stopped = CancelledError("interrupted by SIGINT: stopped waiting on p after 2.0s")
    result = cli.result_of(pool_run(POOL, error=stopped, started=StartOutcome.STARTED))
    assert result.record["error"].endswith("; BulkPublish answered started: the publish goes on")


def test_human_line_and_document():
    opened = cli.result_of(
        pool_run(POOL, BulkPublishDetails(POOL, "SUCCEEDED"), Verdict(True, None, None, True))
    )
    failed = cli.result_of(pool_run(OTHER, error=PoolNotFoundError("boom")))
    assert cli.human_line(opened) == f"{POOL} SUCCEEDED open started=- completed=- checked=-"
    assert cli.human_line(failed) == f"{OTHER} - error started=- completed=- checked=-"
    closed = cli.result_of(
        pool_run(POOL, BulkPublishDetails(POOL, "FAILED"), _verdict(Reason.FAILED))
    )
    assert cli.human_line(closed).endswith(" checked=-: closed")
    document = cli.document([opened, failed])
    assert list(document["pools"]) == [POOL, OTHER]
    assert document["gateOpen"] is False
    assert cli.document([opened])["gateOpen"] is True


@pytest.mark.parametrize("argv", [["--help"], ["status", "--help"], ["start", "--help"]])
def test_help_shows_the_program_and_the_exit_codes(capsys, argv):
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: bulk-publish-gate")
    assert "exit codes:" in out
    assert "3    a pool was still IN_PROGRESS" in out
    assert "130  interrupted" in out


@pytest.mark.parametrize(
    "argv",
    [[], ["status"], ["publish", POOL], ["wait", POOL, "--timeout"], ["status", POOL, "--wait"]],
)
def test_usage_errors_exit_2(capsys, argv):
    assert cli.main(argv) == 2
    assert "usage: bulk-publish-gate" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["status", POOL, "--json", "--bogus"], "unrecognized arguments: --bogus"),
        (["wait", POOL, "--json", "--timeout", "1e3"], "--timeout must be a whole number"),
    ],
)
def test_a_usage_error_with_json_prints_a_document_too(capsys, argv, said):
    assert cli.main(argv) == 2
    out = capsys.readouterr().out
    document = json.loads(out)
    assert (document["pools"], document["gateOpen"]) == ({}, False)
    assert said in document["error"]


@pytest.mark.parametrize(
    ("argv", "environ", "field"),
    [(["--profile", "nobody"], {}, "--profile"), ([], {"AWS_PROFILE": "nobody"}, "AWS_PROFILE")],
)
def test_a_missing_profile_is_blamed_on_the_commands_own_setting(
    tmp_path, monkeypatch, capsys, argv, environ, field
):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))  # no such profile
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    code = cli.main(["status", POOL, *argv])
    assert code == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"bulk-publish-gate status: error: {field} The config profile (nobody)")
    assert "Set --profile (or AWS_PROFILE) to a profile" in err
    assert "aws:profile" not in err
