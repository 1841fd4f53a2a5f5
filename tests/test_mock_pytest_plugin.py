"""The `bitget_mock_server` fixture users get from the plugin: a running, reset mock."""

from __future__ import annotations

import httpx

from bitget_mock import DEMO_API_KEY, DEMO_PASSPHRASE, DEMO_SECRET_KEY, MockServer
from bitget_sdk import BitgetClient


def test_fixture_serves_a_reset_mock(bitget_mock_server: MockServer) -> None:
    assert httpx.get(bitget_mock_server.url + "/mock/orders").json() == {"orders": []}
    ids = [
        o["orderId"]
        for o in httpx.post(bitget_mock_server.url + "/mock/orders", json={"symbol": "BTCUSDT", "count": 3}).json()[
            "orders"
        ]
    ]
    with BitgetClient(DEMO_API_KEY, DEMO_SECRET_KEY, DEMO_PASSPHRASE, base_url=bitget_mock_server.url) as client:
        assert len(client.cancel_orders(symbol="BTCUSDT", order_ids=ids).cancelled) == 3


def test_fixture_is_reset_between_tests(bitget_mock_server: MockServer) -> None:
    assert httpx.get(bitget_mock_server.url + "/mock/orders").json() == {"orders": []}
