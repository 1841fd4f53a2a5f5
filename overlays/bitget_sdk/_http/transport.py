"""Bounded answers: a whole attempt ends by its deadline, and no answer is read past a size cap.

httpx's timeouts are per operation: a server that sends one byte every 0.4 s never trips a 1 s read
timeout, and can hold a request for as long as it likes. The async client bounds an attempt with
`asyncio.timeout`, which cancels the read wherever it is. Threads cannot be cancelled, so the sync
client sends through `DeadlineTransport`: httpx's own pool (httpcore's, as `httpx.HTTPTransport` makes
it) on httpcore's sync network backend, wrapped so that every connect, read and write is clamped to the
time left before the attempt's deadline (`network_backend` is httpcore's documented extension point).
The deadline travels in a context variable, set around one attempt in the thread that makes it.

Answers are read in chunks and abandoned past `max_bytes`: a 50-order answer is a few KB, and an
answer that is not one is not worth holding in memory.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import os
import ssl
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

_DEADLINE: ContextVar[float | None] = ContextVar("bitget_sdk_attempt_deadline", default=None)
_MIN_TIMEOUT_S = 0.001


@contextlib.contextmanager
def deadline_scope(deadline: float) -> Iterator[None]:
    """Every network operation of `DeadlineTransport` in this block ends by `deadline` (time.monotonic)."""
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def current_deadline() -> float | None:
    """The deadline `deadline_scope` set for this attempt (None outside one)."""
    return _DEADLINE.get()


def _clamp(timeout: float | None) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = max(deadline - time.monotonic(), _MIN_TIMEOUT_S)
    return left if timeout is None else min(timeout, left)


class _ClampedStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        return _ClampedStream(self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _ClampedBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _ClampedStream(self._inner.connect_tcp(host, port, _clamp(timeout), local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _ClampedStream(self._inner.connect_unix_socket(path, _clamp(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


# httpcore's exceptions as httpx raises them (most specific first), so callers see only httpx's.
_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for core, mapped in _EXCEPTIONS:
            if isinstance(exc, core):
                raise mapped(str(exc)) from exc
        raise


# httpx's own defaults for a client's pool.
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)


def core_request(request: httpx.Request) -> httpcore.Request:
    """httpx's request as httpcore's pool takes it (what httpx's own transports do)."""
    return httpcore.Request(
        method=request.method,
        url=httpcore.URL(
            scheme=request.url.raw_scheme,
            host=request.url.raw_host,
            port=request.url.port,
            target=request.url.raw_path,
        ),
        headers=request.headers.raw,
        content=request.stream,
        extensions=request.extensions,
    )


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with as_httpx_errors():
            yield from self._stream

    def close(self) -> None:
        with as_httpx_errors():
            self._stream.close()


def default_ssl_context(trust_env: bool = True) -> ssl.SSLContext:
    """httpx's default TLS context (system CA bundle; `SSL_CERT_FILE` / `SSL_CERT_DIR` when `trust_env`),
    made once per process and settings rather than once per client.

    Loading the CA bundle costs ~25 ms of CPU. A firm cancelling on 20 sub-accounts builds 20 clients
    at the start of an incident: 0.5 s before the first request, per process. The context is only
    read after it is made (httpx's own advice is to share one), and a change of the two variables
    makes a new one.
    """
    env = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")) if trust_env else (None, None)
    return _ssl_context(trust_env, *env)


@functools.lru_cache(maxsize=8)
def _ssl_context(trust_env: bool, _cert_file: str | None, _cert_dir: str | None) -> ssl.SSLContext:
    return httpx.create_ssl_context(trust_env=trust_env)


def context_for(base_url: str) -> ssl.SSLContext | None:
    """For a plain-http base URL (a local mock, a gateway on the host): a TLS context that trusts no
    certificate at all, so that no CA bundle is loaded for a client that never makes a TLS connection
    (it follows no redirects); if one were ever made, it would fail closed, not open. None for https
    (the shared default serves)."""
    if base_url.startswith("http://"):
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verify_mode CERT_REQUIRED, no CA loaded
    return None


def tls_context(httpx_args: dict[str, Any]) -> ssl.SSLContext | None:
    """The TLS context that `verify=` / `cert=` in a client's `httpx_args` ask for; None without them
    (the shared default then serves)."""
    if "verify" not in httpx_args and "cert" not in httpx_args:
        return None
    return httpx.create_ssl_context(
        verify=httpx_args.get("verify", True),
        cert=httpx_args.get("cert"),
        trust_env=httpx_args.get("trust_env", True),
    )


def proxy_for(url: str, proxy: str | None, trust_env: bool) -> httpx.URL | None:
    """The forward proxy a request to `url` goes through, as httpx would choose it: `proxy` if given,
    else (with `trust_env`) the environment's `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` for the URL's
    scheme, unless `NO_PROXY` names its host (the standard library's reading of these variables, both
    cases). httpx itself stops reading them once a transport is given, and the clients give one."""
    if proxy is not None:
        return httpx.URL(proxy)
    if not trust_env:
        return None
    target = httpx.URL(url)
    found = urllib.request.getproxies_environment()
    chosen = found.get(target.scheme) or found.get("all")
    if not chosen or _bypassed(target, found.get("no", "")):
        return None
    # Never quote the value: it may hold the proxy's password.
    where = f"the {target.scheme.upper()}_PROXY / ALL_PROXY environment variable"
    try:
        found_url = httpx.URL(chosen if "://" in chosen else f"http://{chosen}")
    except httpx.InvalidURL:
        raise ValueError(f"{where} is not a valid proxy URL") from None
    if found_url.scheme not in ("http", "https") or not found_url.host:
        raise ValueError(f"{where} must be an http(s) proxy URL (SOCKS proxies are not supported)")
    return found_url


def _bypassed(target: httpx.URL, no_proxy: str) -> bool:
    """`NO_PROXY` as curl and httpx read it: `*`, or hosts (`host`, `host:port`, `.domain` or `domain`
    for the domain and its subdomains), comma-separated, case-insensitive."""
    host, port = target.host.lower(), target.port or (443 if target.scheme == "https" else 80)
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if entry == "*":
            return True
        if entry.startswith("["):  # [IPv6] or [IPv6]:port
            name, _, rest = entry[1:].partition("]")
            entry_port = rest.removeprefix(":")
        else:
            name, _, entry_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and entry_port != str(port):
            continue
        name = name.strip("[]").lstrip(".")
        if name and (host == name or host.endswith("." + name)):
            return True
    return False


def proxy_headers(proxy: httpx.URL) -> list[tuple[bytes, bytes]]:
    """`Proxy-Authorization` from the proxy URL's user info, as httpx sends it."""
    if not proxy.userinfo:
        return []
    return [(b"Proxy-Authorization", b"Basic " + base64.b64encode(urllib.parse.unquote_to_bytes(proxy.userinfo)))]


def core_pool_options(
    context: ssl.SSLContext, limits: httpx.Limits, http1: bool, http2: bool, backend: Any
) -> dict[str, Any]:
    """httpcore's pool arguments (plain or proxy, sync or async) from httpx's `limits` and versions."""
    return {
        "ssl_context": context,
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
        "http1": http1,
        "http2": http2,
        "network_backend": backend,
    }


def proxy_options(proxy: httpx.URL) -> dict[str, Any]:
    """httpcore's proxy pool arguments: the proxy's URL, its user info as `Proxy-Authorization`."""
    return {"proxy_url": core_proxy_url(proxy), "proxy_headers": proxy_headers(proxy)}


def core_proxy_url(proxy: httpx.URL) -> httpcore.URL:
    """The proxy's URL for httpcore, without its user info (sent as a header instead)."""
    return httpcore.URL(scheme=proxy.raw_scheme, host=proxy.raw_host, port=proxy.port, target=b"/")


class DeadlineTransport(httpx.BaseTransport):
    """The sync client's default transport (httpx's default limits and TLS), bounded by `deadline_scope`.

    `ssl_context`: what `verify=` / `cert=` in the client's `httpx_args` ask for (`tls_context`) or
    what `context_for` gives; None: the shared default (`default_ssl_context`), taken on first use.
    `proxy`: a forward proxy (`proxy_for`): httpcore's proxy pool, plain forwarding for http:// and a
    CONNECT tunnel for https://, on the same deadline-clamped network backend."""

    def __init__(
        self,
        limits: httpx.Limits | None = None,
        ssl_context: ssl.SSLContext | None = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        proxy: httpx.URL | None = None,
    ) -> None:
        self._limits = limits or DEFAULT_LIMITS
        self._ssl_context = ssl_context
        self._trust_env = trust_env
        self._http1, self._http2 = http1, http2
        self._proxy = proxy
        self._pool: httpcore.ConnectionPool | None = None
        self._lock = threading.Lock()

    def _get_pool(self) -> httpcore.ConnectionPool:
        """Made on first use (the TLS context is then taken): httpcore's pool, or its proxy pool."""
        with self._lock:
            if self._pool is None:
                context = self._ssl_context or default_ssl_context(self._trust_env)
                options = core_pool_options(context, self._limits, self._http1, self._http2, _ClampedBackend())
                self._pool = (
                    httpcore.HTTPProxy(**proxy_options(self._proxy), **options)
                    if self._proxy is not None
                    else httpcore.ConnectionPool(**options)
                )
            return self._pool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        pool = self._pool or self._get_pool()
        with as_httpx_errors():
            response = pool.handle_request(core_request(request))
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


class AnswerTooLarge(Exception):
    """The answer was abandoned at the size cap (it is then uncertain, like a lost one)."""


def _declared_too_large(response: httpx.Response, max_bytes: int) -> bool:
    declared = response.headers.get("content-length", "")
    return declared.isdigit() and int(declared) > max_bytes


def read_capped(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    """The (decoded) body, or AnswerTooLarge; httpx.ReadTimeout once the deadline has passed."""
    if _declared_too_large(response, max_bytes):
        raise AnswerTooLarge
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise AnswerTooLarge
        if time.monotonic() > deadline:  # a transport without clamped reads (a user's own)
            raise httpx.ReadTimeout("the attempt's deadline passed while the answer was being read")
    return bytes(body)


async def aread_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The (decoded) body, or AnswerTooLarge; the caller bounds the time with asyncio.timeout."""
    if _declared_too_large(response, max_bytes):
        raise AnswerTooLarge
    body = bytearray()
    chunks: AsyncIterator[bytes] = response.aiter_bytes()
    async for chunk in chunks:
        body += chunk
        if len(body) > max_bytes:
            raise AnswerTooLarge
    return bytes(body)
