"""The `fast` extra: pyreqwest (Rust's reqwest and hyper) under httpx, `http_backend="pyreqwest"`.

For a process where CPU per request counts (many sub-accounts cancelling at once). `nox -s bench`
measures it beside httpx's own transports and httpx-aiohttp (section 1c); it won there for both
clients, so it is the one offered. What an httpx user expects is kept: the proxy `proxy_for` chose
(environment variables and `NO_PROXY` included, or none), `SSL_CERT_FILE`, pool limits, HTTP/2.
`verify=` / `cert=` take a Python TLS context, which reqwest cannot use: refused here, by name.

Clients that leave the pool settings alone share one reqwest client per proxy and CA file (per
process, sync and async apart), as reqwest advises and as the httpx clients share one TLS context:
building one loads the root store, ~10 ms of CPU, 0.2 s for 20 sub-accounts opened in an incident.
Such a shared pool has no connection cap of its own (each SDK client caps itself: `max_concurrency`).

An attempt's deadline is reqwest's own whole-request timeout: the time left is given to it as the
request's `timeout` (pyreqwest's httpx layer adds the phases up), so a dripping answer is cut in the
sync client as in the async one. pyreqwest 0.15 reports that timeout as a *connect* timeout even when
the request was written and its answer never came (seen in tests/test_transports.py), which would
make a cancel that may have taken effect look unsent: every timeout from it is therefore taken as a
read timeout (possibly sent). It also reports a connection closed after the request was written as a
connect error; only a connect error whose causes say the connection was never made ("client error
(Connect)": refused, unreachable, TLS) stays one, anything else is taken as possibly sent.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx

from .._limits.window import WRITE_UNHEARD
from .transport import DEFAULT_LIMITS, current_deadline

_SHARED: dict[tuple[str, str | None, str | None], Any] = {}
_SHARED_LOCK = threading.Lock()


def _client(kind: str, make_builder: Any, proxy: httpx.URL | None, extra: dict[str, Any]) -> tuple[Any, bool]:
    """The reqwest client for these settings, and whether it is this SDK client's own (to close)."""
    for name in ("verify", "cert"):
        if name in extra:
            raise ValueError(
                f"httpx_args {name}= takes a Python TLS context, which http_backend='pyreqwest' cannot use "
                "(give the CA bundle as SSL_CERT_FILE, or use http_backend='httpx')"
            )
    if {"limits", "http2", "http1"} & extra.keys():
        return _configured(make_builder(), proxy, extra), True
    cafile = os.environ.get("SSL_CERT_FILE") if extra.get("trust_env", True) else None
    key = (kind, None if proxy is None else str(proxy), cafile)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = _configured(make_builder(), proxy, extra, capped=False)
        return _SHARED[key], False


def _configured(builder: Any, proxy: httpx.URL | None, extra: dict[str, Any], capped: bool = True) -> Any:
    from pyreqwest.proxy import ProxyBuilder

    if proxy is None:
        builder = builder.no_proxy()  # `proxy_for` has read the environment already
    else:
        chosen = ProxyBuilder.all(str(proxy.copy_with(username=None, password=None)))
        if proxy.username:  # httpx.URL gives them decoded already
            chosen = chosen.basic_auth(proxy.username, proxy.password or "")
        builder = builder.proxy(chosen)
    limits: httpx.Limits = extra.get("limits") or DEFAULT_LIMITS
    builder = builder.max_connections(limits.max_connections if capped else None)
    if limits.max_keepalive_connections is not None:
        builder = builder.pool_max_idle_per_host(limits.max_keepalive_connections)
    expiry = limits.keepalive_expiry
    builder = builder.pool_idle_timeout(None if expiry is None else timedelta(seconds=expiry))
    if extra.get("http2"):
        builder = builder.http2(True)
    cafile = os.environ.get("SSL_CERT_FILE") if extra.get("trust_env", True) else None
    if cafile:
        with open(cafile, "rb") as f:
            builder = builder.add_root_certificate_pem(f.read())
    return builder.follow_redirects(False).build()


def _bounded(request: httpx.Request) -> None:
    """The request's `timeout` as reqwest's whole-request timeout: what is left of the attempt."""
    deadline = current_deadline()
    timeouts = request.extensions.get("timeout") or {}
    total = timeouts.get("read") or timeouts.get("connect")
    if deadline is not None:
        left = max(deadline - time.monotonic(), 0.001)
        total = left if total is None else min(total, left)
    if total is not None:
        request.extensions["timeout"] = {"connect": total, "read": None, "write": None, "pool": None}


def _possibly_sent(exc: httpx.TransportError, request: httpx.Request) -> httpx.TransportError:
    """`exc` as what it can mean for a request that may have been written (see the module's docstring)."""
    if isinstance(exc, httpx.TimeoutException):
        return httpx.ReadTimeout(f"no complete answer in time ({type(exc).__name__} from reqwest)", request=request)
    return httpx.RemoteProtocolError(f"the connection ended without an answer ({exc})", request=request)


def _never_connected(exc: httpx.ConnectError) -> bool:
    """pyreqwest's error chain says the connection was not made (so the request was not written)."""
    details = getattr(exc.__cause__, "details", None)
    causes = details.get("causes", []) if isinstance(details, dict) else []
    return any(isinstance(c, dict) and c.get("message") == "client error (Connect)" for c in causes)


@contextlib.contextmanager
def _what_was_sent(request: httpx.Request) -> Iterator[None]:
    """Around one request of either transport: its time bound, and its errors as what they can mean."""
    _bounded(request)
    try:
        yield
    except httpx.TimeoutException as exc:
        raise _possibly_sent(exc, request) from exc
    except httpx.ConnectError as exc:
        if _never_connected(exc):
            raise
        raise _possibly_sent(exc, request) from exc


# The answer's head is in (the body streams after): told to the rate limit as httpcore tells it, so that a
# permit is reused a window after the head rather than after the body was read. reqwest says nothing of
# when the request was written: it says so (`WRITE_UNHEARD`), rather than make a write event up.
_HEAD_IN = "http11.receive_response_headers.complete"


def sync_transport(proxy: httpx.URL | None, extra: dict[str, Any]) -> httpx.BaseTransport:
    from pyreqwest.client import SyncClientBuilder
    from pyreqwest.compatibility.httpx import SyncHttpxTransport

    class Transport(SyncHttpxTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            trace = request.extensions.get("trace")
            if trace is not None:
                trace(WRITE_UNHEARD, {})
            with _what_was_sent(request):
                response = super().handle_request(request)
            if trace is not None:
                trace(_HEAD_IN, {})
            return response

    client, own = _client("sync", SyncClientBuilder, proxy, extra)
    return Transport(client, close_client=own)


def async_transport(proxy: httpx.URL | None, extra: dict[str, Any]) -> httpx.AsyncBaseTransport:
    from pyreqwest.client import ClientBuilder
    from pyreqwest.compatibility.httpx import HttpxTransport

    class Transport(HttpxTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            trace = request.extensions.get("trace")
            if trace is not None:
                await trace(WRITE_UNHEARD, {})
            with _what_was_sent(request):
                response = await super().handle_async_request(request)
            if trace is not None:
                await trace(_HEAD_IN, {})
            return response

    client, own = _client("async", ClientBuilder, proxy, extra)
    return Transport(client, close_client=own)
