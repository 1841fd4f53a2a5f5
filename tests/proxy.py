"""A forward proxy on loopback, as a firm's egress proxy would stand between the SDK and the exchange:
plain HTTP forwarding (absolute-form request targets, one upstream connection per request) and CONNECT
tunnels (for https://). It records what it was asked to carry, so tests can prove every request went
through it. Written for the tests (like `hostile.py`): it shares nothing with the SDK or the mock.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import threading
import urllib.parse
from dataclasses import dataclass, field


@dataclass
class ForwardProxy:
    """`with ForwardProxy() as proxy:` serves on `proxy.url`; `proxy.seen` lists "METHOD target" lines.

    `credentials`: "user:password" the client must send as Proxy-Authorization (407 otherwise)."""

    credentials: str | None = None
    seen: list[str] = field(default_factory=list)
    auth_headers: list[str] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="forward-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ForwardProxy:
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
            # Connections still open (a tunnel the client keeps alive) end here, on this loop, not
            # later in the garbage collector of another test.
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def count(self, prefix: str = "") -> int:
        with self._lock:
            return sum(1 for line in self.seen if line.startswith(prefix))

    async def _head(self, reader: asyncio.StreamReader) -> tuple[str, list[tuple[str, str]]] | None:
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        lines = raw.decode("latin-1").split("\r\n")
        headers = [(k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:] if line)]
        return lines[0], headers

    def _authorized(self, headers: list[tuple[str, str]]) -> bool:
        if self.credentials is None:
            return True
        got = [v for k, v in headers if k.lower() == "proxy-authorization"]
        with self._lock:
            self.auth_headers += got
        return got == ["Basic " + base64.b64encode(self.credentials.encode()).decode()]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await self._head(reader)
                if head is None:
                    return
                line, headers = head
                method, target, _ = line.split(" ", 2)
                with self._lock:
                    self.seen.append(f"{method} {target}")
                if not self._authorized(headers):
                    writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
                    await writer.drain()
                    continue
                if method == "CONNECT":
                    await self._tunnel(target, reader, writer)
                    return
                if not await self._forward(method, target, headers, reader, writer):
                    return
        finally:
            writer.close()

    async def _tunnel(self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, _, port = target.rpartition(":")
        up_reader, up_writer = await asyncio.open_connection(host.strip("[]"), int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            with contextlib.suppress(Exception):
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def _forward(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        """One absolute-form request carried upstream and its answer back; False: close the connection."""
        url = urllib.parse.urlsplit(target)
        length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
        body = await reader.readexactly(length) if length else b""
        up_reader, up_writer = await asyncio.open_connection(url.hostname, url.port or 80)
        path = url.path + (f"?{url.query}" if url.query else "")
        kept = [(k, v) for k, v in headers if not k.lower().startswith("proxy-") and k.lower() != "connection"]
        out = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in kept), "Connection: close", "", ""]
        up_writer.write("\r\n".join(out).encode("latin-1") + body)
        await up_writer.drain()
        answer = await up_reader.read()  # the upstream closes after its answer (Connection: close)
        up_writer.close()
        if not answer:
            return False  # the server dropped the connection: so does the proxy
        writer.write(answer)
        await writer.drain()
        return not any(k.lower() == "connection" and v.lower() == "close" for k, v in headers)
