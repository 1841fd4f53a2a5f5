"""Answers resolved into rows: the shortcut for the usual answer gives the rows the general path gives."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bitget_sdk._core.batching import Batch, OrderRef
from bitget_sdk._core.engine import _resolve_ok

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


def test_a_run_keeps_an_all_cancelled_batch_whole_and_reports_every_order_of_it() -> None:
    """The usual answer (every order cancelled) is filed as one compact entry, not a row per order
    (100,000 kept rows set off full collections mid-run); the report, the settling view and the
    request record read the same outcomes from it."""
    from bitget_sdk._core.engine import AllCancelled, Attempt, Attempts, CancelRun

    batches = [
        Batch("single", "BTCUSDT", "orderId", ids=("1", "2", "3"), first=0),
        Batch("single", "BTCUSDT", "orderId", ids=("4", "5"), first=3),
    ]
    run = CancelRun(batches)
    ok = {"successList": [{"orderId": i, "clientOid": f"c{i}"} for i in ("1", "2", "3")], "failureList": []}
    mixed = {"successList": [{"orderId": "4"}], "failureList": [{"orderId": "5", "errorCode": "43001"}]}
    for i, data in enumerate((ok, mixed)):
        assert run.begin(i)
        run.sending(i)
        answer = Attempt("ok", payload={"data": data}, request_time_ms=1700000000000)
        run.observe(i, answer)
        run.record(i, Attempts(answer, 1, False))
    assert len(run._compact) == 1 and isinstance(run._compact[0], AllCancelled)
    assert sorted(run._filed) == [3, 4]  # only the mixed batch has a row per order
    report = run.report()
    assert [(o.order_id, o.client_oid, o.request_time) for o in report.cancelled] == [
        ("1", "c1", 1700000000000), ("2", "c2", 1700000000000), ("3", "c3", 1700000000000), ("4", None, 1700000000000)
    ]  # fmt: skip
    assert [o.order_id for o in report.failed] == ["5"]
    assert report.total == 5 and report.counts == {"cancelled": 4, "failed": 1, "unknown": 0}
    assert {r.position for r in run.resolved_where(lambda r: True)} == {0, 1, 2, 3, 4}
    assert [r.outcome for r in report.requests] == ["cancelled", "mixed"]
