"""Batch cancel semantics, request validation, rate limit, control API and faults of the mock."""

from __future__ import annotations

import ast
import json
import logging
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bitget_mock import MockExchange, MockServer, Settings
from bitget_mock.orders import OrderBook, OrderSpec
from bitget_mock.ratelimit import SlidingWindowLimiter
from tools.mockproc import free_port

from .conftest import DEMO, PATH, MockClient, signed_headers


def _data(r: httpx.Response) -> dict[str, list[dict[str, str]]]:
    assert r.status_code == 200, r.text
    assert r.json()["code"] == "00000"
    data: dict[str, list[dict[str, str]]] = r.json()["data"]
    return data


# --- batch semantics -------------------------------------------------------------------------


def test_partial_failure_is_200_with_failure_list(mock: MockClient) -> None:
    a, b = mock.seed(count=2)
    data = _data(mock.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": a["orderId"]}, {"orderId": "404"}]}))
    assert data["successList"] == [{"orderId": a["orderId"], "clientOid": a["clientOid"]}]
    assert data["failureList"] == [
        {"orderId": "404", "clientOid": None, "errorMsg": "The order does not exist", "errorCode": "43001"}
    ]
    assert [o["orderId"] for o in mock.orders(status="live")] == [b["orderId"]]


def test_single_mode_uses_top_level_symbol_and_ignores_item_symbols(mock: MockClient) -> None:
    btc = mock.seed("BTCUSDT", 1)[0]
    payload = {
        "symbol": "BTCUSDT",
        "batchMode": "single",
        "orderList": [{"orderId": btc["orderId"], "symbol": "ETHUSDT"}],
    }
    assert len(_data(mock.cancel(payload))["successList"]) == 1


def test_single_mode_does_not_find_an_order_of_another_symbol(mock: MockClient) -> None:
    eth = mock.seed("ETHUSDT", 1)[0]
    data = _data(mock.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": eth["orderId"]}]}))
    assert data["failureList"][0]["errorCode"] == "43001"
    assert mock.orders(status="live", symbol="ETHUSDT")


def test_multiple_mode_uses_item_symbols_and_ignores_top_level(mock: MockClient) -> None:
    btc, eth = mock.seed("BTCUSDT", 1)[0], mock.seed("ETHUSDT", 1)[0]
    payload = {
        "symbol": "",
        "batchMode": "multiple",
        "orderList": [
            {"orderId": btc["orderId"], "symbol": "BTCUSDT"},
            {"orderId": eth["orderId"], "symbol": "ETHUSDT"},
        ],
    }
    assert len(_data(mock.cancel(payload))["successList"]) == 2
    assert mock.orders(status="live") == []


def test_cancel_by_client_oid(mock: MockClient) -> None:
    orders = mock.seed(count=2)
    payload = {"symbol": "BTCUSDT", "orderList": [{"clientOid": o["clientOid"]} for o in orders]}
    data = _data(mock.cancel(payload))
    assert {s["orderId"] for s in data["successList"]} == {o["orderId"] for o in orders}


def test_mixed_identifiers_fail_the_client_oid_only_items(mock: MockClient) -> None:
    a, b = mock.seed(count=2)
    payload = {"symbol": "BTCUSDT", "orderList": [{"orderId": a["orderId"]}, {"clientOid": b["clientOid"]}]}
    data = _data(mock.cancel(payload))
    assert data["successList"] == [{"orderId": a["orderId"], "clientOid": a["clientOid"]}]
    assert data["failureList"] == [
        {
            "orderId": None,
            "clientOid": b["clientOid"],
            "errorMsg": "Parameter orderId cannot be empty",
            "errorCode": "40019",
        }
    ]
    assert [o["orderId"] for o in mock.orders(status="live")] == [b["orderId"]]


def test_item_with_both_identifiers_is_matched_by_order_id(mock: MockClient) -> None:
    a = mock.seed(count=1)[0]
    data = _data(mock.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": a["orderId"], "clientOid": "other"}]}))
    assert data["successList"][0]["orderId"] == a["orderId"]


def test_already_cancelled_order_fails_with_not_found(mock: MockClient) -> None:
    a = mock.seed(count=1)[0]
    payload = {"symbol": "BTCUSDT", "orderList": [{"orderId": a["orderId"]}]}
    _data(mock.cancel(payload))
    again = _data(mock.cancel(payload))
    assert again["successList"] == []
    assert again["failureList"][0]["errorCode"] == "43001"


@pytest.mark.parametrize(("field", "label"), [("orderId", "orderId"), ("clientOid", "clientOrderId")])
def test_duplicate_in_one_batch_first_wins_later_fail(mock: MockClient, field: str, label: str) -> None:
    a = mock.seed(count=1)[0]
    data = _data(mock.cancel({"symbol": "BTCUSDT", "orderList": [{field: a[field]}, {field: a[field]}]}))
    assert len(data["successList"]) == 1
    ids = {"orderId": None, "clientOid": None, field: a[field]}  # both keys, null for the one not given
    assert data["failureList"] == [{**ids, "errorMsg": f"duplicate {label}", "errorCode": "40808"}]


# --- validation from the contract ------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "code", "fragment"),
    [
        ({"symbol": "BTCUSDT"}, "40019", "orderList"),
        ({"symbol": "BTCUSDT", "orderList": []}, "40017", "orderList"),
        ({"symbol": "BTCUSDT", "orderList": [{"orderId": str(i)} for i in range(51)]}, "40017", "orderList"),
        ({"orderList": [{"orderId": "1"}]}, "40019", "symbol"),
        ({"symbol": "", "orderList": [{"orderId": "1"}]}, "40017", "symbol"),
        ({"batchMode": "multiple", "orderList": [{"orderId": "1"}]}, "40019", "orderList[0].symbol"),
        ({"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}, {"symbol": "X"}]}, "40019", "orderList[1]"),
        ({"symbol": "BTCUSDT", "orderList": [{"orderId": 5}]}, "40017", "orderList[0].orderId"),
        ({"symbol": "BTCUSDT", "batchMode": "both", "orderList": [{"orderId": "1"}]}, "40017", "batchMode"),
        ({"symbol": "BTCUSDT", "orderList": [{"orderID": "1"}]}, "40017", "orderID"),
        ([1, 2], "40017", "body"),
    ],
)
def test_schema_violations_are_400_naming_the_field(
    mock: MockClient, payload: object, code: str, fragment: str
) -> None:
    r = mock.cancel(payload)
    assert r.status_code == 400
    assert r.json()["code"] == code
    assert fragment in r.json()["msg"]
    assert r.json()["data"] is None


def test_neither_identifier_is_named_as_such(mock: MockClient) -> None:
    r = mock.cancel({"symbol": "BTCUSDT", "orderList": [{"symbol": "BTCUSDT"}]})
    assert r.json()["msg"] == "Parameter orderList[0]: either orderId or clientOid is required"


def test_wrong_content_type(mock: MockClient) -> None:
    body = json.dumps({"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}]}).encode()
    headers = signed_headers(body) | {"Content-Type": "text/plain"}
    r = mock.http.post(PATH, content=body, headers=headers)
    assert (r.status_code, r.json()["code"]) == (400, "40007")


@pytest.mark.parametrize("raw", [b"{", b"\xff\xfe", b"", b"[" * 100_000, b'{"symbol": NaN}'])
def test_invalid_json_is_400_never_500(mock: MockClient, raw: bytes) -> None:
    r = mock.cancel(None, raw=raw)
    assert r.status_code == 400
    assert r.json()["code"] in {"40017"}


def test_header_parameters_are_validated_from_the_contract(mock: MockClient) -> None:
    body = json.dumps({"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}]}).encode()
    ok = mock.http.post(PATH, content=body, headers=signed_headers(body) | {"locale": "en-US", "PAPTRADING": "1"})
    assert ok.status_code == 200
    bad = mock.http.post(PATH, content=body, headers=signed_headers(body) | {"locale": "fr-FR"})
    assert (bad.status_code, bad.json()["code"]) == (400, "40017")
    assert "locale" in bad.json()["msg"]


def test_other_methods_are_405_with_allow(mock: MockClient) -> None:
    r = mock.http.get(PATH)
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"


def test_oversized_body_is_rejected(mock: MockClient) -> None:
    raw = b'{"symbol":"' + b"A" * (1 << 20) + b'","orderList":[{"orderId":"1"}]}'
    r = mock.cancel(None, raw=raw)
    assert (r.status_code, r.json()["code"]) == (400, "40017")


# --- rate limit ------------------------------------------------------------------------------


def test_sliding_window_never_admits_more_than_limit_in_any_second() -> None:
    now = [0.0]
    limiter = SlidingWindowLimiter(10, clock=lambda: now[0])
    admitted = []
    for step in range(400):  # 4 s of attempts every 10 ms
        now[0] = step * 0.01
        if limiter.try_acquire("uid"):
            admitted.append(now[0])
    for i, t in enumerate(admitted):
        in_window = [u for u in admitted[i:] if u - t < 1.0]
        assert len(in_window) <= 10
    assert len(admitted) >= 39  # and it does admit at the full rate
    assert limiter.try_acquire("other-uid")  # per UID


def test_burst_gets_429_then_recovers() -> None:
    with MockServer(MockExchange([DEMO], Settings(rate_limit=10))) as server:
        client = MockClient(server)
        payload = {"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}]}
        statuses = [client.cancel(payload).status_code for _ in range(15)]
        assert statuses[:10] == [200] * 10
        assert statuses[10:] == [429] * 5
        r = client.cancel(payload)
        assert r.json() == {
            "code": "429",
            "msg": "Too Many Requests",
            "requestTime": r.json()["requestTime"],
            "data": None,
        }
        time.sleep(1.05)
        assert client.cancel(payload).status_code == 200


def test_default_rate_limit_comes_from_the_contract() -> None:
    assert MockExchange([DEMO]).limiters["batchCancelOrders"].limit == 10


# --- control API, faults ---------------------------------------------------------------------


def test_control_api_seed_list_reset(mock: MockClient) -> None:
    created = mock.http.post(
        "/mock/orders", json={"orders": [{"symbol": "BTCUSDT", "clientOid": "mine-1"}, {"symbol": "ETHUSDT"}]}
    ).json()["orders"]
    assert created[0]["clientOid"] == "mine-1"
    assert "clientOid" not in created[1]
    assert len(mock.orders(symbol="ETHUSDT", status="live")) == 1
    dup = mock.http.post("/mock/orders", json={"orders": [{"symbol": "BTCUSDT", "clientOid": "mine-1"}]})
    assert dup.status_code == 400
    assert mock.http.post("/mock/orders", json={"symbol": "BTCUSDT", "count": 0}).status_code == 400
    assert mock.http.post("/mock/reset").status_code == 200
    assert mock.orders() == []


def test_order_book_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import bitget_mock.orders as orders

    monkeypatch.setattr(orders, "MAX_ORDERS", 5)
    book = OrderBook()
    book.add("u", [OrderSpec("BTCUSDT")] * 5)
    with pytest.raises(orders.OrderBookFull):
        book.add("u", [OrderSpec("BTCUSDT")])


def test_error_fault_is_5xx_and_cancels_nothing(mock: MockClient) -> None:
    a = mock.seed(count=1)[0]
    assert mock.http.post("/mock/faults", json={"error_rate": 1.0, "seed": 1}).status_code == 200
    r = mock.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": a["orderId"]}]})
    assert r.status_code == 503
    assert r.json()["data"] is None
    assert len(mock.orders(status="live")) == 1


def test_drop_fault_cancels_then_loses_the_answer(mock: MockClient) -> None:
    a = mock.seed(count=1)[0]
    mock.http.post("/mock/faults", json={"drop_rate": 1.0})
    with pytest.raises(httpx.RemoteProtocolError):
        mock.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": a["orderId"]}]})
    assert mock.orders(status="cancelled")[0]["orderId"] == a["orderId"]


def test_delay_fault_answers_late_with_cancels_applied(mock: MockClient) -> None:
    a = mock.seed(count=1)[0]
    mock.http.post("/mock/faults", json={"delay_rate": 1.0, "delay_ms": 300})
    start = time.monotonic()
    r = mock.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": a["orderId"]}]})
    assert time.monotonic() - start >= 0.3
    assert len(_data(r)["successList"]) == 1


def test_throttle_fault_is_429(mock: MockClient) -> None:
    mock.http.post("/mock/faults", json={"throttle_rate": 1.0})
    assert mock.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}]}).status_code == 429
    stats = mock.http.get("/mock/faults").json()
    assert stats["injected"]["throttle"] == 1
    mock.http.post("/mock/faults", json={})
    assert mock.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}]}).status_code == 200


@pytest.mark.parametrize("bad", [{"error_rate": 2}, {"nope": 1}, {"delay_ms": -1}, [1]])
def test_fault_config_is_validated(mock: MockClient, bad: object) -> None:
    assert mock.http.post("/mock/faults", json=bad).status_code == 400


def test_seeded_faults_are_deterministic(mock: MockClient) -> None:
    def run() -> list[int]:
        mock.http.post("/mock/faults", json={"error_rate": 0.5, "seed": 42})
        return [mock.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}]}).status_code for _ in range(20)]

    first = run()
    assert first == run()
    assert {200, 503} == set(first)


# --- hygiene ---------------------------------------------------------------------------------


def test_access_log_is_structured_and_has_no_secrets(mock: MockClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        mock.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}]})
        mock.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}]}, secret="wrong")
    lines = [r.getMessage() for r in caplog.records if r.name == "bitget_mock.access"]
    assert len(lines) == 2
    assert json.loads(lines[0])["status"] == 200
    text = caplog.text + repr(DEMO)
    for secret in ("demo-secret-key", "demo-passphrase"):
        assert secret not in text


def test_mock_never_imports_the_sdk() -> None:
    root = Path(__file__).resolve().parent.parent / "mock" / "bitget_mock"
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] in {"bitget_sdk", "bitget_api"} for n in names), path
    out = subprocess.run(
        [sys.executable, "-c", "import sys, bitget_mock; print('bitget_sdk' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"


def test_console_script_serves_the_endpoint() -> None:
    port = free_port()
    exe = Path(sys.executable).with_name("bitget-mock")
    proc = subprocess.Popen([str(exe), "--port", str(port)], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/v2/public/time")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "bitget-mock did not start"
                time.sleep(0.1)
        assert r.json()["code"] == "00000"
        client = MockClient.__new__(MockClient)
        client.http = httpx.Client(base_url=f"http://127.0.0.1:{port}")
        order = client.http.post("/mock/orders", json={"symbol": "BTCUSDT", "count": 1}).json()["orders"][0]
        data = _data(client.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": order["orderId"]}]}))
        assert data["successList"][0]["orderId"] == order["orderId"]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "bg_demo_key" in err  # demo credentials are announced
    assert "demo-secret-key" in err  # ... including how to use them (they are public, documented)


def test_a_mock_of_its_own_freezes_seeded_orders_out_of_the_collectors_way_until_a_reset() -> None:
    """`bitget-mock` sets freeze_seeded_orders: a full collection over 100,000 seeded orders held every
    request ~140 ms mid-run. A reset hands them back to the collector (or they would never be freed)."""
    import gc

    with MockServer(MockExchange([DEMO], Settings(freeze_seeded_orders=True))) as server:
        client = MockClient(server)
        try:
            client.seed("BTCUSDT", 3)
            assert gc.get_freeze_count() > 0
        finally:
            httpx.post(server.url + "/mock/reset")
        assert gc.get_freeze_count() == 0
    with MockServer(MockExchange([DEMO], Settings())) as server:  # in a test's or the CLI's process: never
        MockClient(server).seed("BTCUSDT", 3)
        assert gc.get_freeze_count() == 0
