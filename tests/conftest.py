"""Shared fixtures: a real mock exchange on loopback, and a minimal independent request signer."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bitget_mock import MockExchange, MockServer, Settings, demo_account

# The CLI journals every run in the user's state directory by default: the suite's runs (and the CLI
# processes it starts, which inherit this) journal into a directory of their own, not the home's.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="bitget-tests-state-")

pytest_plugins = ["pytester"]

PATH = "/api/v2/spot/trade/batch-cancel-order"
DEMO = demo_account()


def hmac_sign(secret: str, message: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def signed_headers(
    body: bytes,
    *,
    api_key: str = DEMO.api_key,
    secret: str = "demo-secret-key",
    passphrase: str = "demo-passphrase",
    ts: str | None = None,
    path: str = PATH,
) -> dict[str, str]:
    ts = ts or str(int(time.time() * 1000))
    return {
        "ACCESS-KEY": api_key,
        "ACCESS-SIGN": hmac_sign(secret, ts.encode() + b"POST" + path.encode() + body),
        "ACCESS-TIMESTAMP": ts,
        "ACCESS-PASSPHRASE": passphrase,
        "Content-Type": "application/json",
    }


class MockClient:
    """Talks to a running mock: seeds orders through /mock/ and sends signed cancels."""

    def __init__(self, server: MockServer) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.url, timeout=10)

    def seed(self, symbol: str = "BTCUSDT", count: int = 3, **extra: Any) -> list[dict[str, str]]:
        r = self.http.post("/mock/orders", json={"symbol": symbol, "count": count, **extra})
        r.raise_for_status()
        orders: list[dict[str, str]] = r.json()["orders"]
        return orders

    def orders(self, **params: str) -> list[dict[str, str]]:
        result: list[dict[str, str]] = self.http.get("/mock/orders", params=params).json()["orders"]
        return result

    def cancel(self, payload: Any, *, raw: bytes | None = None, **sign_kw: Any) -> httpx.Response:
        body = raw if raw is not None else json.dumps(payload, separators=(",", ":")).encode()
        return self.http.post(PATH, content=body, headers=signed_headers(body, **sign_kw))


@pytest.fixture
def ctrl_c_raises() -> Iterator[None]:
    """Ctrl-C (SIGINT, or `_thread.interrupt_main()`) raises KeyboardInterrupt in this process, as in a
    terminal, even when the suite runs as a background job: such a job starts with SIGINT ignored, and
    Python then keeps it ignored."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.fixture(scope="session")
def mock_server() -> Iterator[MockServer]:
    """One server for the session, rate limit off (the limit has its own tests); reset per test."""
    with MockServer(MockExchange([DEMO], Settings(rate_limit=0))) as server:
        yield server


@pytest.fixture
def mock(mock_server: MockServer) -> Iterator[MockClient]:
    mock_server.exchange.reset()
    client = MockClient(mock_server)
    yield client
    client.http.close()
