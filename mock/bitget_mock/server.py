"""Run the mock on a real socket: in a background thread for tests and the CLI's demo, or in the foreground."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any

import httptools  # noqa: F401  (the parser UVICORN_OPTIONS names: a missing extra fails on import, with its hint)
import uvicorn

from .app import create_app
from .exchange import MockExchange

# How the mock is served, in tests, the CLI's demo and `bitget-mock` alike.
# * httptools (llhttp, C) parses HTTP/1.1: with h11 (pure Python) the mock spent ~1 ms of CPU per batch
#   cancel, half of it in parsing and writing HTTP; with httptools ~0.5 ms. The mock shares the machine
#   with the clients it measures (20 sub-accounts send 200 requests at once, every second), so its cost
#   shows in their figures.
# * No proxy in front: X-Forwarded-For from a local client must not change its IP (IP-scoped limits).
UVICORN_OPTIONS: dict[str, Any] = {
    "http": "httptools",
    "lifespan": "off",
    "access_log": False,
    "proxy_headers": False,
}


class MockServer:
    """A started uvicorn serving the mock on `host` (port 0 = a free port), stopped on exit.

    >>> with MockServer() as server:
    ...     server.url  # e.g. "http://127.0.0.1:54321"
    """

    def __init__(
        self, exchange: MockExchange | None = None, host: str = "127.0.0.1", port: int = 0, **uvicorn_kw: Any
    ) -> None:
        self.exchange = exchange or MockExchange()
        kw: dict[str, Any] = {"log_level": "warning", **UVICORN_OPTIONS, **uvicorn_kw}
        self._server = uvicorn.Server(uvicorn.Config(create_app(self.exchange), host=host, port=port, **kw))
        self._thread: threading.Thread | None = None
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> MockServer:
        self._thread = threading.Thread(target=self._server.run, name="bitget-mock", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"bitget-mock did not start on {self.host}:{self.port}")
            time.sleep(0.01)
        sockets = [s for srv in self._server.servers for s in srv.sockets]
        self.port = sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
