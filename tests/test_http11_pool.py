"""The clients' HTTP/1.1 pools (`_http11`), against small servers that count what they saw:
connections reused only after a clean exchange, limits and timeouts as httpx's `Limits` and
`Timeout` say, and no connection lost to the pool by an error or a cancellation."""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from bitget_sdk._http.aio import AsyncPoolTransport
from bitget_sdk._http.http11 import AsyncHTTP11Pool, HTTP11Pool
from bitget_sdk._http.transport import DeadlineTransport, deadline_scope

_OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


class Server:
    """A loopback server running `handler` per connection, counting connections and requests."""

    def __init__(self, respond: Callable[[int, asyncio.StreamWriter], Awaitable[bool]]) -> None:
        self.respond = respond  # (request number, writer) -> keep the connection open?
        self.connections = 0
        self.requests = 0
        self.url = ""
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")
                    ),
                    0,
                )
                await reader.readexactly(length)
                self.requests += 1
                if not await self.respond(self.requests, writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            self._tasks.discard(task)

    async def __aenter__(self) -> Server:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):  # connections still being served end with the server
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def _ok(n: int, writer: asyncio.StreamWriter) -> bool:
    writer.write(_OK)
    await writer.drain()
    return True


def _client(limits: httpx.Limits | None = None, timeout: float = 5.0) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=AsyncPoolTransport(ssl.create_default_context(), limits), timeout=timeout)


def _pool(http: httpx.AsyncClient) -> AsyncHTTP11Pool:
    pool = http._transport._pool  # type: ignore[attr-defined]
    assert isinstance(pool, AsyncHTTP11Pool)
    return pool


def test_a_connection_is_reused_after_a_complete_answer() -> None:
    async def run() -> tuple[int, int]:
        async with Server(_ok) as server, _client() as http:
            for _ in range(5):
                r = await http.post(server.url, content=b"{}")
                assert (r.status_code, r.text) == (200, "ok")
            return server.connections, server.requests

    assert asyncio.run(run()) == (1, 5)


def test_connection_close_and_an_unread_answer_are_not_reused() -> None:
    async def respond(n: int, writer: asyncio.StreamWriter) -> bool:
        if n == 1:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            return False
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789")
        await writer.drain()
        return True

    async def run() -> int:
        async with Server(respond) as server, _client() as http:
            assert (await http.get(server.url)).text == "ok"  # the server said close: a new connection next
            async with http.stream("GET", server.url) as response:  # closed before its body was read
                assert response.status_code == 200
            assert (await http.get(server.url)).text == "0123456789"
            pool = _pool(http)
            assert pool._book.count == 1 and pool._book.idle_count == 1
            return server.connections

    assert asyncio.run(run()) == 3


def test_max_connections_queues_requests_and_the_pool_timeout_ends_the_wait() -> None:
    release = asyncio.Event()

    async def slow(n: int, writer: asyncio.StreamWriter) -> bool:
        await release.wait()
        writer.write(_OK)
        await writer.drain()
        return True

    async def run() -> int:
        limits = httpx.Limits(max_connections=1)
        async with Server(slow) as server, _client(limits, timeout=5.0) as http:
            first = asyncio.ensure_future(http.get(server.url))
            second = asyncio.ensure_future(http.get(server.url))
            await asyncio.sleep(0.1)
            timeout = httpx.Timeout(5.0, pool=0.05)
            with pytest.raises(httpx.PoolTimeout):
                await http.get(server.url, timeout=timeout)
            release.set()
            assert [(await first).text, (await second).text] == ["ok", "ok"]
            return server.connections

    assert asyncio.run(run()) == 1


def test_a_cancelled_request_gives_its_connection_back_to_the_pool() -> None:
    async def never(n: int, writer: asyncio.StreamWriter) -> bool:
        if n == 1:
            await asyncio.sleep(10)
        writer.write(_OK)
        await writer.drain()
        return True

    async def run() -> tuple[str, int, int]:
        async with Server(never) as server, _client(httpx.Limits(max_connections=1)) as http:
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.1):
                    await http.get(server.url)
            text = (await http.get(server.url)).text  # a new connection: the cut one is not reused
            pool = _pool(http)
            return text, pool._book.count, server.connections

    assert asyncio.run(run()) == ("ok", 1, 2)


def test_a_server_that_closes_without_answering_is_a_protocol_error_not_a_connect_error() -> None:
    async def hang_up(n: int, writer: asyncio.StreamWriter) -> bool:
        return False  # the request was read (it may have been acted on), and nothing is answered

    async def run() -> int:
        async with Server(hang_up) as server, _client() as http:
            with pytest.raises(httpx.RemoteProtocolError):
                await http.post(server.url, content=b"{}")
            return _pool(http)._book.count

    assert asyncio.run(run()) == 0


def test_a_read_timeout_and_a_refused_connect_are_told_apart() -> None:
    async def silent(n: int, writer: asyncio.StreamWriter) -> bool:
        await asyncio.sleep(5)
        return False

    async def run() -> None:
        async with Server(silent) as server, _client(timeout=0.1) as http:
            with pytest.raises(httpx.ReadTimeout):
                await http.get(server.url)
            url = server.url
        async with _client(timeout=1.0) as http:
            with pytest.raises(httpx.ConnectError):
                await http.get(url)

    asyncio.run(run())


def test_idle_connections_expire_and_surplus_ones_are_closed() -> None:
    async def run() -> tuple[int, int, int]:
        limits = httpx.Limits(max_connections=10, max_keepalive_connections=2, keepalive_expiry=0.1)
        async with Server(_ok) as server, _client(limits) as http:
            await asyncio.gather(*(http.get(server.url) for _ in range(5)))
            pool = _pool(http)
            idle_after_burst = pool._book.idle_count  # 5 connections made, 2 kept
            await asyncio.sleep(0.2)
            await http.get(server.url)  # both kept ones expired: a sixth connection
            return idle_after_burst, server.connections, pool._book.count

    assert asyncio.run(run()) == (2, 6, 1)


def test_a_closed_pool_refuses_new_requests_and_closes_what_comes_back() -> None:
    async def run() -> None:
        async with Server(_ok) as server:
            transport = AsyncPoolTransport(ssl.create_default_context())
            http = httpx.AsyncClient(transport=transport)
            await http.get(server.url)
            await http.aclose()
            assert _pool(http)._book.count == 0
            with pytest.raises(RuntimeError):
                await transport.handle_async_request(httpx.Request("GET", server.url))

    asyncio.run(run())


def test_the_permit_hears_when_the_request_was_written_and_the_answer_came() -> None:
    events: list[str] = []

    async def trace(name: str, info: dict[str, Any]) -> None:
        events.append(name)

    async def run() -> None:
        async with Server(_ok) as server, _client() as http:
            await http.get(server.url, extensions={"trace": trace})

    asyncio.run(run())
    assert events.index("http11.send_request_body.complete") < events.index("http11.receive_response_headers.complete")
    assert events[0] == "connection.connect_tcp.started" and events[-1] == "http11.response_closed.complete"


# -- the sync client's pool (threads, blocking sockets) ------------------------------------------------


class ThreadServer:
    """`Server` on a loop in a thread of its own, for the sync pool."""

    def __init__(self, respond: Callable[[int, asyncio.StreamWriter], Awaitable[bool]]) -> None:
        self.server = Server(respond)
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ready = threading.Event()

    def _run(self) -> None:
        try:
            self._loop.run_until_complete(self._main())
        finally:
            self._loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        async with self.server:
            self._ready.set()
            await self._stop.wait()

    def __enter__(self) -> Server:
        self._thread.start()
        self._ready.wait(5)
        return self.server

    def __exit__(self, *exc: object) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(5)


def _sync_client(limits: httpx.Limits | None = None, timeout: float = 5.0) -> httpx.Client:
    return httpx.Client(transport=DeadlineTransport(limits, ssl.create_default_context()), timeout=timeout)


def _sync_pool(http: httpx.Client) -> HTTP11Pool:
    pool = http._transport._get_pool()  # type: ignore[attr-defined]
    assert isinstance(pool, HTTP11Pool)
    return pool


def test_sync_a_connection_is_reused_and_one_the_server_closed_is_not() -> None:
    async def respond(n: int, writer: asyncio.StreamWriter) -> bool:
        writer.write(_OK)
        await writer.drain()
        return n != 3  # the third answer's connection is then closed by the server

    with ThreadServer(respond) as server, _sync_client() as http:
        texts = [http.post(server.url, content=b"{}").text for _ in range(3)]
        time.sleep(0.1)  # the close reaches the client
        texts.append(http.get(server.url).text)
        assert texts == ["ok"] * 4
        assert (server.connections, server.requests) == (2, 4)
        with http.stream("GET", server.url) as response:  # closed unread: not reused
            assert response.status_code == 200
        assert http.get(server.url).text == "ok"
        assert server.connections == 3 and _sync_pool(http)._book.count == 1


def test_sync_max_connections_queues_threads_and_the_pool_timeout_ends_the_wait() -> None:
    gate = threading.Event()

    async def slow(n: int, writer: asyncio.StreamWriter) -> bool:
        while not gate.is_set():
            await asyncio.sleep(0.01)
        writer.write(_OK)
        await writer.drain()
        return True

    with ThreadServer(slow) as server, _sync_client(httpx.Limits(max_connections=1)) as http:
        with ThreadPoolExecutor(2) as threads:
            calls = [threads.submit(http.get, server.url) for _ in range(2)]
            time.sleep(0.1)
            with pytest.raises(httpx.PoolTimeout):
                http.get(server.url, timeout=httpx.Timeout(5.0, pool=0.05))
            gate.set()
            assert [c.result().text for c in calls] == ["ok", "ok"]
        assert server.connections == 1


def test_sync_the_attempts_deadline_cuts_a_read_and_the_connection_is_not_kept() -> None:
    async def drip(n: int, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        for _ in range(100):  # each byte well within the read timeout; the whole answer is not
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(0.05)
        return True

    with ThreadServer(drip) as server, _sync_client(timeout=1.0) as http:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout), deadline_scope(started + 0.3):
            http.get(server.url).read()
        assert time.monotonic() - started < 0.6
        assert _sync_pool(http)._book.count == 0


def test_sync_errors_say_whether_anything_can_have_been_sent() -> None:
    async def hang_up(n: int, writer: asyncio.StreamWriter) -> bool:
        return False

    with ThreadServer(hang_up) as server, _sync_client() as http:
        with pytest.raises(httpx.RemoteProtocolError):  # the request was read: it may have been acted on
            http.post(server.url, content=b"{}")
        url = server.url
        assert _sync_pool(http)._book.count == 0
    with _sync_client(timeout=1.0) as http, pytest.raises(httpx.ConnectError):  # nothing was sent
        http.get(url)


def test_a_connection_made_on_another_event_loop_is_not_reused() -> None:
    """A client kept across two `asyncio.run` calls: its idle connection belongs to the first loop,
    whose callbacks will never run again; the second run makes a new one instead of waiting forever."""
    http = _client(timeout=2.0)

    async def run(server: Server) -> str:
        return (await http.get(server.url)).text

    with ThreadServer(_ok) as server:
        assert asyncio.run(run(server)) == "ok"
        assert asyncio.run(run(server)) == "ok"
        assert server.connections == 2


def test_preconnect_leaves_one_idle_connection_and_reports_a_refused_one() -> None:
    async def run() -> tuple[int, int, int]:
        async with Server(_ok) as server, _client(httpx.Limits(max_connections=2)) as http:
            pool = _pool(http)
            url, timeouts = httpx.URL(server.url), {"connect": 1.0}
            await pool.preconnect(url, timeouts)
            await pool.preconnect(url, timeouts)  # one is idle already: nothing to do
            made = server.connections
            assert (await http.get(server.url)).text == "ok"  # on the connection made ahead
            async with http.stream("GET", server.url) as a, http.stream("GET", server.url) as b:
                await pool.preconnect(url, timeouts)  # the pool is full: the request will wait as usual
                await a.aread()
                await b.aread()
            return made, server.connections, pool._book.idle_count

    assert asyncio.run(run()) == (1, 2, 2)

    async def refused(url: str) -> None:
        async with _client() as http:
            await _pool(http).preconnect(httpx.URL(url), {"connect": 1.0})

    async def closed_port() -> str:
        async with Server(_ok) as server:
            return server.url

    with pytest.raises(httpx.ConnectError):  # as the request would have met it: nothing was sent
        asyncio.run(refused(asyncio.run(closed_port())))
