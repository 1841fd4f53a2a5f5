"""A simulated long link: a loopback TCP proxy adding one-way delay with jitter in each direction.

Bitget is tens to hundreds of milliseconds away; the mock is on loopback. Between them this proxy
holds every chunk it forwards for `delay_ms ± jitter_ms` (uniform), in each direction separately,
and never lets a chunk overtake an earlier one on the same connection (TCP keeps order: a chunk
that drew a shorter delay waits for the one before it). Connection set-up is not delayed.

    with LatencyProxy(mock_url, delay_ms=100, jitter_ms=20) as link:
        client = BitgetClient(..., base_url=link.url)

Run alone (for a benchmark in its own process): python -m tools.latency UPSTREAM_URL --delay-ms 100
--jitter-ms 20 [--port P]; it prints its URL on the first line of stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import sys
import threading
from types import TracebackType
from urllib.parse import urlsplit

_CHUNK = 65536


class LatencyProxy:
    """The proxy on its own event loop in a background thread; `url` is where clients connect."""

    def __init__(
        self,
        upstream_url: str,
        *,
        delay_ms: float,
        jitter_ms: float = 0.0,
        seed: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if delay_ms < 0 or jitter_ms < 0 or jitter_ms > delay_ms:
            raise ValueError("need 0 <= jitter_ms <= delay_ms")
        parts = urlsplit(upstream_url)
        if parts.scheme != "http" or parts.hostname is None or parts.port is None:
            raise ValueError(f"upstream must be http://host:port, not {upstream_url!r}")
        self._upstream = (parts.hostname, parts.port)
        self.delay_s = delay_ms / 1000
        self.jitter_s = jitter_ms / 1000
        self._rng = random.Random(seed)
        self.host, self.port = host, port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _one_way(self) -> float:
        return self.delay_s + self._rng.uniform(-self.jitter_s, self.jitter_s)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Forward one direction: each chunk leaves at max(its own delay, the previous chunk's)."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                at, data = await queue.get()
                if (wait := at - loop.time()) > 0:
                    await asyncio.sleep(wait)
                if not data:
                    with contextlib.suppress(OSError):
                        writer.close()
                    return
                writer.write(data)
                with contextlib.suppress(OSError):
                    await writer.drain()

        sender = asyncio.ensure_future(deliver())
        last = 0.0
        try:
            while True:
                try:
                    data = await reader.read(_CHUNK)
                except OSError:
                    data = b""
                last = max(last, loop.time() + self._one_way())
                queue.put_nowait((last, data))
                if not data:
                    break
            await sender
        finally:
            sender.cancel()

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._upstream)
        except OSError:
            client_writer.close()
            return
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await asyncio.gather(
                self._pump(client_reader, up_writer), self._pump(up_reader, client_writer), return_exceptions=True
            )
        except asyncio.CancelledError:
            pass  # the proxy is stopping; ending quietly keeps asyncio's stream callback from logging it
        finally:
            self._tasks.discard(task)
            for w in (client_writer, up_writer):
                with contextlib.suppress(OSError):
                    w.close()

    async def _serve(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()

    def start(self) -> LatencyProxy:
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            assert self._loop is not None
            self._loop.run_until_complete(self._serve())
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="latency-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("latency proxy did not start")
        return self

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def stop(self) -> None:
        loop = self._loop
        if loop is not None and self._thread is not None:
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join(10)
            loop.close()
            self._loop = None

    def __enter__(self) -> LatencyProxy:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("upstream")
    parser.add_argument("--delay-ms", type=float, required=True)
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int)
    args = parser.parse_args(argv)
    proxy = LatencyProxy(
        args.upstream, delay_ms=args.delay_ms, jitter_ms=args.jitter_ms, seed=args.seed, port=args.port
    ).start()
    print(proxy.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        proxy.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
