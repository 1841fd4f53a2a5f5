"""Run the mock on a real socket: in a background thread for tests and the CLI's demo, or in the foreground."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from .app import create_app
from .exchange import MockExchange


class MockServer:
    """A started uvicorn serving the mock on `host` (port 0 = a free port), stopped on exit.

    >>> with MockServer() as server:
    ...     server.url  # e.g. "http://127.0.0.1:54321"
    """

    def __init__(
        self, exchange: MockExchange | None = None, host: str = "127.0.0.1", port: int = 0, **uvicorn_kw: Any
    ) -> None:
        self.exchange = exchange or MockExchange()
        kw: dict[str, Any] = {
            "log_level": "warning",
            "lifespan": "off",
            "access_log": False,
            "proxy_headers": False,  # see command.py
            **uvicorn_kw,
        }
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
