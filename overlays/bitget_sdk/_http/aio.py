"""The async client's transport: HTTP/1.1 on `_http11`'s pool; HTTP/2 on httpcore's, on asyncio streams.

HTTP/1.1 (Bitget's API, and every client unless `http2=True`): see `_http11` for why the exchange is
driven through h11 by this project rather than by httpcore's pool.

HTTP/2 keeps httpx's own pool (httpcore). httpcore runs its async pool on anyio, which is general
(asyncio and trio) and pays for it on every request: a cancel scope around each read and write, a
checkpoint before each write, and a fresh dict of socket attributes (with a `getpeername` call) for
every idle connection the pool checks before it picks one. httpcore takes a network backend as a
documented extension point, so this module gives it one written directly on asyncio streams: the
same pool, HTTP/2 state machine, limits, keep-alive and TLS; only the socket layer is different.
Timeouts map to httpcore's exceptions as its own backends do (a connect that times out is a
`ConnectTimeout`: nothing was sent).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import httpcore
import httpx

from .http11 import AsyncHTTP11Pool, readable
from .transport import DEFAULT_LIMITS, as_httpx_errors, core_pool_options, core_request, proxy_options


@contextlib.contextmanager
def _mapped(timeout_error: type[Exception], other_error: type[Exception]) -> Iterator[None]:
    try:
        yield
    except TimeoutError as exc:
        raise timeout_error(str(exc) or "timed out") from exc
    except OSError as exc:  # ConnectionError, ssl.SSLError, socket.gaierror ...
        raise other_error(str(exc) or type(exc).__name__) from exc


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection: an asyncio StreamReader/StreamWriter pair."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _mapped(httpcore.ReadTimeout, httpcore.ReadError):
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        with _mapped(httpcore.WriteTimeout, httpcore.WriteError):
            if self._writer.is_closing():
                raise httpcore.WriteError("the connection is closed")
            self._writer.write(buffer)
            async with asyncio.timeout(timeout):
                await self._writer.drain()

    async def aclose(self) -> None:
        # Not waiting for the close to complete: a TLS peer that never answers the close_notify would
        # hold the caller (httpcore closes connections shielded from cancellation).
        self._writer.close()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        try:
            with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
                async with asyncio.timeout(timeout):
                    await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except BaseException:
            self._writer.close()
            raise
        return self

    def get_extra_info(self, info: str) -> Any:
        writer = self._writer
        if info == "is_readable":
            # The pool asks this of every idle connection before it reuses one: readable means the
            # server closed it or sent something unasked, and the connection is dropped. What the
            # loop already read tells that without a system call.
            if self._reader.at_eof() or writer.is_closing():
                return True
            sock = writer.get_extra_info("socket")
            return sock is None or readable(sock)
        if info == "ssl_object":
            return writer.get_extra_info("ssl_object")
        if info == "client_addr":
            return writer.get_extra_info("sockname")
        if info == "server_addr":
            return writer.get_extra_info("peername")
        if info == "socket":
            return writer.get_extra_info("socket")
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        local = None if local_address is None else (local_address, 0)
        with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(host, port, local_addr=local)
        _apply(writer, socket_options)
        return AsyncioStream(reader, writer)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_unix_connection(path)
        _apply(writer, socket_options)
        return AsyncioStream(reader, writer)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _apply(writer: asyncio.StreamWriter, options: Iterable[Any] | None) -> None:
    sock: socket.socket | None = writer.get_extra_info("socket")
    for option in options or ():
        if sock is not None:
            sock.setsockopt(*option)


class _Body(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with as_httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        with as_httpx_errors():
            await self._stream.aclose()


class AsyncPoolTransport(httpx.AsyncBaseTransport):
    """The async client's default transport, with httpx's default limits and TLS: HTTP/1.1 on
    `AsyncHTTP11Pool`; with `http2=True` (or `http1=False`), httpcore's pool on `AsyncioBackend`; through
    a forward proxy (`_transport.proxy_for`), httpcore's proxy pool (plain for http://, CONNECT for https://).

    `ssl_context`: the TLS context to use (see `_transport.default_ssl_context` and friends)."""

    def __init__(
        self,
        ssl_context: ssl.SSLContext,
        limits: httpx.Limits | None = None,
        http1: bool = True,
        http2: bool = False,
        proxy: httpx.URL | None = None,
    ) -> None:
        limits = limits or DEFAULT_LIMITS
        self._pool: httpcore.AsyncConnectionPool | AsyncHTTP11Pool
        if proxy is None and http1 and not http2:
            self._pool = AsyncHTTP11Pool(ssl_context, limits)
            return
        options = core_pool_options(ssl_context, limits, http1, http2, AsyncioBackend())
        self._pool = (
            httpcore.AsyncHTTPProxy(**proxy_options(proxy), **options)
            if proxy is not None
            else httpcore.AsyncConnectionPool(**options)
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        pool = self._pool
        if isinstance(pool, AsyncHTTP11Pool):
            return await pool.handle_async_request(request)
        with as_httpx_errors():
            response = await pool.handle_async_request(core_request(request))
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream),
            extensions=response.extensions,
        )

    async def preconnect(self, url: httpx.URL, timeouts: dict[str, float | None]) -> None:
        """See `AsyncHTTP11Pool.preconnect` (HTTP/2 multiplexes one connection: nothing to do)."""
        if isinstance(self._pool, AsyncHTTP11Pool):
            await self._pool.preconnect(url, timeouts)

    async def aclose(self) -> None:
        await self._pool.aclose()
