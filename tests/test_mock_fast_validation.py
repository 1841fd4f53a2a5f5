"""The mock checks request bodies with two validators of the same schema: jsonschema-rs decides
whether a body is valid (fast), `jsonschema` describes a rejection. They must agree on every body,
or the mock would accept what it should reject (or reject without a reason)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitget_mock.contract import Contract

CONTRACT = Contract()
WITH_BODY = [op for op in CONTRACT.operations.values() if op.has_body]

_text = st.one_of(
    st.sampled_from(["", "BTCUSDT", "ethusdt", "1", "single", "multiple", "SINGLE", "x" * 70]),
    st.text(max_size=8),
)
_scalar = st.one_of(_text, st.integers(), st.none(), st.booleans(), st.floats(allow_nan=False))
_id = st.one_of(st.sampled_from(["1", "1234567890123"]), st.text(min_size=1, max_size=6))
_valid_item = st.fixed_dictionaries({}, optional={"orderId": _id, "clientOid": _id, "symbol": _id}).filter(
    lambda item: "orderId" in item or "clientOid" in item
)
_item = st.one_of(
    _valid_item,
    _valid_item.map(lambda item: {**item, "symbol": ""}),
    st.dictionaries(st.sampled_from(["orderId", "clientOid", "symbol", "extra"]), _scalar, max_size=4),
    _scalar,
)
_single = st.fixed_dictionaries(
    {"symbol": _id, "orderList": st.lists(_valid_item, min_size=1, max_size=50)},
    optional={"batchMode": st.just("single")},
)
_multiple = st.fixed_dictionaries(
    {"batchMode": st.just("multiple"), "orderList": st.lists(_valid_item.map(lambda i: {"symbol": "BTCUSDT", **i}))},
    optional={"symbol": _scalar},
).filter(lambda b: 1 <= len(b["orderList"]) <= 50)
_EDITS = ["none", "none", "none", "drop", "set", "item", "grow"]


@st.composite
def _near_valid(draw: st.DrawFn) -> Any:
    """A valid body, or one edit away from one (so that both answers are common)."""
    body: dict[str, Any] = draw(st.one_of(_single, _multiple))
    edit = draw(st.sampled_from(_EDITS))
    if edit == "drop":
        body.pop(draw(st.sampled_from(sorted(body))))
    elif edit == "set":
        body[draw(st.sampled_from(["symbol", "batchMode", "orderList", "other"]))] = draw(_scalar)
    elif edit == "item":
        body["orderList"][draw(st.integers(0, len(body["orderList"]) - 1))] = draw(_item)
    elif edit == "grow":
        body["orderList"] = body["orderList"] * 51
    return body


_symbol_body = st.fixed_dictionaries({"symbol": st.one_of(_id, _id, _scalar)}, optional={"other": _scalar})
_body = st.one_of(_near_valid(), _near_valid(), _near_valid(), _symbol_body, _scalar, st.lists(_scalar, max_size=2))


def _python_says_valid(op: Any, body: Any) -> bool:
    return not any(True for _ in op._body.iter_errors(body))


def test_there_are_bodies_to_check() -> None:
    assert {op.id for op in WITH_BODY} >= {"batchCancelOrders", "cancelSymbolOrders"}


def test_jsonschema_rs_and_jsonschema_agree_on_every_body() -> None:
    seen: dict[tuple[str, bool], int] = {}

    @settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(body=_body)
    def agree(body: Any) -> None:
        for op in WITH_BODY:
            verdict = op._accepts(body)
            assert verdict == _python_says_valid(op, body), (op.id, body)
            seen[op.id, verdict] = seen.get((op.id, verdict), 0) + 1

    agree()
    for op in WITH_BODY:  # the corpus held valid and invalid bodies of every operation
        assert seen.get((op.id, True), 0) >= 20 and seen.get((op.id, False), 0) >= 20, seen


def test_a_body_only_the_fast_validator_would_judge_is_still_described() -> None:
    op = CONTRACT.operations["batchCancelOrders"]
    bad = {"batchMode": "multiple", "orderList": [{"orderId": "1", "symbol": ""}]}
    rejection = op.check_body(bad)
    assert rejection is not None and "orderList[0].symbol" in rejection.msg
    assert op.check_body({"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}]}) is None
