"""The contract is valid OpenAPI 3.1, its examples validate, and its rules say what the endpoint doc says."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from .spec_support import OPERATION, example_errors, iter_examples, load_spec, validator_for


@pytest.fixture
def spec() -> dict[str, Any]:
    return copy.deepcopy(load_spec())


def _request_errors(spec: dict[str, Any], body: Any) -> list[str]:
    return [e.message for e in validator_for(spec, "/components/schemas/BatchCancelRequest").iter_errors(body)]


def test_spec_is_valid_openapi_31(spec: dict[str, Any]) -> None:
    assert spec["openapi"] == "3.1.0"
    validate(spec)


def test_broken_spec_is_rejected_by_the_validator(spec: dict[str, Any]) -> None:
    spec["paths"][OPERATION[0]][OPERATION[1]]["parameters"].append({"name": "x", "in": "body"})
    with pytest.raises(OpenAPIValidationError):
        validate(spec)


def test_every_example_validates_against_its_schema(spec: dict[str, Any]) -> None:
    assert len(list(iter_examples(spec))) >= 15, "the contract lost its examples"
    assert example_errors(spec) == []


@pytest.mark.parametrize(
    ("where", "bad"),
    [
        ("request", {"symbol": "BTCUSDT", "orderList": []}),
        ("request", {"batchMode": "single", "orderList": [{"orderId": "1"}]}),
        ("200", {"code": "00000", "msg": "success", "requestTime": 1, "data": None}),
        ("400", {"code": 40009, "msg": "sign signature error", "data": None}),
    ],
)
def test_a_wrong_example_is_caught(spec: dict[str, Any], where: str, bad: Any) -> None:
    op = spec["paths"][OPERATION[0]][OPERATION[1]]
    media = (
        op["requestBody"]["content"]["application/json"]
        if where == "request"
        else op["responses"][where]["content"]["application/json"]
    )
    media["examples"]["broken"] = {"value": bad}
    errors = example_errors(spec)
    assert errors
    assert all("broken" in e for e in errors)


def test_operation_metadata(spec: dict[str, Any]) -> None:
    op = spec["paths"][OPERATION[0]][OPERATION[1]]
    assert op["operationId"] == "batchCancelOrders"
    assert op["tags"] == ["spot-trade"]
    assert "10 requests per second per UID" in op["description"]
    assert "Do not mix identifiers" in op["description"]
    limit = dict(op["x-rate-limit"])
    description = limit.pop("description")
    assert limit == {"scope": "uid", "limit": 10, "window-ms": 1000}
    assert "UID" in description or "uid" in description
    assert spec["servers"][0]["url"] == "https://api.bitget.com"


def test_security_is_four_api_key_headers_required_together(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert {s["name"] for s in schemes.values()} == {
        "ACCESS-KEY",
        "ACCESS-SIGN",
        "ACCESS-TIMESTAMP",
        "ACCESS-PASSPHRASE",
    }
    assert all(s["type"] == "apiKey" and s["in"] == "header" for s in schemes.values())
    op = spec["paths"][OPERATION[0]][OPERATION[1]]
    # One requirement object naming all four = all are required together (AND), not alternatives.
    assert op["security"] == [{name: [] for name in schemes}]
    assert "HMAC-SHA256" in spec["info"]["description"]
    assert "SHA256withRSA" in spec["info"]["description"]


def test_every_error_status_uses_the_error_envelope(spec: dict[str, Any]) -> None:
    op = spec["paths"][OPERATION[0]][OPERATION[1]]
    for status, resp in op["responses"].items():
        if status.startswith("2"):
            continue
        ref = resp["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/ErrorResponse", status
    assert {"200", "400", "429", "5XX"} <= op["responses"].keys()


def test_error_code_catalogue(spec: dict[str, Any]) -> None:
    codes = {c["code"]: c for c in spec["components"]["schemas"]["ErrorResponse"]["x-error-codes"]}
    for code in ["40001", "40003", "40006", "40008", "40009", "40011", "40012", "40017", "43001", "429"]:
        assert codes[code]["meaning"], code
    assert {c["category"] for c in codes.values()} >= {
        "authentication",
        "timestamp",
        "parameter",
        "rate-limit",
        "server",
        "order",
    }


@pytest.mark.parametrize(
    "body",
    [
        {"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}]},
        {"symbol": "BTCUSDT", "batchMode": "single", "orderList": [{"clientOid": "a"}]},
        {"symbol": "BTCUSDT", "orderList": [{"orderId": "1", "symbol": ""}]},  # item symbol ignored
        {"batchMode": "multiple", "orderList": [{"orderId": "1", "symbol": "BTCUSDT"}]},
        {"symbol": "", "batchMode": "multiple", "orderList": [{"clientOid": "c", "symbol": "ETHUSDT"}]},
        {"symbol": "BTCUSDT", "orderList": [{"orderId": str(i)} for i in range(50)]},
        {"symbol": "BTCUSDT", "orderList": [{"orderId": "1", "clientOid": "x"}]},
    ],
)
def test_request_rules_accept(spec: dict[str, Any], body: Any) -> None:
    assert _request_errors(spec, body) == []


@pytest.mark.parametrize(
    "body",
    [
        {"symbol": "BTCUSDT"},  # orderList required
        {"symbol": "BTCUSDT", "orderList": []},  # at least one
        {"symbol": "BTCUSDT", "orderList": [{"orderId": str(i)} for i in range(51)]},  # at most 50
        {"orderList": [{"orderId": "1"}]},  # single mode needs symbol
        {"symbol": "", "orderList": [{"orderId": "1"}]},  # ... non-empty
        {"batchMode": "multiple", "orderList": [{"orderId": "1"}]},  # item symbol in multiple mode
        {"batchMode": "multiple", "orderList": [{"orderId": "1", "symbol": ""}]},
        {"symbol": "BTCUSDT", "orderList": [{"symbol": "BTCUSDT"}]},  # neither orderId nor clientOid
        {"symbol": "BTCUSDT", "orderList": [{"orderId": ""}]},
        {"symbol": "BTCUSDT", "orderList": [{"clientOid": ""}]},
        {"symbol": "BTCUSDT", "orderList": [{"orderId": 1}]},
        {"symbol": "BTCUSDT", "batchMode": "cross", "orderList": [{"orderId": "1"}]},
        {"symbol": "BTCUSDT", "orderList": [{"orderID": "1"}]},  # typo'd key is not silently ignored
        {"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}], "extra": 1},
    ],
)
def test_request_rules_reject(spec: dict[str, Any], body: Any) -> None:
    assert _request_errors(spec, body)


def test_batch_rules_extension_names_every_rule(spec: dict[str, Any]) -> None:
    rules = {r["id"]: r for r in spec["components"]["schemas"]["BatchCancelRequest"]["x-batch-rules"]}
    assert set(rules) == {
        "max-items",
        "order-identifier",
        "single-mode-symbol",
        "multiple-mode-item-symbol",
        "no-mixed-identifiers",
        "duplicate-in-batch",
    }
    assert rules["no-mixed-identifiers"]["enforced-by"] == "server-per-item"
