"""The provider through the SDK's real provider server against scripted HTTP peers: a peer that
trickles its answer one byte per second cannot hold a gate past its deadline plus the margin;
answers outside the output contract are errors, never outputs; service text is cleaned, and an
error stays small enough for gRPC's metadata limit with the pool and the advice intact."""

from __future__ import annotations

import re
import time

import pytest

from components.core.scheduler import READ_MARGIN_SECONDS
from components.core.text import SERVICE_TEXT_LIMIT, wire_size
from components.provider import BulkPublishGateProvider
from tests.peer import ScriptedPeer
from tests.support.provider_server import PROVIDER_KEY, ProviderError, ProviderServer, provider_blob
from tests.support.scenarios import provider_env

POOL = "us-east-1:0a000000-0000-4000-8000-0000000000aa"
BLOB, _ = provider_blob(BulkPublishGateProvider())
ANSWER = {"IdentityPoolId": POOL, "BulkPublishStatus": "IN_PROGRESS", "BulkPublishStartTime": 1}
TRICKLED = b" " * 40 + b'{"BulkPublishStatus": "SUCCEEDED"}'
"""40 s of one byte per second before a valid answer arrives."""
SLACK_SECONDS = 3.0
"""Generous room, on a loaded 2-core machine, for the gRPC round trip and thread scheduling."""
ESCAPES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def server():
    with ProviderServer(env=provider_env("http://127.0.0.1:9")) as running:
        running.configure({"aws:region": "us-east-1"})
        yield running


def props(peer: ScriptedPeer, **changes) -> dict:
    return {
        "identity_pool_id": POOL,
        "endpoint_url": peer.url,
        "poll_interval_seconds": 0.05,
        "max_poll_interval_seconds": 0.1,
        "timeout_seconds": 1,
        **changes,
        PROVIDER_KEY: BLOB,
    }


def timed_failure(server: ProviderServer, peer: ScriptedPeer, **changes) -> tuple[float, str]:
    """Seconds the failing Create took, and the error as raised by the provider."""
    started = time.monotonic()
    with pytest.raises(ProviderError) as failure:
        server.create(props(peer, **changes))
    # All of it (traceback and message) crosses in one gRPC trailer: well under its 8 KiB.
    assert wire_size(failure.value.details) < 7 * 1024
    return time.monotonic() - started, failure.value.message


def test_a_trickling_first_read_is_abandoned_at_the_deadline_plus_the_margin(server):
    with ScriptedPeer(TRICKLED, trickle=40) as peer:
        took, message = timed_failure(server, peer)
    print(f"measured: timeoutSeconds=1 gate against a trickling peer failed after {took:.2f}s")
    assert took <= 1 + READ_MARGIN_SECONDS + SLACK_SECONDS
    assert message.startswith("components.core.errors.ReadsFailedError: gave up after ")
    assert f"GetBulkPublishDetails for identity pool {POOL} in us-east-1 did not answer" in message
    assert "(the run's deadline, timeoutSeconds=1, plus its 1.5s margin)" in message


def test_observe_mode_does_not_export_a_stale_status_when_the_last_read_trickles(server):
    with ScriptedPeer(
        b" " * 40 + bytes(str(ANSWER).replace("'", '"'), "ascii"), trickle=40, fast=1
    ) as peer:
        took, message = timed_failure(server, peer, mode="observe")
    print(f"measured: observe mode, last read trickling: failed after {took:.2f}s")
    assert took <= 1 + READ_MARGIN_SECONDS + SLACK_SECONDS
    assert message.startswith("components.core.errors.ReadsFailedError: could not read the bulk ")
    assert "the last 1 read(s) failed" in message
    assert "said IN_PROGRESS; it is not exported as current" in message


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ({"BulkPublishStatus": "CANCELLED"}, "BulkPublishStatus 'CANCELLED'"),
        ({"BulkPublishStatus": "succeeded"}, "BulkPublishStatus 'succeeded'"),
        ({"BulkPublishStatus": ""}, "BulkPublishStatus ''"),
        ({"IdentityPoolId": POOL}, "no BulkPublishStatus"),
        ({"BulkPublishStatus": 3}, "a BulkPublishStatus of type int (3)"),
    ],
)
def test_answers_outside_the_contract_fail_even_in_observe_mode(server, answer, said):
    with ScriptedPeer(answer) as peer:
        _, message = timed_failure(server, peer, mode="observe")
    assert message.startswith("components.core.errors.UnexpectedAnswerError: ")
    assert said in message and POOL in message


def test_a_failure_message_with_another_status_is_not_exported(server):
    answer = {
        "BulkPublishStatus": "SUCCEEDED",
        "FailureMessage": "left over",
        "BulkPublishCompleteTime": 5,
    }
    with ScriptedPeer(answer) as peer:
        _, outs = server.create(props(peer))
    assert outs["bulk_publish_status"] == "SUCCEEDED"
    assert "failure_message" not in outs


HUGE = "\x1b[31m\x1b]0;owned\x07" + "日本語のエラー\r\n" * 3000 + "\x1b[0m"
"""About 27 000 characters (60 KiB of UTF-8) with ANSI escapes and line breaks."""


def test_a_huge_failure_message_is_cleaned_and_cut_and_the_error_survives(server):
    with ScriptedPeer({"BulkPublishStatus": "FAILED", "FailureMessage": HUGE}) as peer:
        _, message = timed_failure(server, peer)
        _, outs = server.create(props(peer, mode="observe"))
    assert message.startswith(
        f"components.core.errors.GateClosedError: bulk publish of identity "
        f"pool {POOL} (us-east-1) FAILED: 日本語のエラー"
    )
    assert message.endswith("then run `pulumi up` again.")
    assert not ESCAPES.search(message) and "owned" not in message
    stored = outs["failure_message"]
    assert len(stored) <= SERVICE_TEXT_LIMIT and stored.startswith("日本語のエラー 日本語")
    assert not ESCAPES.search(stored)


def test_a_huge_service_error_message_is_cut_and_keeps_the_pool_and_advice(server):
    headers = {"x-amzn-ErrorType": "InvalidParameterException"}
    body = {"message": HUGE}
    with ScriptedPeer(body, status=400, headers=headers) as peer:
        _, message = timed_failure(server, peer)
    assert message.startswith("components.core.errors.InvalidRequestError: Cognito Sync rejected ")
    assert POOL in message and "InvalidParameterException: 日本語のエラー" in message
    assert not ESCAPES.search(message)
    assert message.endswith("characters, cut])")  # the cleaned text says it was cut
