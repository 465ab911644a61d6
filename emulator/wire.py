"""HTTP/1.1 framing: the server's limits, strict parsing of a request head, response bytes.

Strict on purpose: anything a proxy in front of the emulator could read differently (two
Content-Length headers, Content-Length with Transfer-Encoding, bare LF, folded headers) is
refused, so one request can never be taken for two."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from http.client import HTTPMessage

from emulator.errors import (
    BadRequestException,
    LengthRequiredException,
    RequestEntityTooLargeException,
    RequestHeaderFieldsTooLargeException,
    ServiceError,
)
from emulator.limits import Limits
from emulator.responses import Response, service_error

#: Header lines one request may carry (431 above).
MAX_HEADER_LINES = 100
#: What a client is told before it sends a body it announced with `Expect: 100-continue`.
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"

_REQUEST_LINE = re.compile(r"([A-Z][A-Z0-9_-]{0,31}) ([\x21-\x7e]+) (HTTP/[0-9]\.[0-9])")
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_BARE_LF_OR_CR = re.compile(rb"(?<!\r)\n|\r(?=[^\n])")
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(?::([0-9]{0,5}))?")
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class RequestHead:
    """A request line and headers that passed every check."""

    method: str
    target: str
    """The request target as received (percent-encoding and query string included)."""
    headers: HTTPMessage
    content_length: int
    keep_alive: bool
    """Whether the connection stays open after the answer: HTTP/1.1 without `close`."""
    expects_continue: bool


class RequestReader:
    """The bytes that arrived on one connection, cut into whole requests at their framing."""

    def __init__(self, limits: Limits) -> None:
        self.buffer = bytearray()
        self.head: RequestHead | None = None
        """The head of the request under way, once it is read whole."""
        self._limits = limits
        self._continue_due = False

    def next_request(self) -> tuple[RequestHead, bytes] | None:
        """The next whole request (head and body), or None while it is still arriving.
        Raises a ServiceError as soon as the request can only be refused."""
        if self.head is None:
            size = find_head(self.buffer, self._limits)
            if size is None:
                return None
            self.head = parse_head(bytes(self.buffer[:size]), self._limits)
            del self.buffer[:size]
            self._continue_due = self.head.expects_continue and self.head.content_length > 0
        length = self.head.content_length
        if len(self.buffer) < length:
            return None
        request = self.head, bytes(self.buffer[:length])
        del self.buffer[:length]
        self.head = None
        return request

    def continue_due(self) -> bool:
        """Whether to send `CONTINUE` now (True once per request that asked for it)."""
        due, self._continue_due = self._continue_due, False
        return due


def find_head(buffer: bytearray, limits: Limits) -> int | None:
    """The length of the complete head at the start of `buffer` (CRLF CRLF included), or
    None while it is incomplete. Empty lines before a request line are dropped from `buffer`.
    Raises a ServiceError when the head can only be refused."""
    while buffer.startswith(b"\r\n"):
        del buffer[:2]
    end = buffer.find(b"\r\n\r\n", 0, limits.max_head_bytes + 4)
    scanned = buffer[: end if end >= 0 else limits.max_head_bytes]
    if _BARE_LF_OR_CR.search(scanned):
        raise BadRequestException("Bare LF or CR in the request head: lines must end with CRLF")
    if end < 0:
        if len(buffer) > limits.max_head_bytes:
            raise _head_too_large(limits)
        return None
    if end > limits.max_head_bytes:
        raise _head_too_large(limits)
    return end + 4


def parse_head(head: bytes, limits: Limits) -> RequestHead:
    """Check and read a complete head (as measured by `find_head`), or raise a ServiceError."""
    request_line, *lines = head[:-4].split(b"\r\n")
    line = request_line.decode("latin-1")
    match = _REQUEST_LINE.fullmatch(line)
    if match is None:
        raise BadRequestException(
            f"Malformed request line {_shown(line)}: expected 'METHOD /path HTTP/1.1'"
        )
    method, target, version = match.groups()
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        raise BadRequestException(
            f"Unsupported HTTP version {_shown(version)}: only HTTP/1.0 and HTTP/1.1 are served"
        )
    if len(lines) > MAX_HEADER_LINES:
        raise RequestHeaderFieldsTooLargeException(f"More than {MAX_HEADER_LINES} header lines")
    headers = HTTPMessage()
    for raw in lines:
        name, value = _header(raw)
        headers[name] = value
    _check_host(headers)
    tokens = {
        token.strip().lower()
        for value in headers.get_all("Connection", [])
        for token in value.split(",")
    }
    return RequestHead(
        method=method,
        target=target,
        headers=headers,
        content_length=_content_length(headers, limits),
        keep_alive=version == "HTTP/1.1" and "close" not in tokens,
        expects_continue=version == "HTTP/1.1"
        and headers.get("Expect", "").lower() == "100-continue",
    )


def render(response: Response, *, head_only: bool, close: bool) -> bytes:
    """The bytes of `response`; Date and Content-Length added, `Connection: close` if `close`."""
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"HTTP/1.1 {response.status} {reason}", f"Date: {formatdate(usegmt=True)}"]
    lines += [f"{name}: {value}" for name, value in response.headers]
    lines.append(f"Content-Length: {len(response.body)}")
    if close:
        lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + response.body


def error_page(error: ServiceError, *, head_only: bool = False) -> bytes:
    """A service error in the wire format, as the last answer on its connection."""
    return render(service_error(error), head_only=head_only, close=True)


def _header(raw: bytes) -> tuple[str, str]:
    shown = _shown(raw.decode("latin-1"))
    if raw[:1] in (b" ", b"\t"):
        raise BadRequestException(f"Obsolete line folding in the header line {shown}")
    name, colon, value = raw.partition(b":")
    if not colon or _TOKEN.fullmatch(name) is None:
        raise BadRequestException(f"Malformed header line {shown}: expected 'Name: value'")
    value = value.strip(b" \t")
    if _CONTROL.search(value):
        raise BadRequestException(f"A control character in the value of header {shown}")
    return name.decode("ascii"), value.decode("latin-1")


def _check_host(headers: HTTPMessage) -> None:
    hosts = headers.get_all("Host", [])
    if len(hosts) > 1:
        raise BadRequestException("More than one Host header: the request's host is ambiguous")
    if not hosts or not hosts[0]:
        raise BadRequestException(
            "Missing Host header: every request must name its host (SigV4 signs it)"
        )
    match = _HOST.fullmatch(hosts[0])
    valid = match is not None and (not match[2] or int(match[2]) <= 65535)
    if valid and match is not None and match[1].startswith("["):
        try:
            ipaddress.IPv6Address(match[1][1:-1])
        except ValueError:
            valid = False
    if not valid:
        raise BadRequestException(
            f"Malformed Host header {_shown(hosts[0])}: expected host[:port], the port "
            "up to 65535, an IPv6 address in brackets"
        )


def _content_length(headers: HTTPMessage, limits: Limits) -> int:
    lengths = headers.get_all("Content-Length", [])
    if "Transfer-Encoding" in headers:
        if lengths:
            raise BadRequestException(
                "Both Content-Length and Transfer-Encoding: the body's framing is ambiguous"
            )
        raise LengthRequiredException(
            "Transfer-Encoding bodies are not read: send the body with a Content-Length"
        )
    if not lengths:
        return 0
    if len(lengths) > 1:
        raise BadRequestException("More than one Content-Length header: the body is ambiguous")
    value = lengths[0]
    if _DIGITS.fullmatch(value) is None:
        raise BadRequestException(
            f"Content-Length {_shown(value)} is not a decimal number of bytes"
        )
    if len(value) > 18:
        raise RequestEntityTooLargeException(
            f"Content-Length of {len(value)} digits is over the limit of "
            f"{limits.max_body_bytes} bytes"
        )
    if int(value) > limits.max_body_bytes:
        raise RequestEntityTooLargeException(
            f"Content-Length {int(value)} is over the limit of {limits.max_body_bytes} bytes"
        )
    return int(value)


def _head_too_large(limits: Limits) -> RequestHeaderFieldsTooLargeException:
    return RequestHeaderFieldsTooLargeException(
        f"The request line and headers are over the limit of {limits.max_head_bytes} bytes"
    )


def _shown(text: str, width: int = 60) -> str:
    """Client text as a quoted, escaped, length-bounded literal, safe in a message or a log."""
    return repr(text[:width]) + ("..." if len(text) > width else "")
