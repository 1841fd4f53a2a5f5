"""Client options, checked when a client is built: a wrong option fails there, naming itself, and not
at send time after other batches went out (or, for a base URL that cannot be reached, as "unknown")."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping
from typing import Any, Literal

import httpx

LOCALES = ("en-US", "zh-CN")


def _fail(name: str, expected: str, value: Any) -> ValueError:
    return ValueError(f"{name} must be {expected}, not {value!r}")


def check_int(name: str, value: Any, minimum: int) -> int:
    if type(value) is not int or value < minimum:
        raise _fail(name, f"an int >= {minimum}", value)
    return value


def check_number(name: str, value: Any, *, positive: bool) -> float:
    """A finite real number, > 0 when `positive`, else >= 0 (bools are refused: `True` is no timeout)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(name, "a finite number", value)
    if (positive and value <= 0) or value < 0:
        raise _fail(name, "> 0" if positive else ">= 0", value)
    return float(value)


def check_bool(name: str, value: Any) -> bool:
    if type(value) is not bool:
        raise _fail(name, "True or False", value)
    return value


def check_base_url(value: Any) -> str:
    """An absolute http(s) URL with a host, without query, fragment or credentials; trailing '/' dropped."""
    if not isinstance(value, str):
        raise _fail("base_url", "a string", value)
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        raise _fail("base_url", "an http(s) URL such as https://api.bitget.com", value) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise _fail("base_url", "an http(s) URL with a host, such as https://api.bitget.com", value)
    if url.query or url.fragment or url.userinfo:
        raise _fail("base_url", "a URL without query, fragment or user info", value)
    return value.rstrip("/")


def check_proxy(value: Any) -> str | None:
    """None, or a forward proxy's http(s) URL with a host (user info allowed: sent as Proxy-Authorization).
    The error never quotes the value: it may hold the proxy's password."""
    if value is None:
        return None
    if isinstance(value, httpx.URL):
        value = str(value)
    expected = "proxy must be an http(s) URL with a host, such as http://proxy.internal:3128"
    if not isinstance(value, str):
        raise ValueError(f"{expected}, not a {type(value).__name__}")
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        raise ValueError(expected) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(expected)
    return value


def check_http_backend(value: Any) -> Literal["httpx", "pyreqwest"]:
    """ "httpx", or "pyreqwest" if the `fast` extra is installed (checked here, not at the first request)."""
    if value == "httpx":
        return "httpx"
    if value != "pyreqwest":
        raise _fail("http_backend", '"httpx" or "pyreqwest"', value)
    try:
        import pyreqwest.compatibility.httpx  # noqa: F401
    except ImportError:
        raise ValueError(
            "http_backend='pyreqwest' needs the fast extra: pip install 'bitget-batch-cancel[fast]'"
        ) from None
    return "pyreqwest"


def check_locale(value: Any) -> Literal["en-US", "zh-CN"] | None:
    if value is None:
        return None
    if value == "en-US" or value == "zh-CN":
        return "en-US" if value == "en-US" else "zh-CN"
    raise _fail("locale", " or ".join(repr(x) for x in LOCALES), value)


def check_httpx_args(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail("httpx_args", "a dict of httpx.Client arguments", value)
    for reserved in ("auth", "base_url", "timeout", "follow_redirects"):
        if reserved in value:
            raise ValueError(f"httpx_args must not set {reserved!r}: the client sets it (use the client's own option)")
    return dict(value)


def check_uid(value: Any) -> str | None:
    """A Bitget UID (digits, as Bitget shows it): the budget key of every API key of that account."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 32:
        raise _fail("uid", "a Bitget UID (a string of up to 32 digits)", value)
    return value


# Set by the signer or by httpx from the body: a caller's value would break the signature or the framing.
RESERVED_HEADERS = frozenset(
    {
        "access-key",
        "access-sign",
        "access-timestamp",
        "access-passphrase",
        "content-length",
        "host",
        "transfer-encoding",
    }
)
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def check_headers(name: str, value: Any) -> dict[str, str]:
    """Extra request headers (`default_headers`, `extra_headers`): str names (HTTP tokens) to str values
    without line breaks, none of the signer's ACCESS-* headers nor the framing ones."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _fail(name, "a mapping of header names to values", value)
    out: dict[str, str] = {}
    for key, text in value.items():
        if not isinstance(key, str) or not _TOKEN.match(key):
            raise _fail(f"{name} key", "a header name (an HTTP token)", key)
        if key.lower() in RESERVED_HEADERS:
            raise ValueError(f"{name}[{key!r}]: set by the client (signing or framing), it cannot be overridden")
        if not isinstance(text, str) or any(c in text for c in "\r\n\0") or not text.isascii():
            raise ValueError(f"{name}[{key!r}] must be an ASCII string without line breaks")
        out[key] = text
    return out


def user_agent(version: str) -> str:
    """`bitget-batch-cancel/<version> python/<x.y> httpx/<x.y>`: who is calling, for the exchange's logs."""
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    hx = ".".join(httpx.__version__.split(".")[:2])
    return f"bitget-batch-cancel/{version} python/{py} httpx/{hx}"
