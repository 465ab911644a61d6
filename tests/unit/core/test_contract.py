"""The shared words: answers that fit the contract and those that do not, and the gateReason
values."""

from __future__ import annotations

import pytest

from components.core.contract import (
    GATE_REASONS,
    conform,
)
from components.core.errors import UnexpectedAnswerError

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"


WHERE = f"identity pool {POOL} in us-east-1"


# BulkPublishStatus, FailureMessage -> (status, failure message) in the outputs
CONFORMING = [
    ("SUCCEEDED", None, ("SUCCEEDED", None)),
    ("SUCCEEDED", "stale text", ("SUCCEEDED", None)),  # only FAILED carries a message
    ("IN_PROGRESS", "x", ("IN_PROGRESS", None)),
    ("NOT_STARTED", "x", ("NOT_STARTED", None)),
    ("FAILED", "denied", ("FAILED", "denied")),
    ("FAILED", None, ("FAILED", None)),
    ("FAILED", "", ("FAILED", None)),
    ("FAILED", "\x1b[31mred\x1b[0m\nline", ("FAILED", "red line")),
    ("FAILED", 42, ("FAILED", "42")),
    ("FAILED", "\x1b[0m", ("FAILED", None)),
]


@pytest.mark.parametrize(("status", "message", "expected"), CONFORMING)
def test_answers_that_fit_the_contract(status, message, expected):
    assert conform(status, message, WHERE) == expected


# BulkPublishStatus -> how the error says what came
NONCONFORMING = [
    (None, "with no BulkPublishStatus"),
    ("CANCELLED", "BulkPublishStatus 'CANCELLED'"),
    ("succeeded", "BulkPublishStatus 'succeeded'"),
    ("", "BulkPublishStatus ''"),
    (" SUCCEEDED", "BulkPublishStatus 'SUCCEEDED'"),  # cleaned for display, still refused
    (3, "a BulkPublishStatus of type int (3)"),
    (True, "of type bool (True)"),
    (["SUCCEEDED"], "of type list (['SUCCEEDED'])"),
    ("\x1b[2J" + "X" * 5000, "BulkPublishStatus 'XXXX"),
]


@pytest.mark.parametrize(("status", "said"), NONCONFORMING)
def test_answers_outside_the_contract_are_a_clear_error_never_an_output(status, said):
    with pytest.raises(UnexpectedAnswerError) as failure:
        conform(status, "msg", WHERE)
    message = str(failure.value)
    assert said in message
    assert WHERE in message
    assert "NOT_STARTED, IN_PROGRESS, FAILED, SUCCEEDED" in message
    assert failure.value.retryable is False
    assert "\x1b" not in message and len(message) < 600


def test_the_gate_reasons_are_the_output_contract():
    assert GATE_REASONS == ("open", "in_progress", "failed", "not_started", "stale")
