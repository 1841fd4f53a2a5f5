"""A hostile exchange: a raw HTTP/1.1 server on loopback that keeps its own record of what it cancelled
and answers cancels however a scenario says - lost, unreadable, contradictory, dribbled, oversized,
redirected. Reads of order state (what settling asks) are answered from that record by default.

It shares nothing with the SDK or the mock: it parses requests itself, cancels from its own book, and
writes its answers byte by byte, so the SDK can be held against the server's truth under behaviour no
well-behaved server (and no HTTP framework) would produce.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PATH = "/api/v2/spot/trade/batch-cancel-order"


@dataclass
class Request:
    n: int  # 0-based number of the request, across connections
    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    """What to write back. `head` None: close the connection without an answer."""

    head: bytes | None
    body: bytes = b""
    dribble_s: float = 0.0  # write the whole answer one byte at a time, this far apart
    stream_forever: bytes = b""  # after `body`, keep writing this until the client goes
    hang: bool = False  # never answer, keep the connection open
    delay_s: float = 0.0  # answer only after this long (what it says was decided when the request came)


def http(
    status: int, body: bytes, *, reason: str = "X", content_type: str = "application/json", **headers: str
) -> Reply:
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return Reply(("\r\n".join(lines) + "\r\n\r\n").encode(), body)


def envelope(code: str | int, msg: str, data: Any = None) -> bytes:
    return json.dumps({"code": code, "msg": msg, "requestTime": 1700000000000, "data": data}).encode()


@dataclass
class Book:
    """The server's own truth: which orders are live, and which it cancelled (its record)."""

    live: dict[str, str] = field(default_factory=dict)  # orderId -> clientOid
    cancelled: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def apply(self, body: Any) -> dict[str, list[dict[str, str]]]:
        """Cancel what the body names (by orderId or clientOid); Bitget's answer lists."""
        success: list[dict[str, str]] = []
        failure: list[dict[str, str]] = []
        by_client = {c: o for o, c in self.live.items()}
        with self.lock:
            for item in body.get("orderList", []):
                oid = item.get("orderId") or by_client.get(item.get("clientOid", ""), "")
                if oid in self.live:
                    coid = self.live.pop(oid)
                    self.cancelled.add(oid)
                    success.append({"orderId": oid, "clientOid": coid})
                else:
                    echo = {k: item[k] for k in ("orderId", "clientOid") if k in item}
                    failure.append({**echo, "errorCode": "43001", "errorMsg": "The order does not exist"})
        return {"successList": success, "failureList": failure}


Behaviour = Callable[[Request, Book], Reply]


def honest(req: Request, book: Book) -> Reply:
    return http(200, envelope("00000", "success", book.apply(req.json())))


def _order(oid: str, coid: str, status: str) -> dict[str, str]:
    return {"orderId": oid, "clientOid": coid, "symbol": "BTCUSDT", "status": status, "cTime": "1", "uTime": "2"}


def honest_read(req: Request, book: Book) -> Reply:
    """The order-state reads, answered truthfully from the server's own book (one symbol, ids numeric)."""
    path, _, query = req.target.partition("?")
    q = dict(urllib.parse.parse_qsl(query))
    with book.lock:
        states = {oid: _order(oid, coid, "live") for oid, coid in book.live.items()}
        states |= {oid: _order(oid, "", "cancelled") for oid in book.cancelled}
    if path.endswith("/orderInfo"):
        found = states.get(q.get("orderId", ""))
        return http(200, envelope("00000", "success", [found] if found else []))
    wanted = "live" if path.endswith("/unfilled-orders") else "cancelled"
    cursor = int(q["idLessThan"]) if "idLessThan" in q else None
    rows = sorted((o for o in states.values() if o["status"] == wanted), key=lambda o: -int(o["orderId"]))
    rows = [o for o in rows if cursor is None or int(o["orderId"]) < cursor][: int(q.get("limit", "100"))]
    return http(200, envelope("00000", "success", rows))


class HostileServer:
    """Serves `behaviour(request, book)` on a free loopback port, in a background thread."""

    def __init__(self, behaviour: Behaviour, reads: Behaviour = honest_read) -> None:
        self.behaviour = behaviour
        self.reads = reads
        self.book = Book()
        self.requests: list[Request] = []
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="hostile-server", daemon=True)
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop
        ).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            assert self._server is not None
            self._server.close()
            for w in list(self._writers):
                w.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        # Closed here: an unclosed loop is finalised by the garbage collector in a later test, whose
        # unraisable-exception check then fails (seen in CI).
        self._loop.close()

    async def _read_request(self, reader: asyncio.StreamReader) -> Request | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            return None
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:] if ":" in ln)}
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        request = Request(len(self.requests), method, target, headers, body)
        self.requests.append(request)
        return request

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while (request := await self._read_request(reader)) is not None:
                reply = (self.reads if request.method == "GET" else self.behaviour)(request, self.book)
                if reply.hang:
                    await asyncio.sleep(3600)
                if reply.delay_s:
                    await asyncio.sleep(reply.delay_s)
                if reply.head is None:
                    break
                data = reply.head + reply.body
                if reply.dribble_s:
                    for i in range(len(data)):
                        writer.write(data[i : i + 1])
                        await writer.drain()
                        await asyncio.sleep(reply.dribble_s)
                else:
                    writer.write(data)
                    await writer.drain()
                while reply.stream_forever:
                    writer.write(reply.stream_forever)
                    await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()
