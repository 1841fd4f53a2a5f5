"""Validation before the network: every rule names its field, and the overlay agrees with the contract."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bitget_api.models import BatchCancelOrderItem, BatchCancelRequest
from bitget_sdk import BatchValidationError, BitgetClient, collect_orders, plan_batches
from bitget_sdk._core.validation import validate_batch

from .spec_support import load_spec, validator_for

SCHEMA = validator_for(load_spec(), "/components/schemas/BatchCancelRequest")


def _no_network(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"validation must fail before any I/O, but {request.method} {request.url} was sent")


@pytest.fixture
def client() -> BitgetClient:
    return BitgetClient(
        "k", "s", "p", base_url="https://bitget.test", httpx_args={"transport": httpx.MockTransport(_no_network)}
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"symbol": "BTCUSDT", "order_list": []}, "orderList"),
        ({"symbol": "BTCUSDT", "order_list": [{"orderId": str(i)} for i in range(51)]}, "orderList"),
        ({"symbol": "BTCUSDT", "order_list": [{"symbol": "BTCUSDT"}]}, "orderList[0]"),
        ({"symbol": "BTCUSDT", "order_list": [{"orderId": "1"}, {"clientOid": "c"}]}, "orderList[1].orderId"),
        ({"order_list": [{"orderId": "1"}]}, "symbol"),
        ({"symbol": "", "order_list": [{"orderId": "1"}]}, "symbol"),
        ({"batch_mode": "multiple", "order_list": [{"orderId": "1"}]}, "orderList[0].symbol"),
        ({"batch_mode": "multiple", "order_list": [{"orderId": "1", "symbol": ""}]}, "orderList[0].symbol"),
        ({"symbol": "BTCUSDT", "batch_mode": "cross", "order_list": [{"orderId": "1"}]}, "batchMode"),
        ({"symbol": "BTCUSDT", "order_list": [{"orderId": 1}]}, "orderList[0].orderId"),
        ({"symbol": "BTCUSDT", "order_list": [{"orderId": ""}]}, "orderList[0].orderId"),
        ({"symbol": "BTCUSDT", "order_list": [{"orderID": "1"}]}, "orderList[0].orderID"),
        ({"symbol": 7, "order_list": [{"orderId": "1"}]}, "symbol"),
        ({"symbol": "BTCUSDT", "order_list": "1,2"}, "orderList"),
        ({"symbol": "BTCUSDT", "order_list": ["1"]}, "orderList[0]"),
    ],
)
def test_raw_batch_rules(client: BitgetClient, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(BatchValidationError) as info:
        client.batch_cancel_orders(**kwargs)
    assert info.value.field == field
    assert isinstance(info.value, ValueError)
    assert field in str(info.value)


def test_generated_item_models_are_accepted() -> None:
    body = validate_batch("BTCUSDT", None, [BatchCancelOrderItem(order_id="1"), {"orderId": "2"}])
    assert body == {"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}, {"orderId": "2"}]}


@pytest.mark.parametrize(
    ("kwargs", "field", "index"),
    [
        ({}, "orders", None),
        ({"order_ids": ["1"]}, "symbol", None),
        ({"symbol": "BTCUSDT", "order_ids": "123"}, "order_ids", None),
        ({"symbol": "BTCUSDT", "order_ids": ["1", ""]}, "order_ids[1]", 1),
        ({"symbol": "BTCUSDT", "client_oids": ["a", 3]}, "client_oids[1]", 1),
        ({"orders": [{"orderId": "1"}]}, "orders[0].symbol", 0),
        ({"orders": [{"symbol": "BTCUSDT", "orderId": "1"}, {"symbol": "BTCUSDT"}]}, "orders[1]", 1),
        ({"orders": [{"symbol": "BTCUSDT", "order_id": "1"}]}, "orders[0].order_id", 0),
        ({"orders": {"symbol": "BTCUSDT", "orderId": "1"}}, "orders", None),
        ({"orders": [{"symbol": "BTCUSDT", "orderId": None, "clientOid": "c"}]}, "orders[0].orderId", 0),
        ({"symbol": "BTCUSDT", "order_ids": []}, "orders", None),
        ({"symbol": "BTCUSDT", "order_ids": ["1", "2", "1"]}, "order_ids[2]", 2),
        ({"symbol": "S", "client_oids": ["a"], "orders": [{"clientOid": "a"}]}, "orders[0].clientOid", 0),
    ],
)
def test_cancel_orders_rules(client: BitgetClient, kwargs: dict[str, Any], field: str, index: int | None) -> None:
    with pytest.raises(BatchValidationError) as info:
        client.cancel_orders(**kwargs)
    assert info.value.field == field
    assert info.value.index == index


def test_plan_never_mixes_identifiers_and_respects_the_limit() -> None:
    refs = collect_orders(
        orders=[{"symbol": f"S{i % 3}", "orderId": str(i)} for i in range(120)]
        + [{"symbol": "S0", "clientOid": f"c{i}"} for i in range(60)]
    )
    batches = plan_batches(refs)
    assert sum(len(b.orders) for b in batches) == 180
    for b in batches:
        assert len(b.orders) <= 50
        assert len({o.kind for o in b.orders}) == 1
        body = b.body()
        assert BatchCancelRequest.from_dict(body).to_dict() == body
        assert not list(SCHEMA.iter_errors(body)), body
    # Orders over several symbols are packed in multiple mode; one symbol stays in single mode.
    assert sorted(b.mode for b in batches) == ["multiple", "multiple", "multiple", "single", "single"]


def test_plan_sends_symbol_after_symbol_so_each_ends_early() -> None:
    """Both kinds of a symbol go before the next symbol's batches (packing kept), so a symbol's batches
    end early in a long run and settling can read it back while the next ones are cancelled."""
    refs = collect_orders(
        orders=[{"symbol": f"S{i % 3}", "orderId": str(i)} for i in range(120)]
        + [{"symbol": f"S{i % 3}", "clientOid": f"c{i}"} for i in range(120)]
    )
    batches = plan_batches(refs)
    assert len(batches) == 6  # as packed as before: 120 + 120 orders in batches of 50
    last_batch = {}
    first_batch = {}
    for n, b in enumerate(batches):
        for o in b.orders:
            last_batch[o.symbol] = n
            first_batch.setdefault(o.symbol, n)
    # S0 ends before S1 starts its last batch, S1 before S2: the symbols end one after another.
    assert last_batch["S0"] < last_batch["S1"] < last_batch["S2"]
    assert last_batch["S0"] <= first_batch["S2"]


def test_plan_single_mode_per_symbol() -> None:
    refs = collect_orders(orders=[{"symbol": f"S{i % 3}", "orderId": str(i)} for i in range(120)])
    batches = plan_batches(refs, "single")
    assert [(b.symbol, len(b.orders)) for b in batches] == [("S0", 40), ("S1", 40), ("S2", 40)]


# --- the overlay accepts exactly what the contract accepts -----------------------------------

_text = st.one_of(st.sampled_from(["", "BTCUSDT", "ETHUSDT", "1", "é✓"]), st.text(max_size=4))
_value = st.one_of(_text, st.integers(), st.none(), st.booleans())
_near_valid_item = st.fixed_dictionaries({}, optional={"symbol": _text, "orderId": _text, "clientOid": _text})
_odd_item = st.dictionaries(st.sampled_from(["symbol", "orderId", "clientOid", "orderID", "x"]), _value, max_size=4)
_item = st.one_of(_near_valid_item, _near_valid_item, _odd_item, _value)
_batch = st.fixed_dictionaries(
    {},
    optional={
        "symbol": _text,
        "batchMode": st.one_of(st.sampled_from(["single", "multiple"]), _text, st.integers()),
        "orderList": st.one_of(st.lists(_item, max_size=4), st.lists(_item, min_size=49, max_size=52), _value),
    },
)


@st.composite
def _valid_then_maybe_mutated(draw: st.DrawFn) -> dict[str, Any]:
    """A valid batch, then with even odds one small mutation: the boundary is where the rules live."""
    multiple = draw(st.booleans())
    kind = draw(st.sampled_from(["orderId", "clientOid"]))
    n = draw(st.sampled_from([1, 2, 3, 50]))
    ids = draw(st.lists(st.text(min_size=1, max_size=3), min_size=n, max_size=n))
    items: list[Any] = [{kind: i, **({"symbol": "BTCUSDT"} if multiple else {})} for i in ids]
    body: dict[str, Any] = {"orderList": items}
    if multiple:
        body["batchMode"] = "multiple"
        if draw(st.booleans()):
            body["symbol"] = ""
    else:
        body["symbol"] = "BTCUSDT"
        if draw(st.booleans()):
            body["batchMode"] = "single"
    mutation = draw(st.sampled_from([None] * 9 + list(range(9))))
    i = draw(st.integers(0, n - 1))
    if mutation == 0:
        items.append({kind: "extra"})  # 51 items when n == 50
    elif mutation == 1:
        items[i] = {k: v for k, v in items[i].items() if k != kind}
    elif mutation == 2:
        items[i][kind] = ""
    elif mutation == 3:
        items[i][kind] = 12
    elif mutation == 4:
        items[i]["orderID"] = "1"
    elif mutation == 5:
        items[i] = {"clientOid" if kind == "orderId" else "orderId": "z", **({"symbol": "X"} if multiple else {})}
    elif mutation == 6:
        body.pop("symbol", None)
    elif mutation == 7:
        items[i]["symbol"] = ""
    elif mutation == 8:
        body["batchMode"] = draw(st.sampled_from(["SINGLE", "", "both"]))
    return body


def _mixed(body: dict[str, Any]) -> bool:
    items = body.get("orderList")
    if not isinstance(items, list):
        return False
    with_id = [i for i in items if isinstance(i, dict) and "orderId" in i]
    return bool(with_id) and len(with_id) != len(items)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_batch, _valid_then_maybe_mutated()))
def test_overlay_accepts_exactly_what_the_contract_accepts(body: dict[str, Any]) -> None:
    contract_ok = SCHEMA.is_valid(body) and not _mixed(body)
    # In the Python API, symbol=None / batch_mode=None mean "absent", so the generator never sends null there.
    if "orderList" not in body:
        # The Python API makes order_list a required argument; the schema's `required` says the same.
        assert not contract_ok
        return
    try:
        sent = validate_batch(body.get("symbol"), body.get("batchMode"), body["orderList"])
        overlay_ok = True
    except BatchValidationError:
        overlay_ok = False
    assert overlay_ok == contract_ok, body
    event(f"accepted={overlay_ok}")
    if overlay_ok:
        assert SCHEMA.is_valid(sent)
        # What the overlay sends is exactly what the generated model would serialize.
        assert BatchCancelRequest.from_dict(sent).to_dict() == sent


@settings(max_examples=150, deadline=None)
@given(
    ids=st.lists(st.text(min_size=0, max_size=4), max_size=120),
    kind=st.sampled_from(["order_ids", "client_oids"]),
)
def test_the_quick_check_of_plain_id_lists_agrees_with_the_item_by_item_one(ids: list[str], kind: str) -> None:
    """A list of plain ids takes a whole-list fast path (`_plain_ids`); a tuple of the same ids takes the
    item-by-item path. Same orders and batches, or the same error naming the same field."""

    def plan(values: Any) -> Any:
        try:
            refs = collect_orders(symbol="BTCUSDT", **{kind: values})
        except BatchValidationError as e:
            return ("error", e.field, e.index, str(e))
        return refs, plan_batches(refs)

    assert plan(list(ids)) == plan(tuple(ids))

    # The client plans a plain list into batches of ids (`_batching.plan`, no OrderRef per order kept):
    # the same batches (equal, same bodies) as the item-by-item path, or the same error.
    from bitget_sdk._core.batching import plan as plan_ids

    def compact(values: Any) -> Any:
        try:
            batches = plan_ids(symbol="BTCUSDT", **{kind: values})
        except BatchValidationError as e:
            return ("error", e.field, e.index, str(e))
        return batches, [b.body() for b in batches], [b.orders for b in batches]

    expected = plan(tuple(ids))
    if expected[0] == "error":
        assert compact(list(ids)) == expected
    else:
        batches = expected[1]
        assert compact(list(ids)) == (batches, [b.body() for b in batches], [b.orders for b in batches])
