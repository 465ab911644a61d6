"""What AWS names may be: an identity pool id, a region (and where Cognito Sync is), an endpoint
URL, an SSM parameter name. Pure rules: each returns why a value breaks it, or None."""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from .text import shown

COGNITO_SYNC_REGIONS = frozenset(
    {
        "us-east-1",
        "us-east-2",
        "us-west-2",
        "ap-south-1",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "eu-central-1",
        "eu-west-1",
        "eu-west-2",
    }
)
"""The regions where `cognito-sync.<region>.amazonaws.com` exists."""
IDENTITY_POOL_ID_MAX_LENGTH = 55
IDENTITY_POOL_ID_PATTERN = re.compile(r"[\w-]+:[0-9a-f-]+", re.ASCII)
"""Must match the whole id (the service model's pattern; botocore checks only the length)."""
REGION_PATTERN = re.compile(r"[a-z]{2,8}(-[a-z]+)+-[0-9]+", re.ASCII)
"""us-east-1, us-gov-west-1, eusc-de-east-1...: lowercase ASCII words and a number."""
REGION_MAX_LENGTH = 63
"""botocore's limit: a region is one DNS label."""
HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)", re.ASCII)
PORT_PATTERN = re.compile(r"[0-9]{1,5}", re.ASCII)
URL_FIRST_CHAR, URL_LAST_CHAR = "!", "~"
"""Printable ASCII without space: anything else in a URL is a typo or an injection."""
SSM_NAME_PATTERN = re.compile(r"[A-Za-z0-9_.\-/]+")
SSM_NAME_MAX_LENGTH = 1011


def region_of_pool(identity_pool_id: str) -> str:
    """The region an identity pool id names before its `:`."""
    return identity_pool_id.split(":", 1)[0]


def pool_id_problem(value: Any) -> str | None:
    """Why `value` is not an identity pool id such as `us-east-1:0f5b...`, or None."""
    if not isinstance(value, str):
        return (
            f"must be a string, an identity pool id such as us-east-1:0f5b... (got {shown(value)})"
        )
    if not value:
        return "must not be empty: an identity pool id such as us-east-1:0f5b6a1e-...-1a2b3c4d5e6f"
    if len(value) > IDENTITY_POOL_ID_MAX_LENGTH:
        return f"must be at most {IDENTITY_POOL_ID_MAX_LENGTH} characters (got {len(value)})"
    if not IDENTITY_POOL_ID_PATTERN.fullmatch(value):
        return (
            f"{shown(value)} must match [\\w-]+:[0-9a-f-]+ (region, ':', then a lowercase "
            "hexadecimal GUID)"
        )
    return None


def region_name_problem(region: str) -> str | None:
    """Why `region` is not an AWS region name (lowercase ASCII, e.g. eu-west-1), or None."""
    if len(region) <= REGION_MAX_LENGTH and REGION_PATTERN.fullmatch(region):
        return None
    return f"{shown(region)} is not an AWS region name such as us-east-1"


def region_problem(region: str, identity_pool_id: str, overridden: bool) -> str | None:
    """The region rule: why calling Cognito Sync in `region` for this pool cannot work, or None.

    A region name always (botocore signs for it, even with an endpoint override); without an
    override, one where Cognito Sync exists, and the pool's own region when its id names one.
    """
    if (problem := region_name_problem(region)) is not None:
        return problem
    if overridden:
        return None
    if region not in COGNITO_SYNC_REGIONS:
        return (
            f"Cognito Sync has no endpoint in {region!r}; it exists in "
            f"{', '.join(sorted(COGNITO_SYNC_REGIONS))} (or set AWS_ENDPOINT_URL_COGNITO_SYNC)"
        )
    home = region_of_pool(identity_pool_id)
    if home in COGNITO_SYNC_REGIONS and home != region:
        return f"the pool lives in {home} (its id starts with it) but the gate would call {region}"
    return None


def url_problem(value: Any) -> str | None:
    """Why `value` is not an endpoint botocore can use as given, or None.

    Accepted: `http(s)://host[:port][/]` in printable ASCII, where host is a DNS name, an
    IPv4 address or an IPv6 address in brackets and port is 1..65535. Refused, besides: any
    user or password (the message never quotes such a URL), a path, a query, a fragment.
    """
    expected = "must be an http:// or https:// URL such as http://127.0.0.1:4599"
    if not isinstance(value, str):
        return f"{expected} (got {shown(value)})"
    if "@" in value:
        return (
            "must not contain credentials (user:password@ or anything with @): AWS "
            "credentials come from the standard chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO...)"
        )
    if not all(URL_FIRST_CHAR <= ch <= URL_LAST_CHAR for ch in value):
        return f"must be printable ASCII with no spaces or control characters (got {shown(value)})"
    try:
        parts = urlsplit(value)
    except ValueError:
        return f"is not a valid URL (got {shown(value)})"
    if parts.scheme not in ("http", "https") or not value.lower().startswith(parts.scheme + "://"):
        return f"{expected} (got {shown(value)})"
    if parts.path not in ("", "/") or parts.query or parts.fragment or "?" in value or "#" in value:
        return (
            "must be just scheme://host[:port], with no path, query or fragment "
            f"(got {shown(value)})"
        )
    return _netloc_problem(parts.netloc)


def _netloc_problem(netloc: str) -> str | None:
    host, port = netloc, None
    if netloc.startswith("["):
        end = netloc.find("]")
        if end < 0 or (netloc[end + 1 :] and not netloc[end + 1 :].startswith(":")):
            return f"is not a valid URL (got {shown(netloc)})"
        host, rest = netloc[: end + 1], netloc[end + 1 :]
        port = rest[1:] if rest else None
    elif ":" in netloc:
        host, port = netloc.rsplit(":", 1)
    if port is not None and not (PORT_PATTERN.fullmatch(port) and 1 <= int(port) <= 65535):
        return f"must have a port from 1 to 65535 (got {shown(port)})"
    if not _is_host(host):
        return (
            "must name a host: a DNS name, an IPv4 address or an IPv6 address in brackets "
            f"(got {shown(host)})"
        )
    return None


def _is_host(host: str) -> bool:
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return "%" not in host
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    if not name or len(name) > 253 or not all(HOST_LABEL.fullmatch(label) for label in labels):
        return False
    if all(label.isdigit() for label in labels):
        try:
            ipaddress.IPv4Address(name)
        except ValueError:
            return False
    return True


def parameter_name_problem(name: str) -> str | None:
    """Why `name` is not a valid SSM parameter name, or None."""
    if not SSM_NAME_PATTERN.fullmatch(name):
        return f"{name!r} may hold only letters, digits and _.-/ (SSM parameter names)"
    if len(name) > SSM_NAME_MAX_LENGTH:
        return f"must be at most {SSM_NAME_MAX_LENGTH} characters (got {len(name)})"
    if "/" in name and not name.startswith("/"):
        return f"{name!r} must start with / when it has a path"
    if name.lstrip("/").lower().startswith(("aws", "ssm")):
        return f"{name!r} must not start with aws or ssm (reserved by SSM)"
    if name.count("/") > 15:
        return f"{name!r} has more than 15 levels of hierarchy"
    return None
