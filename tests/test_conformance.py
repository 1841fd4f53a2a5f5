"""The conformance scenarios (tests/conformance/*.json) run by the Python client: each scenario's call made
with the SDK's public operation methods (`with_raw_response`, so the HTTP status is checked too).

Against `BITGET_MOCK_URL` when `nox -s conformance` started one mock for every language, else against a
mock of its own with the suite's accounts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitget_sdk import BitgetAPIError, BitgetClient
from tools import conformance

SCENARIOS = conformance.scenario_files()
SNAKE = {
    "orderId": "order_id",
    "clientOid": "client_oid",
    "idLessThan": "id_less_than",
    "startTime": "start_time",
    "endTime": "end_time",
    "requestTime": "request_time",
    "receiveWindow": "receive_window",
    "batchMode": "batch_mode",
    "orderList": "order_list",
    "tpslType": "tpsl_type",
    "symbolList": "symbol_list",
}
METHODS = {
    "batchCancelOrders": "batch_cancel_orders",
    "getServerTime": "get_server_time",
    "getOrderInfo": "get_order_info",
    "getUnfilledOrders": "get_unfilled_orders",
    "getHistoryOrders": "get_history_orders",
    "cancelSymbolOrders": "cancel_symbol_orders",
    "cancelOrder": "cancel_order",
    "getSymbols": "get_symbols",
    "getCurrentPlanOrders": "get_current_plan_orders",
    "getHistoryPlanOrders": "get_history_plan_orders",
    "cancelPlanOrder": "cancel_plan_order",
    "batchCancelPlanOrders": "batch_cancel_plan_orders",
}


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    url = os.environ.get("BITGET_MOCK_URL")
    if url:
        yield url
        return
    with conformance.mock_server() as started:
        yield started


def _client(name: str, url: str) -> BitgetClient:
    a = conformance.accounts()["accounts"][name]
    secret = {"secret_key": a["secretKey"]} if "secretKey" in a else {"private_key": a["privateKeyPem"]}
    return BitgetClient(a["apiKey"], passphrase=a["passphrase"], base_url=url, max_retries=0, **secret)


def _call(client: BitgetClient, call: dict[str, Any]) -> tuple[int, Any]:
    """The scenario's call through the SDK: (HTTP status, the answer as JSON)."""
    params = {SNAKE.get(k, k): v for k, v in {**call.get("query", {}), **call.get("body", {})}.items()}
    method = getattr(client.with_raw_response, METHODS[call["operation"]])
    try:
        raw = method(**params)
    except BitgetAPIError as exc:
        return exc.http_status, {"code": exc.code, "msg": exc.msg}
    return raw.http_status, raw.parsed.to_dict()


def test_every_operation_of_the_contract_has_a_scenario() -> None:
    from bitget_api import facts

    called = {conformance.Scenario(p).data["call"]["operation"] for p in SCENARIOS}
    assert called == set(facts.OPERATIONS) == set(METHODS)


def test_the_checker_reports_every_kind_of_difference(mock_url: str) -> None:
    scenario = conformance.Scenario(conformance.SUITE / "batch-cancel-by-order-id.json")
    with httpx.Client(base_url=mock_url, timeout=10) as http:
        scenario.setup(http)
        answer = {"code": "40009", "data": {"successList": [], "failureList": [{"orderId": "1"}]}}
        problems = scenario.check(400, answer, http)
    assert any(p.startswith("status 400") for p in problems)
    assert any(p.startswith("code '40009'") for p in problems)
    assert any(p.startswith("len(data.successList)") for p in problems)
    assert any(p.startswith("data.failureList.0.errorCode = missing") for p in problems)
    assert any("on the mock, expected 'cancelled'" in p for p in problems)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path: Path, mock_url: str) -> None:
    scenario = conformance.Scenario(path)
    with httpx.Client(base_url=mock_url, timeout=10) as http, _client(scenario.account, mock_url) as client:
        scenario.setup(http)
        status, answer = _call(client, scenario.call)
        assert scenario.check(status, answer, http) == [], scenario.name
