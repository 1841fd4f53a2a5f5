"""The `bitget_mock_server` fixture users get from the plugin: a running, reset mock."""

from __future__ import annotations

import httpx
import pytest

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


def test_fixture_is_reset_between_tests(pytester: pytest.Pytester) -> None:
    # A user's session in a subprocess: the first test leaves orders, faults and history behind, the
    # second must see none of them. (Alone, a test in this file could only see a fresh server.)
    pytester.makepyfile(
        """
        import httpx

        def test_a_leaves_state_behind(bitget_mock_server):
            url = bitget_mock_server.url
            httpx.post(url + "/mock/orders", json={"symbol": "BTCUSDT", "count": 3}).raise_for_status()
            httpx.post(url + "/mock/faults", json={"error_rate": 1.0}).raise_for_status()

        def test_b_sees_a_reset_mock(bitget_mock_server):
            url = bitget_mock_server.url
            assert httpx.get(url + "/mock/orders").json() == {"orders": []}
            assert httpx.get(url + "/mock/faults").json()["faults"]["error_rate"] == 0
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
