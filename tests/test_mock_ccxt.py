"""A signer we did not write (ccxt's Bitget class) is accepted by the mock: our verification is not self-confirming."""

from __future__ import annotations

from typing import Any

import ccxt
import pytest

from .conftest import DEMO, MockClient

BTC_MARKET: dict[str, Any] = {
    "id": "BTCUSDT",
    "symbol": "BTC/USDT",
    "base": "BTC",
    "quote": "USDT",
    "baseId": "BTC",
    "quoteId": "USDT",
    "type": "spot",
    "spot": True,
    "margin": False,
    "swap": False,
    "future": False,
    "option": False,
    "contract": False,
    "active": True,
    "precision": {"amount": 0.0001, "price": 0.01},
    "limits": {},
    "info": {},
}


def _exchange(url: str, secret: str = "demo-secret-key") -> Any:
    exchange = ccxt.bitget({"apiKey": DEMO.api_key, "secret": secret, "password": "demo-passphrase", "timeout": 10_000})
    exchange.urls["api"] = dict.fromkeys(exchange.urls["api"], url)
    exchange.set_markets([BTC_MARKET])  # no market download: the mock serves only the batch cancel endpoint
    return exchange


def test_ccxt_cancel_orders_is_accepted(mock: MockClient) -> None:
    orders = mock.seed("BTCUSDT", 5)
    result = _exchange(mock.server.url).cancel_orders([o["orderId"] for o in orders], "BTC/USDT")
    assert sorted(r["id"] for r in result) == sorted(o["orderId"] for o in orders)
    assert mock.orders(status="live") == []


def test_ccxt_with_a_wrong_secret_is_rejected(mock: MockClient) -> None:
    with pytest.raises(ccxt.AuthenticationError):
        _exchange(mock.server.url, secret="wrong").cancel_orders(["1"], "BTC/USDT")


def test_ccxt_drops_the_failure_list(mock: MockClient) -> None:
    # Documented peer behaviour the SDK improves on: ccxt returns only successList.
    order = mock.seed("BTCUSDT", 1)[0]
    result = _exchange(mock.server.url).cancel_orders([order["orderId"], "404404"], "BTC/USDT")
    assert [r["id"] for r in result] == [order["orderId"]]
