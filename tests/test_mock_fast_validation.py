"""The mock checks request bodies with two validators of the same schema: jsonschema-rs decides
whether a body is valid (fast), `jsonschema` describes a rejection. They must agree on every body,
or the mock would accept what it should reject (or reject without a reason).

Its query check, exploded object parameters included (orderInfo's `order`), must agree with the
contract's schemas read independently here."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitget_mock.contract import Contract

from .spec_support import load_spec, validator_for

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
_cancel_one = st.fixed_dictionaries(
    {"symbol": _id},
    optional={"orderId": _id, "clientOid": _id, "tpslType": st.sampled_from(["normal", "tpsl", "TPSL", ""])},
)


@st.composite
def _near_valid_one(draw: st.DrawFn) -> Any:
    """A single cancel (`cancel-order`) body, often valid, often one edit away from it."""
    body: dict[str, Any] = draw(_cancel_one)
    edit = draw(st.sampled_from(["none", "none", "drop", "set", "extra"]))
    if edit == "drop" and body:
        body.pop(draw(st.sampled_from(sorted(body))))
    elif edit == "set":
        body[draw(st.sampled_from(["symbol", "orderId", "clientOid", "tpslType"]))] = draw(_scalar)
    elif edit == "extra":
        body["orderList"] = []
    return body


# Plan orders: one by orderId or clientOid (no symbol), or every one of a symbol list (or of the account).
_plan_one = st.fixed_dictionaries({}, optional={"orderId": st.one_of(_id, _scalar), "clientOid": _id, "extra": _scalar})
# ... and one as sent, so that the corpus holds enough valid ones (of `_plan_one` ~1 in 10 is)
_plan_one_valid = st.one_of(st.fixed_dictionaries({"orderId": _id}), st.fixed_dictionaries({"clientOid": _id}))
_plan_batch = st.one_of(
    st.fixed_dictionaries({}, optional={"symbolList": st.lists(_id, min_size=1, max_size=3)}),
    st.fixed_dictionaries({}, optional={"symbolList": st.one_of(st.lists(_id, max_size=3), _scalar), "symbol": _id}),
)
_body = st.one_of(
    _near_valid(),
    _near_valid(),
    _near_valid(),
    _near_valid_one(),
    _symbol_body,
    _plan_one,
    _plan_one_valid,
    _plan_batch,
    _plan_batch,
    _scalar,
    st.lists(_scalar, max_size=2),
)


def _python_says_valid(op: Any, body: Any) -> bool:
    return not any(True for _ in op._body.iter_errors(body))


def test_there_are_bodies_to_check() -> None:
    assert {op.id for op in WITH_BODY} >= {"batchCancelOrders", "cancelSymbolOrders", "cancelOrder"}


def test_jsonschema_rs_and_jsonschema_agree_on_every_body() -> None:
    seen: dict[tuple[str, bool], int] = {}

    # derandomize: the same 1,500 bodies every run of one hypothesis version.
    @settings(
        max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True
    )
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


ORDER_INFO = CONTRACT.operations["getOrderInfo"]
_ORDER_INFO_QUERY = validator_for(load_spec(), "/components/schemas/OrderInfoQuery")
_query_text = st.one_of(st.sampled_from(["", "1", "my-order-0001", "x" * 64, "x" * 65, "-5", "2"]), st.text(max_size=6))
_digits = st.integers(0, 2**63 - 1).map(str)
_near_valid_query = st.fixed_dictionaries(
    {},
    optional={"orderId": _id, "clientOid": _id, "requestTime": _digits, "receiveWindow": _digits},
)
_query = st.one_of(
    _near_valid_query,
    _near_valid_query,
    st.dictionaries(
        st.sampled_from(["orderId", "clientOid", "requestTime", "receiveWindow", "order", "symbol", "extra"]),
        _query_text,
        max_size=5,
    ),
)


def _contract_says_valid(query: dict[str, str]) -> bool:
    """orderInfo's query by the contract: `order` exploded (its properties are the keys `orderId` and
    `clientOid`, nothing else: additionalProperties false), plus the two optional integer parameters."""
    scalars = {"requestTime", "receiveWindow"}
    order = {k: v for k, v in query.items() if k not in scalars}
    if not _ORDER_INFO_QUERY.is_valid(order):
        return False
    return all(re.fullmatch(r"-?[0-9]+", v) and 0 <= int(v) < 2**63 for k, v in query.items() if k in scalars)


def test_order_info_is_an_exploded_object_parameter_in_the_mock() -> None:
    assert [o.name for o in ORDER_INFO.query_objects] == ["order"]
    assert [p.name for p in ORDER_INFO.query_objects[0].properties] == ["orderId", "clientOid"]
    assert {q.name for q in ORDER_INFO.query} == {"requestTime", "receiveWindow"}


def test_the_mock_judges_order_info_queries_as_the_contract_does() -> None:
    seen: dict[bool, int] = {}

    @settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(query=_query)
    def agree(query: dict[str, str]) -> None:
        values, rejection = ORDER_INFO.check_query(query)
        assert (rejection is None) == _contract_says_valid(query), (query, rejection)
        if rejection is None:  # the handler reads the ids under their wire names
            assert {k: v for k, v in values.items() if k in ("orderId", "clientOid")} == {
                k: v for k, v in query.items() if k in ("orderId", "clientOid")
            }
        elif not {"orderId", "clientOid"} & set(query):
            assert rejection.code in ("40019", "40017"), rejection  # 40017 only for a bad or unknown other key
        seen[rejection is None] = seen.get(rejection is None, 0) + 1

    agree()
    assert seen.get(True, 0) >= 100 and seen.get(False, 0) >= 100, seen


def test_order_info_query_rejections() -> None:
    def check(query: dict[str, str]) -> tuple[str, str] | None:
        rejection = ORDER_INFO.check_query(query)[1]
        return None if rejection is None else (rejection.code, rejection.msg)

    neither = ("40019", "Parameter orderId or clientOid cannot be empty")  # the contract's 400 example
    assert check({}) == neither
    assert check({"requestTime": "1"}) == neither
    assert check({"order": ""}) == neither  # an object sent as a non-object, as a negative case may send it
    assert check({"orderId": "1"}) is None and check({"clientOid": "c"}) is None
    assert check({"orderId": "1", "clientOid": "c", "requestTime": "5"}) is None
    assert check({"orderId": ""}) == ("40019", "Parameter orderId cannot be empty")
    assert check({"clientOid": "x" * 65}) == ("40017", "Parameter verification failed: clientOid is too long")
    assert check({"orderId": "1", "symbol": "BTCUSDT"}) == (
        "40017",
        "Parameter verification failed: unknown parameter 'symbol'",
    )


def test_operations_without_a_closed_query_object_still_ignore_unknown_keys() -> None:
    unfilled = CONTRACT.operations["getUnfilledOrders"]
    assert unfilled.check_query({"limit": "5", "extra": "x"}) == ({"limit": 5}, None)
