"""Raw-HTTP abuse over real loopback sockets: every bad request gets a JSON error in the
service's wire format (or a quiet close), no traceback reaches stderr, and the emulator keeps
serving. Limits are scaled down per test, and timing is polled against a deadline."""

from __future__ import annotations

import http.client
import io
import json
import re
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from emulator import Emulator, Limits
from tests.emulator.support import ERROR_TYPE_SUFFIX, POOL_ID, RawClient, pool_path, pool_spec

DETAILS = pool_path(POOL_ID, "getBulkPublishDetails")
CONFIGURATION = pool_path(POOL_ID, "configuration")
#: How long a test waits for something the emulator must do at once (or after a scaled limit).
PATIENCE = 3.0


@dataclass
class Answer:
    """One HTTP response read off the socket."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes


@dataclass
class Running:
    """An emulator under test, with what it logged."""

    emulator: Emulator
    log: io.StringIO
    raw: RawClient

    @property
    def address(self) -> tuple[str, int]:
        return self.emulator.host, self.emulator.port

    def log_lines(self) -> list[str]:
        return self.log.getvalue().splitlines()


@pytest.fixture
def start(manual_clock) -> Iterator[Callable[..., Running]]:
    """Start an emulator with one pool and the given `Limits` fields; stopped at teardown."""
    started: list[Emulator] = []

    def make(**limits: Any) -> Running:
        log = io.StringIO()
        emulator = Emulator(
            seed={"pools": [pool_spec()]},
            clock=manual_clock,
            log_stream=log,
            limits=Limits(**limits),
        ).start()
        started.append(emulator)
        return Running(emulator, log, RawClient(emulator.url))

    yield make
    for emulator in started:
        emulator.stop()


def _connect(running: Running) -> socket.socket:
    return socket.create_connection(running.address, timeout=PATIENCE)


def _request(
    method: str,
    target: str,
    headers: list[tuple[str, str]],
    body: bytes = b"",
    version: str = "HTTP/1.1",
) -> bytes:
    head = f"{method} {target} {version}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    return (head + "\r\n").encode() + body


def _signed(running: Running, method: str, path: str, body: bytes = b"") -> list[tuple[str, str]]:
    return list(running.raw.sign(method, path, body).items())


def _read_answer(stream: Any) -> Answer | None:
    """The next response on `stream`, or None at end of stream."""
    line = stream.readline()
    if not line:
        return None
    _version, status, _reason = line.decode("latin-1").split(" ", 2)
    headers = http.client.parse_headers(stream)
    return Answer(int(status), headers, stream.read(int(headers.get("Content-Length", "0"))))


def _answers_until_close(sock: socket.socket) -> list[Answer]:
    """Every response until the emulator closes the connection (a timeout fails the test)."""
    stream = sock.makefile("rb")
    answers = []
    try:
        while (answer := _read_answer(stream)) is not None:
            answers.append(answer)
    except TimeoutError:
        pytest.fail(f"the connection was not closed within {PATIENCE}s (got {answers})")
    except ConnectionResetError:
        pytest.fail(f"the connection was reset instead of closed (got {answers})")
    return answers


def _exchange(running: Running, data: bytes) -> list[Answer]:
    """Send `data` on a fresh connection; the responses up to the close."""
    with _connect(running) as sock:
        sock.sendall(data)
        return _answers_until_close(sock)


def _assert_service_error(answer: Answer, status: int, code: str, fragment: str = "") -> None:
    assert answer.status == status, answer
    assert answer.headers["x-amzn-ErrorType"] == code + ERROR_TYPE_SUFFIX
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["x-amzn-RequestId"]
    body = json.loads(answer.body)
    assert list(body) == ["message"]
    assert isinstance(body["message"], str)
    assert fragment in body["message"], body["message"]


def _assert_still_serving(running: Running) -> None:
    response = running.raw.call("POST", DETAILS)
    assert response.status == 200
    assert response.json()["BulkPublishStatus"] == "NOT_STARTED"


def _assert_quiet(capfd: pytest.CaptureFixture[str], running: Running, rejected: int) -> None:
    """Nothing on stderr, and at most one plain log line per rejected request."""
    captured = capfd.readouterr()
    assert captured.err == ""
    assert "Traceback" not in running.log.getvalue()
    refused = [line for line in running.log_lines() if not re.search(r" -> 2\d\d\b", line)]
    assert len(refused) <= rejected, refused


def _eventually(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: still not so after {PATIENCE}s")
        time.sleep(0.01)


# Nested JSON


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_deeply_nested_json_is_a_serialization_error(start, capfd, opener):
    running = start()
    closer = "]" if opener == "[" else "}"
    body = (opener * 100_000 + closer * 100_000).encode()
    response = running.raw.call("POST", CONFIGURATION, body)
    assert response.status == 400
    assert response.headers["x-amzn-ErrorType"] == "SerializationException" + ERROR_TYPE_SUFFIX
    assert "nested" in response.json()["message"]
    _assert_still_serving(running)
    _assert_quiet(capfd, running, rejected=1)


def test_deeply_nested_json_on_the_control_api_is_a_400(start, capfd):
    running = start()
    response = running.raw.send("POST", "/_emulator/pools", b"[" * 50_000 + b"]" * 50_000)
    assert response.status == 400
    assert "nested" in response.json()["error"]
    _assert_still_serving(running)
    _assert_quiet(capfd, running, rejected=1)


def test_json_nested_within_the_limit_is_still_read(start):
    running = start()
    body = json.dumps({"CognitoStreams": {"StreamName": "x" * 10}, "PushSync": None}).encode()
    assert running.raw.call("POST", CONFIGURATION, body).status == 200


def test_the_nesting_limit_is_32_levels(start):
    running = start()

    def body(levels: int) -> bytes:  # the outer object is the first level
        return ('{"CognitoStreams":' + "[" * (levels - 1) + "]" * (levels - 1) + "}").encode()

    at_limit = running.raw.call("POST", CONFIGURATION, body(32)).json()["message"]
    assert at_limit == "Value at 'CognitoStreams' is invalid: expected an object"
    over = running.raw.call("POST", CONFIGURATION, body(33)).json()["message"]
    assert over == "Request body is nested more than 32 levels deep"


# Content-Length and framing


@pytest.mark.parametrize(
    ("value", "status", "code"),
    [
        ("\u00b2", 400, "BadRequestException"),
        ("-1", 400, "BadRequestException"),
        ("abc", 400, "BadRequestException"),
        ("1e3", 400, "BadRequestException"),
        ("0x10", 400, "BadRequestException"),
        ("5, 5", 400, "BadRequestException"),
        ("1000000000000", 413, "RequestEntityTooLargeException"),
        ("9" * 5000, 413, "RequestEntityTooLargeException"),
    ],
)
def test_a_bad_content_length_is_refused_and_the_connection_closed(
    start, capfd, value, status, code
):
    running = start()
    headers = [*_signed(running, "POST", DETAILS), ("Content-Length", value)]
    (answer,) = _exchange(running, _request("POST", DETAILS, headers))
    _assert_service_error(answer, status, code, "Content-Length")
    assert answer.headers["Connection"] == "close"
    _assert_still_serving(running)
    _assert_quiet(capfd, running, rejected=1)


SMUGGLED = b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


@pytest.mark.parametrize(
    "framing",
    [
        [("Content-Length", "0"), ("Content-Length", str(len(SMUGGLED)))],
        [("Content-Length", str(len(SMUGGLED))), ("Content-Length", "0")],
        [("Content-Length", "0"), ("Transfer-Encoding", "chunked")],
        [("Transfer-Encoding", "chunked"), ("Content-Length", "0")],
    ],
)
def test_ambiguous_framing_is_one_400_and_never_two_requests(start, capfd, framing):
    running = start()
    headers = [*_signed(running, "POST", DETAILS), *framing]
    answers = _exchange(running, _request("POST", DETAILS, headers, SMUGGLED))
    assert len(answers) == 1, [a.body for a in answers]
    _assert_service_error(answers[0], 400, "BadRequestException")
    assert running.emulator.backend.call_count("GetBulkPublishDetails") == 0
    _assert_still_serving(running)
    _assert_quiet(capfd, running, rejected=1)


def test_a_chunked_body_is_411_in_json(start, capfd):
    running = start()
    headers = [*_signed(running, "POST", DETAILS), ("Transfer-Encoding", "chunked")]
    (answer,) = _exchange(running, _request("POST", DETAILS, headers, b"0\r\n\r\n"))
    _assert_service_error(answer, 411, "LengthRequiredException", "Content-Length")
    _assert_still_serving(running)
    _assert_quiet(capfd, running, rejected=1)


# Body size


def test_a_30_mib_body_is_refused_before_it_is_sent(start, capfd):
    running = start()
    size = 30 * 1024 * 1024
    headers = [*_signed(running, "POST", CONFIGURATION), ("Content-Length", str(size))]
    with _connect(running) as sock:
        sock.sendall(_request("POST", CONFIGURATION, headers, b" " * 65536))
        (answer,) = _answers_until_close(sock)
    _assert_service_error(answer, 413, "RequestEntityTooLargeException", "1048576")
    _assert_still_serving(running)
    _assert_quiet(capfd, running, rejected=1)


def test_the_body_limit_is_inclusive(start, capfd):
    running = start(max_body_bytes=2048)
    at_limit = b"{}" + b" " * 2046
    assert running.raw.call("POST", CONFIGURATION, at_limit).status == 200
    over = running.raw.call("POST", CONFIGURATION, at_limit + b" ")
    assert over.status == 413
    assert over.json() == {"message": "Content-Length 2049 is over the limit of 2048 bytes"}
    _assert_still_serving(running)
    _assert_quiet(capfd, running, rejected=1)


def test_an_oversized_head_is_431_in_json(start, capfd):
    running = start(max_head_bytes=4096)
    headers = [*_signed(running, "POST", DETAILS), ("X-Padding", "p" * 5000)]
    (answer,) = _exchange(running, _request("POST", DETAILS, headers))
    _assert_service_error(answer, 431, "RequestHeaderFieldsTooLargeException", "4096")
    _assert_still_serving(running)
    _assert_quiet(capfd, running, rejected=1)


# Host


@pytest.mark.parametrize(
    ("host", "fragment"),
    [
        (None, "Missing Host header"),
        ("[", "Malformed Host header"),
        ("[zz::1]", "Malformed Host header"),
        ("127.0.0.1:99999", "Malformed Host header"),
        ("127.0.0.1:abc", "Malformed Host header"),
        ("", "Missing Host header"),
        ("a b", "Malformed Host header"),
    ],
)
def test_a_bad_host_with_a_known_key_is_a_json_400(start, capfd, host, fragment):
    running = start()
    headers = [(k, v) for k, v in _signed(running, "POST", DETAILS) if k != "Host"]
    if host is not None:
        headers.append(("Host", host))
    (answer,) = _exchange(running, _request("POST", DETAILS, headers))
    _assert_service_error(answer, 400, "BadRequestException", fragment)
    _assert_still_serving(running)
    _assert_quiet(capfd, running, rejected=1)


def test_two_host_headers_are_a_json_400(start, capfd):
    running = start()
    headers = [*_signed(running, "POST", DETAILS), ("Host", "evil.example")]
    (answer,) = _exchange(running, _request("POST", DETAILS, headers))
    _assert_service_error(answer, 400, "BadRequestException", "Host")
    _assert_quiet(capfd, running, rejected=1)


# Error pages


@pytest.mark.parametrize(
    "data",
    [
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/2.0\r\nHost: h\r\n\r\n",
        b"GET /\x00 HTTP/1.1\r\nHost: h\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: h\r\nBad Header: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: h\r\n folded: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: h\r\nX-Nul: a\x00b\r\n\r\n",
        b"GET / HTTP/1.1\nHost: h\n\n",
    ],
)
def test_malformed_requests_get_json_error_pages(start, capfd, data):
    running = start()
    answers = _exchange(running, data)
    assert len(answers) == 1
    _assert_service_error(answers[0], 400, "BadRequestException")
    assert b"<html" not in answers[0].body.lower()
    _assert_still_serving(running)
    _assert_quiet(capfd, running, rejected=1)


def test_any_method_is_routed_to_a_json_404(start):
    running = start()
    (answer,) = _exchange(running, _request("TRACE", "/", [("Host", "h"), ("Connection", "close")]))
    _assert_service_error(answer, 404, "UnknownOperationException", "TRACE /")


def test_pipelined_requests_are_answered_in_order(start):
    running = start()
    first = _request("POST", DETAILS, _signed(running, "POST", DETAILS))
    last = _request("GET", "/_emulator/calls", [("Host", "h"), ("Connection", "close")])
    answers = _exchange(running, first + first + last)
    assert [a.status for a in answers] == [200, 200, 200]
    assert json.loads(answers[2].body)["calls"]["GetBulkPublishDetails"] == 2


def test_http_1_0_is_served_and_closed(start):
    running = start()
    (answer,) = _exchange(
        running, _request("GET", "/_emulator/health", [("Host", "h")], b"", "HTTP/1.0")
    )
    assert answer.status == 200
    assert json.loads(answer.body)["status"] == "ok"


def test_expect_100_continue_is_answered(start):
    running = start()
    body = json.dumps({"CognitoStreams": {"StreamName": "s"}}).encode()
    headers = [
        *_signed(running, "POST", CONFIGURATION, body),
        ("Content-Length", str(len(body))),
        ("Expect", "100-continue"),
        ("Connection", "close"),
    ]
    with _connect(running) as sock:
        sock.sendall(_request("POST", CONFIGURATION, headers))
        stream = sock.makefile("rb")
        interim = _read_answer(stream)
        assert interim is not None
        assert interim.status == 100
        sock.sendall(body)
        final = _read_answer(stream)
    assert final is not None
    assert final.status == 200


# Time limits


def test_a_client_trickling_its_headers_is_cut_off(start, capfd):
    running = start(request_timeout_seconds=0.4, idle_timeout_seconds=5)
    with _connect(running) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        deadline = time.monotonic() + PATIENCE
        while not select.select([sock], [], [], 0.05)[0]:
            if time.monotonic() > deadline:
                pytest.fail("the trickling client was never cut off")
            sock.sendall(b"X-Slow: 1\r\n")  # a header every 50 ms: each read succeeds
        (answer,) = _answers_until_close(sock)
    _assert_service_error(answer, 408, "RequestTimeoutException", "0.4")
    _assert_still_serving(running)
    _assert_quiet(capfd, running, rejected=1)


def test_a_client_trickling_its_body_is_cut_off(start, capfd):
    running = start(request_timeout_seconds=0.4)
    headers = [*_signed(running, "POST", CONFIGURATION), ("Content-Length", "100000")]
    with _connect(running) as sock:
        sock.sendall(_request("POST", CONFIGURATION, headers, b" "))
        deadline = time.monotonic() + PATIENCE
        while not select.select([sock], [], [], 0.05)[0]:
            if time.monotonic() > deadline:
                pytest.fail("the trickling client was never cut off")
            sock.sendall(b" ")
        (answer,) = _answers_until_close(sock)
    _assert_service_error(answer, 408, "RequestTimeoutException")
    assert running.emulator.backend.call_count("SetIdentityPoolConfiguration") == 0
    _assert_still_serving(running)
    _assert_quiet(capfd, running, rejected=1)


def test_an_idle_keep_alive_connection_is_closed_quietly(start, capfd):
    running = start(idle_timeout_seconds=0.3)
    with _connect(running) as sock:
        sock.sendall(_request("POST", DETAILS, _signed(running, "POST", DETAILS)))
        stream = sock.makefile("rb")
        answer = _read_answer(stream)
        assert answer is not None
        assert answer.status == 200
        assert _read_answer(stream) is None  # closed with no second response
    _assert_still_serving(running)
    _assert_quiet(capfd, running, rejected=0)


def test_a_connection_that_never_speaks_is_closed(start, capfd):
    running = start(idle_timeout_seconds=0.3)
    with _connect(running) as sock:
        assert _answers_until_close(sock) == []
    _assert_quiet(capfd, running, rejected=0)


def test_the_default_limits_are_the_documented_ones():
    limits = Limits()
    assert limits.max_body_bytes == 1024 * 1024
    assert limits.max_head_bytes == 32 * 1024
    assert limits.request_timeout_seconds == 10
    assert limits.idle_timeout_seconds == 5
    assert limits.max_connections == 256
    assert limits.max_workers == 32


@pytest.mark.parametrize(
    "field", ["max_body_bytes", "max_head_bytes", "request_timeout_seconds", "max_workers"]
)
def test_limits_must_be_positive(field):
    with pytest.raises(ValueError, match=field):
        Limits(**{field: 0})


# Connections and threads


def test_connections_over_the_cap_get_a_quick_503(start, capfd):
    running = start(max_connections=4, idle_timeout_seconds=30)
    held = [_connect(running) for _ in range(4)]
    try:
        for sock in held:  # each is accepted and answered: it holds a slot
            sock.sendall(_request("GET", "/_emulator/health", [("Host", "h")]))
            assert _read_answer(sock.makefile("rb")).status == 200
        with _connect(running) as extra:
            (answer,) = _answers_until_close(extra)
        _assert_service_error(answer, 503, "ServiceUnavailableException", "4")
    finally:
        for sock in held:
            sock.close()

    def serves() -> bool:  # until the loop has seen the closes, a request may still be turned
        try:  # away: a 503, or a reset when it was closed with the request unread
            return running.raw.control("GET", "health").status == 200
        except ConnectionError:
            return False

    _eventually(serves, "the emulator serves again once the connections are closed")
    _assert_still_serving(running)
    assert "-> 503" in running.log.getvalue()
    assert "Traceback" not in running.log.getvalue()
    assert capfd.readouterr().err == ""


def test_idle_and_slow_connections_hold_no_threads(start, capfd):
    running = start(max_workers=2, max_connections=200, request_timeout_seconds=30)
    running.raw.control("GET", "health")  # let the pool start its first worker
    before = threading.active_count()
    idle = [_connect(running) for _ in range(40)]
    slow = [_connect(running) for _ in range(40)]
    try:
        for sock in slow:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        for _ in range(5):  # accepted after the 80 above: they are all open by now
            _assert_still_serving(running)
        assert threading.active_count() - before <= 2
    finally:
        for sock in idle + slow:
            sock.close()
    _assert_quiet(capfd, running, rejected=0)


def test_a_slow_request_does_not_delay_others(start):
    running = start(max_workers=1, request_timeout_seconds=30)
    with _connect(running) as slow:
        slow.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n")
        _assert_still_serving(running)
        slow.sendall(b"0123456789")
        answer = _read_answer(slow.makefile("rb"))
    assert answer is not None
    assert answer.status == 404


def test_stop_closes_connections_in_every_state(start):
    running = start()
    idle, slow = _connect(running), _connect(running)
    slow.sendall(b"POST / HTTP/1.1\r\nHost: h\r\n")
    _assert_still_serving(running)
    running.emulator.stop()
    for sock in (idle, slow):
        with sock:
            assert sock.recv(1) == b""


class _BrokenStream(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError("the reader of the log went away")


def test_a_broken_log_stream_does_not_stop_the_server(manual_clock, capfd):
    seed = {"pools": [pool_spec()]}
    with Emulator(seed=seed, clock=manual_clock, log_stream=_BrokenStream()) as emulator:
        running = Running(emulator, io.StringIO(), RawClient(emulator.url))
        (answer,) = _exchange(running, b"GARBAGE\r\n\r\n")
        _assert_service_error(answer, 400, "BadRequestException")
        _assert_still_serving(running)
    assert capfd.readouterr().err == ""


def test_worker_threads_are_daemons_and_end_with_stop(start):
    running = start(max_workers=3)
    _assert_still_serving(running)

    def workers() -> list[threading.Thread]:
        prefix = f"emulator-worker:{running.emulator.port}"
        return [t for t in threading.enumerate() if t.name.startswith(prefix)]

    assert workers()
    assert all(thread.daemon for thread in workers())
    running.emulator.stop()
    _eventually(lambda: not workers(), "the workers end after stop")
