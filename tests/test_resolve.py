"""Answers resolved into rows: the shortcut for the usual answer gives the rows the general path gives."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bitget_sdk._batching import Batch, OrderRef
from bitget_sdk._engine import _resolve_ok

_ids = st.lists(st.text("0123456789", min_size=1, max_size=6), min_size=1, max_size=8, unique=True)


@st.composite
def _case(draw: st.DrawFn) -> tuple[Batch, Batch, dict[str, Any]]:
    ids = draw(_ids)
    kind = draw(st.sampled_from(["orderId", "clientOid"]))
    first = draw(st.integers(0, 1000))
    compact = Batch("single", "BTCUSDT", kind, ids=tuple(ids), first=first)
    refs = tuple(
        OrderRef(first + j, "BTCUSDT", i if kind == "orderId" else None, i if kind == "clientOid" else None)
        for j, i in enumerate(ids)
    )
    general = Batch("single", "BTCUSDT", kind, refs)
    other = "clientOid" if kind == "orderId" else "orderId"
    successes: list[Any] = []
    failures: list[Any] = []
    for i in ids:
        where = draw(st.sampled_from(["success", "success", "success", "failure", "both", "neither"]))
        item = {kind: i, other: draw(st.sampled_from(["", "x" + i]))}
        if where in ("success", "both"):
            successes.append(item)
        if where in ("failure", "both"):
            failures.append({kind: i, "errorCode": "43001", "errorMsg": "The order does not exist"})
    if draw(st.booleans()):  # something that was never sent
        draw(st.sampled_from([successes, failures])).append({kind: "never-sent"})
    return compact, general, {"successList": successes, "failureList": failures}


@given(_case(), st.integers(1, 3), st.booleans(), st.one_of(st.none(), st.integers(0, 2**41)))
def test_a_plain_id_batch_resolves_as_the_same_batch_of_order_refs(
    case: tuple[Batch, Batch, dict[str, Any]], attempts: int, uncertain: bool, stamp: int | None
) -> None:
    compact, general, data = case
    assert compact == general
    shortcut = _resolve_ok(compact, data, attempts, uncertain, stamp)
    assert shortcut == _resolve_ok(general, data, attempts, uncertain, stamp)


def test_an_all_cancelled_answer_keeps_the_identifier_the_exchange_echoed() -> None:
    batch = Batch("single", "BTCUSDT", "orderId", ids=("1", "2"), first=5)
    data = {"successList": [{"orderId": "1", "clientOid": "c1"}, {"orderId": "2", "clientOid": ""}], "failureList": []}
    rows = _resolve_ok(batch, data, 1, False, 1700000000000)
    assert rows == [
        (5, ("cancelled", "BTCUSDT", "1", "c1", None, None, 1, None, None, 1700000000000)),
        (6, ("cancelled", "BTCUSDT", "2", None, None, None, 1, None, None, 1700000000000)),
    ]
