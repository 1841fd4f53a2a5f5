"""The clients' HTTP/1.1: h11's state machine on asyncio's protocol callbacks (async) or on blocking
sockets (sync), and a small connection pool for each.

Why not httpcore's pools, as httpx's own transports use: measured on this project's machines (closed
loop against the mock, 10 requests in flight, the transport alone, 50-order cancels), one exchange
cost ~0.85 ms of the client's CPU through httpcore's async pool (on `_aio`'s asyncio backend) and
~0.25 ms through this module; ~0.6 ms through httpcore's sync pool and ~0.4 ms here (threads). Most of
the difference is the machinery around the protocol: a pool that re-examines every connection on
every request (holding its lock across a `poll` of each, in the sync pool, which 10 threads per
client then queue on), locks and events that each cost a cancel scope and a checkpoint, a stream
layer and trace contexts per step. A process cancelling on 20 sub-accounts has 200 requests due
within the same few milliseconds every second, and each waits for the CPU of those before it: the
client's CPU per request is what separates that run from the rate limit's best case.

What is kept: h11 parses and writes every message (the same state machine httpcore uses), so
framing, keep-alive and `Connection: close` follow the same rules; TLS is asyncio's; connect, read,
write and pool timeouts and errors map to httpx's exceptions at the same steps as httpx's transport
(a connection that could not be made, or no free connection in time, is a `ConnectError`,
`ConnectTimeout` or `PoolTimeout`: nothing was sent; anything later may have been). The pool's
limits are httpx's `Limits`. Before an idle connection is reused, what the loop has read (an EOF,
unasked bytes) and a `poll` of its socket (what the loop has not read yet) must show nothing: one
the server closed is dropped, not written to. HTTP/2 is not here: `AsyncPoolTransport` gives an
`http2=True` client httpcore's pool.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import select
import socket
import ssl
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Generic, Protocol, TypeVar

import h11
import httpx

Origin = tuple[bytes, str, int]
Trace = Callable[[str, dict[str, Any]], Awaitable[None] | None]


class _Connection(asyncio.Protocol):
    """One connection: the loop feeds h11 what arrives and wakes the request waiting for it."""

    def __init__(self, origin: Origin) -> None:
        self.origin = origin
        self.h11 = h11.Connection(h11.CLIENT)
        self.transport: asyncio.Transport | None = None
        self.loop: asyncio.AbstractEventLoop | None = None  # its callbacks run on this loop only
        self.lost = False
        self.eof = False
        self.idle_since = 0.0
        self._waiter: asyncio.Future[None] | None = None
        self._paused = False
        self._drained: asyncio.Future[None] | None = None
        # When the loop handed us the first bytes since the last write (time.monotonic; 0: none yet).
        # The answer's head was in then: the task that reads it may run much later on a busy loop.
        self.received_at = 0.0

    # -- asyncio's callbacks ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.loop = asyncio.get_running_loop()

    def data_received(self, data: bytes) -> None:
        if not self.received_at:
            self.received_at = time.monotonic()
        if not self.eof:
            self.h11.receive_data(data)
        self._wake()

    def eof_received(self) -> bool:
        self._end()
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self._end()
        drained = self._drained
        if drained is not None and not drained.done():
            drained.set_result(None)

    def pause_writing(self) -> None:
        self._paused = True

    def resume_writing(self) -> None:
        self._paused = False
        drained = self._drained
        if drained is not None and not drained.done():
            drained.set_result(None)

    def _end(self) -> None:
        if not self.eof:
            self.eof = True
            self.h11.receive_data(b"")
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- used by a request -----------------------------------------------------------------------

    async def write(self, data: bytes, timeout: float | None) -> None:
        transport = self.transport
        if self.lost or transport is None or transport.is_closing():
            raise httpx.WriteError("the connection is closed")
        self.received_at = 0.0
        transport.write(data)
        if self._paused:
            self._drained = asyncio.get_running_loop().create_future()
            try:
                async with asyncio.timeout(timeout):
                    await self._drained
            except TimeoutError:
                raise httpx.WriteTimeout("timed out writing the request") from None
            finally:
                self._drained = None
            if self.lost:
                raise httpx.WriteError("the connection was lost while writing")

    async def next_event(self, timeout: float | None) -> Any:
        """h11's next event, waiting up to `timeout` for each piece of data it needs."""
        while True:
            event = _next(self.h11)
            if event is not h11.NEED_DATA:
                return event
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                async with asyncio.timeout(timeout):
                    await waiter
            except TimeoutError:
                raise httpx.ReadTimeout("timed out reading the response") from None
            finally:
                self._waiter = None

    def reusable(self, now: float, expiry: float | None) -> bool:
        """Idle, in keep-alive, not expired, on this event loop (a client used from a second
        `asyncio.run` would otherwise wait for callbacks of a loop that no longer runs), and nothing
        (no EOF, no unasked byte) waits on it."""
        h = self.h11
        if self.lost or self.eof or h.our_state is not h11.IDLE or h.their_state is not h11.IDLE:
            return False
        if self.loop is not asyncio.get_running_loop():
            return False
        if h.trailing_data[0] or (expiry is not None and now - self.idle_since > expiry):
            return False
        transport = self.transport
        sock = None if transport is None else transport.get_extra_info("socket")
        return sock is not None and not readable(sock)

    def close(self) -> None:
        if self.transport is not None:
            # RuntimeError: its loop is closed (a client kept across `asyncio.run` calls); the socket
            # is then closed when the transport is collected.
            with contextlib.suppress(RuntimeError):
                self.transport.close()


def readable(sock: Any) -> bool:
    """Data or an EOF waits on the socket that the loop has not read yet (as httpcore checks)."""
    fd = sock.fileno()
    if fd == -1:
        return True
    if not hasattr(select, "poll"):  # Windows
        return bool(select.select([fd], [], [], 0)[0])
    poll = select.poll()
    poll.register(fd, select.POLLIN)
    return bool(poll.poll(0))


def _next(h: h11.Connection) -> Any:
    """h11's next event (NEED_DATA: feed it more), its protocol errors as httpx's."""
    try:
        return h.next_event()
    except h11.RemoteProtocolError as exc:
        raise httpx.RemoteProtocolError(str(exc)) from None


def _is_head(event: Any) -> bool:
    """True for the answer's head, False for an informational (1xx) one (the answer follows); a server
    that hung up first raises (the request may have been acted on)."""
    if isinstance(event, h11.Response):
        return True
    if isinstance(event, h11.ConnectionClosed):
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
    return False


def _response(event: h11.Response, stream: httpx.AsyncByteStream | httpx.SyncByteStream) -> httpx.Response:
    return httpx.Response(
        status_code=event.status_code,
        headers=event.headers.raw_items(),
        stream=stream,
        extensions={"http_version": b"HTTP/" + event.http_version, "reason_phrase": event.reason},
    )


async def _trace(trace: Trace | None, name: str, info: dict[str, Any]) -> None:
    if trace is not None:
        result = trace(name, info)
        if result is not None:
            await result


class _Pooled(Protocol):
    origin: Origin
    h11: h11.Connection
    lost: bool
    idle_since: float

    def close(self) -> None: ...


C = TypeVar("C", bound=_Pooled)


class _Book(Generic[C]):
    """What both pools count and keep: idle connections per origin (reused last in, first out), how
    many connections there are in all (idle, in use or being made), within httpx's `Limits`. No I/O
    and no locking: the async pool runs on one loop, the sync pool holds its lock around each call."""

    def __init__(self, limits: httpx.Limits) -> None:
        self.max_connections = limits.max_connections
        self.max_keepalive_connections = limits.max_keepalive_connections
        self.keepalive_expiry = limits.keepalive_expiry
        self.idle: dict[Origin, list[C]] = {}
        self.idle_count = 0
        self.count = 0
        self.closed = False

    def take_idle(self, origin: Origin) -> C | None:
        """The newest idle connection to `origin` (unchecked: see `reusable`), or None."""
        idle = self.idle.get(origin)
        if not idle:
            return None
        self.idle_count -= 1
        return idle.pop()

    def has_room(self) -> bool:
        return self.max_connections is None or self.count < self.max_connections

    def evict(self) -> C | None:
        """The oldest idle connection to any origin, forgotten (to be closed: its room is needed)."""
        for idle in self.idle.values():
            if idle:
                self.idle_count -= 1
                self.count -= 1
                return idle.pop(0)
        return None

    def keep(self, conn: C, reuse: bool) -> bool:
        """A request is done with `conn`: True if it is kept idle (its exchange ended cleanly in
        keep-alive and there is room), False if it is forgotten (the caller closes it)."""
        h = conn.h11
        if (
            reuse
            and not self.closed
            and not conn.lost
            and h.our_state is h11.DONE
            and h.their_state is h11.DONE
            and (self.max_keepalive_connections is None or self.idle_count < self.max_keepalive_connections)
        ):
            h.start_next_cycle()
            self._add_idle(conn)
            return True
        self.count -= 1
        return False

    def park(self, conn: C) -> bool:
        """An unused connection (nothing sent on it): kept idle, or forgotten if the pool closed."""
        if self.closed or conn.lost:
            self.count -= 1
            return False
        self._add_idle(conn)
        return True

    def _add_idle(self, conn: C) -> None:
        conn.idle_since = time.monotonic()
        self.idle.setdefault(conn.origin, []).append(conn)
        self.idle_count += 1

    def shut(self) -> list[C]:
        """The pool closes: its idle connections, forgotten (to be closed)."""
        self.closed = True
        idle = [conn for conns in self.idle.values() for conn in conns]
        self.idle.clear()
        self.count -= len(idle)
        self.idle_count = 0
        return idle


class _ResponseBody(httpx.AsyncByteStream):
    """The answer's body as it arrives; closing it gives the connection back (or closes it)."""

    def __init__(self, pool: AsyncHTTP11Pool, conn: _Connection, timeout: float | None, trace: Trace | None) -> None:
        self._pool = pool
        self._conn = conn
        self._timeout = timeout
        self._trace = trace
        self._complete = False
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        conn = self._conn
        await _trace(self._trace, "http11.receive_response_body.started", {})
        while not self._complete:
            event = await conn.next_event(self._timeout)
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                self._complete = True
            elif isinstance(event, h11.ConnectionClosed):
                raise httpx.RemoteProtocolError("Server disconnected before the response was complete.")
        await _trace(self._trace, "http11.receive_response_body.complete", {})

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            await _trace(self._trace, "http11.response_closed.started", {})
            self._pool.release(self._conn, reuse=self._complete)
            await _trace(self._trace, "http11.response_closed.complete", {})


class AsyncHTTP11Pool:
    """Connections per origin, reused last-in first-out, within httpx's `Limits`."""

    def __init__(self, ssl_context: ssl.SSLContext, limits: httpx.Limits) -> None:
        self._ssl_context = ssl_context
        self._book: _Book[_Connection] = _Book(limits)
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        origin = _origin(request.url)
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        trace: Trace | None = request.extensions.get("trace")
        assert isinstance(request.stream, httpx.AsyncByteStream)
        body = b"".join([part async for part in request.stream])

        conn = await self._acquire(origin, timeouts, trace)
        try:
            data = _frame(conn.h11, request, body)
            await _trace(trace, "http11.send_request_headers.started", {"request": request})
            await conn.write(data, timeouts.get("write"))
            await _trace(trace, "http11.send_request_body.complete", {})
            read = timeouts.get("read")
            await _trace(trace, "http11.receive_response_headers.started", {})
            event = await conn.next_event(read)
            while not _is_head(event):
                event = await conn.next_event(read)
            await _trace(trace, "http11.receive_response_headers.complete", {"received_at": conn.received_at})
        except BaseException:
            self.release(conn, reuse=False)
            raise
        return _response(event, _ResponseBody(self, conn, read, trace))

    async def preconnect(self, url: httpx.URL, timeouts: dict[str, float | None]) -> None:
        """Connect to `url`'s origin now, and leave the connection idle for the request about to be
        built, unless an idle one is there already or the pool is full (the request then waits as
        usual). The async client calls this before it signs and builds each attempt's request: 200
        requests due at once (20 accounts' first windows) were otherwise each prepared before any
        connection was made, so the server got none of them until the last was ready, and all of
        them in one burst; now connecting overlaps preparing. Errors are the request's own
        (`ConnectError`, `ConnectTimeout`: nothing was sent)."""
        origin = _origin(url)
        book = self._book
        if book.closed or book.idle.get(origin) or not book.has_room():
            return
        book.count += 1
        try:
            conn = await self._connect(origin, timeouts.get("connect"), None)
        except BaseException:
            book.count -= 1
            self._wake_one()
            raise
        if not book.park(conn):
            conn.close()
        self._wake_one()

    async def _acquire(self, origin: Origin, timeouts: dict[str, float | None], trace: Trace | None) -> _Connection:
        pool_timeout = timeouts.get("pool")
        give_up = None if pool_timeout is None else time.monotonic() + pool_timeout
        book = self._book
        while True:
            if book.closed:
                raise RuntimeError("the connection pool is closed")
            conn = book.take_idle(origin)
            if conn is not None:
                if conn.reusable(time.monotonic(), book.keepalive_expiry):
                    return conn
                book.count -= 1
                conn.close()
                continue
            if book.has_room():
                break
            evicted = book.evict()  # idle connections to other origins make room
            if evicted is not None:
                evicted.close()
                break
            left = None if give_up is None else give_up - time.monotonic()
            if (left is not None and left <= 0) or not await self._wait_for_room(left):
                raise httpx.PoolTimeout("no connection became free within the pool timeout")
        book.count += 1
        try:
            return await self._connect(origin, timeouts.get("connect"), trace)
        except BaseException:
            book.count -= 1
            self._wake_one()
            raise

    async def _wait_for_room(self, timeout: float | None) -> bool:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                await waiter
            return True
        except TimeoutError:
            return False
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self._wake_one()  # woken, then cancelled: the room it was told of goes to the next
            raise
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    def _wake_one(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def _connect(self, origin: Origin, timeout: float | None, trace: Trace | None) -> _Connection:
        scheme, host, port = origin
        tls = self._ssl_context if scheme == b"https" else None
        await _trace(trace, "connection.connect_tcp.started", {"host": host, "port": port})
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                _, conn = await loop.create_connection(
                    lambda: _Connection(origin), host, port, ssl=tls, server_hostname=host if tls else None
                )
        except TimeoutError:
            raise httpx.ConnectTimeout(f"timed out connecting to {host}:{port}") from None
        except OSError as exc:  # refused, unreachable, DNS, TLS (ssl.SSLError)
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
        await _trace(trace, "connection.connect_tcp.complete", {})
        return conn

    def release(self, conn: _Connection, reuse: bool) -> None:
        """A request is done with `conn`: idle for the next one if its exchange ended cleanly in
        keep-alive and there is room, closed otherwise. Either way one waiter may go on."""
        if not self._book.keep(conn, reuse):
            conn.close()
        self._wake_one()

    async def aclose(self) -> None:
        for conn in self._book.shut():
            conn.close()
        while self._waiters:  # requests waiting for room hear that there will be none
            self._wake_one()


# -- the sync client's ---------------------------------------------------------------------------------


class _SocketConnection:
    """One connection of the sync pool: a blocking socket and h11. Each operation is bounded by
    `clamp(timeout)`: the operation's own timeout, cut at the attempt's deadline (`_transport`)."""

    def __init__(self, origin: Origin, sock: socket.socket, clamp: Callable[[float | None], float | None]) -> None:
        self.origin = origin
        self.sock = sock
        self.h11 = h11.Connection(h11.CLIENT)
        self.idle_since = 0.0
        self.lost = False
        self._clamp = clamp

    def write(self, data: bytes, timeout: float | None) -> None:
        try:
            self.sock.settimeout(self._clamp(timeout))
            self.sock.sendall(data)
        except TimeoutError:
            self.lost = True
            raise httpx.WriteTimeout("timed out writing the request") from None
        except OSError as exc:
            self.lost = True
            raise httpx.WriteError(str(exc) or type(exc).__name__) from None

    def next_event(self, timeout: float | None) -> Any:
        while True:
            event = _next(self.h11)
            if event is not h11.NEED_DATA:
                return event
            try:
                self.sock.settimeout(self._clamp(timeout))
                data = self.sock.recv(_READ_SIZE)
            except TimeoutError:
                raise httpx.ReadTimeout("timed out reading the response") from None
            except OSError as exc:
                self.lost = True
                raise httpx.ReadError(str(exc) or type(exc).__name__) from None
            if not data:
                self.lost = True
            self.h11.receive_data(data)

    def reusable(self, now: float, expiry: float | None) -> bool:
        h = self.h11
        if self.lost or h.our_state is not h11.IDLE or h.their_state is not h11.IDLE or h.trailing_data[0]:
            return False
        if expiry is not None and now - self.idle_since > expiry:
            return False
        return not readable(self.sock)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


_READ_SIZE = 64 * 1024


class _SocketResponseBody(httpx.SyncByteStream):
    def __init__(self, pool: HTTP11Pool, conn: _SocketConnection, timeout: float | None, trace: Any) -> None:
        self._pool = pool
        self._conn = conn
        self._timeout = timeout
        self._trace = trace
        self._complete = False
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        conn = self._conn
        while not self._complete:
            event = conn.next_event(self._timeout)
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                self._complete = True
            elif isinstance(event, h11.ConnectionClosed):
                raise httpx.RemoteProtocolError("Server disconnected before the response was complete.")

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._pool.release(self._conn, reuse=self._complete)
            if self._trace is not None:
                self._trace("http11.response_closed.complete", {})


class HTTP11Pool:
    """`AsyncHTTP11Pool` for threads: blocking sockets, one lock around the pool's lists (never held
    across a system call but the `poll` of the connection about to be reused)."""

    def __init__(
        self, ssl_context: ssl.SSLContext, limits: httpx.Limits, clamp: Callable[[float | None], float | None]
    ) -> None:
        self._ssl_context = ssl_context
        self._clamp = clamp
        self._book: _Book[_SocketConnection] = _Book(limits)
        self._room = threading.Condition(threading.Lock())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        origin = _origin(url)
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        trace = request.extensions.get("trace")
        assert isinstance(request.stream, httpx.SyncByteStream)
        body = b"".join(request.stream)
        conn = self._acquire(origin, timeouts, trace)
        try:
            conn.write(_frame(conn.h11, request, body), timeouts.get("write"))
            if trace is not None:
                trace("http11.send_request_body.complete", {})
            read = timeouts.get("read")
            event = conn.next_event(read)
            while not _is_head(event):
                event = conn.next_event(read)
            if trace is not None:
                trace("http11.receive_response_headers.complete", {})
        except BaseException:
            self.release(conn, reuse=False)
            raise
        return _response(event, _SocketResponseBody(self, conn, read, trace))

    def _acquire(self, origin: Origin, timeouts: dict[str, float | None], trace: Any) -> _SocketConnection:
        pool_timeout = self._clamp(timeouts.get("pool"))
        give_up = None if pool_timeout is None else time.monotonic() + pool_timeout
        book = self._book
        while True:
            evicted = None
            with self._room:
                if book.closed:
                    raise RuntimeError("the connection pool is closed")
                conn = book.take_idle(origin)
                if conn is None:
                    if not book.has_room():
                        evicted = book.evict()  # idle connections to other origins make room
                    if book.has_room():
                        book.count += 1
                    else:
                        left = None if give_up is None else give_up - time.monotonic()
                        if (left is not None and left <= 0) or not self._room.wait(left):
                            raise httpx.PoolTimeout("no connection became free within the pool timeout")
                        continue
            if evicted is not None:
                evicted.close()
            if conn is None:
                try:
                    return self._connect(origin, timeouts.get("connect"), trace)
                except BaseException:
                    self._forget()
                    raise
            if conn.reusable(time.monotonic(), book.keepalive_expiry):
                return conn
            conn.close()
            self._forget()

    def _forget(self) -> None:
        with self._room:
            self._book.count -= 1
            self._room.notify()

    def _connect(self, origin: Origin, timeout: float | None, trace: Any) -> _SocketConnection:
        scheme, host, port = origin
        if trace is not None:
            trace("connection.connect_tcp.started", {"host": host, "port": port})
        sock: socket.socket | None = None
        try:
            sock = socket.create_connection((host, port), self._clamp(timeout))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if scheme == b"https":
                sock.settimeout(self._clamp(timeout))
                sock = self._ssl_context.wrap_socket(sock, server_hostname=host)
        except TimeoutError:
            if sock is not None:
                sock.close()
            raise httpx.ConnectTimeout(f"timed out connecting to {host}:{port}") from None
        except OSError as exc:  # refused, unreachable, DNS, TLS (ssl.SSLError)
            if sock is not None:
                sock.close()
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
        if trace is not None:
            trace("connection.connect_tcp.complete", {})
        return _SocketConnection(origin, sock, self._clamp)

    def release(self, conn: _SocketConnection, reuse: bool) -> None:
        """See `AsyncHTTP11Pool.release`."""
        with self._room:
            kept = self._book.keep(conn, reuse)
            self._room.notify()
        if not kept:
            conn.close()

    def close(self) -> None:
        with self._room:
            idle = self._book.shut()
            self._room.notify_all()
        for conn in idle:
            conn.close()


def _origin(url: httpx.URL) -> Origin:
    scheme = url.raw_scheme
    if scheme not in (b"http", b"https"):
        raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol '{url.scheme}://'.")
    return scheme, url.host, url.port or (443 if scheme == b"https" else 80)


def _frame(h: h11.Connection, request: httpx.Request, body: bytes) -> bytes:
    """The request as bytes on the wire, through the connection's own state machine."""
    try:
        parts = [h.send(h11.Request(method=request.method, target=request.url.raw_path, headers=request.headers.raw))]
        if body:
            parts.append(h.send(h11.Data(data=body)))
        parts.append(h.send(h11.EndOfMessage()))
    except h11.LocalProtocolError as exc:
        raise httpx.LocalProtocolError(str(exc)) from None
    return b"".join(part for part in parts if part)
