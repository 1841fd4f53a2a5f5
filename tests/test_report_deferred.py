"""A run's report makes its OrderOutcome lists when they are first read, not as the run ends (many
accounts' runs end while others still send, and 5,000 tracked objects each meant full garbage
collections that stopped every thread); a deferred report reads, compares and prints as any other."""

from __future__ import annotations

import gc
import threading

from bitget_sdk import BitgetClient, CancelReport, OrderOutcome
from tests.conftest import MockClient

KEY, SECRET, PASSPHRASE = "bg_demo_key", "demo-secret-key", "demo-passphrase"


def _tracked_outcomes() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is OrderOutcome)


def test_a_runs_outcomes_are_made_when_its_report_is_read(mock: MockClient) -> None:
    seeded = [o["orderId"] for o in mock.seed(count=120)]
    with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=mock.server.url, rate_limit=0) as client:
        before = _tracked_outcomes()
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=[*seeded, "1"])
        assert _tracked_outcomes() == before  # the run kept plain tuples, which the collector does not track
        assert [o.order_id for o in report.cancelled] == seeded
        assert [o.order_id for o in report.failed] == ["1"] and report.unknown == []
        assert _tracked_outcomes() == before + 121


def test_a_deferred_report_equals_the_one_made_at_once_and_prints_in_a_line() -> None:
    made = CancelReport(
        cancelled=[OrderOutcome("BTCUSDT", "1", attempts=1, request_time=5)],
        failed=[OrderOutcome("BTCUSDT", "2", None, "43001", "not found", 1)],
        request_count=1,
        elapsed_s=0.25,
    )
    rows = [
        ("cancelled", "BTCUSDT", "1", None, None, None, 1, None, None, 5),
        ("failed", "BTCUSDT", "2", None, "43001", "not found", 1, None, None, None),
    ]
    deferred = CancelReport.deferred(rows, request_count=1, elapsed_s=0.25)
    # Counting (summary, counts, total, ok, repr) reads the rows; it does not make the lists.
    assert deferred.summary() == made.summary() and deferred.counts == made.counts and deferred._rows is not None
    filled = CancelReport.deferred([("failed", "BTCUSDT", "3", None, "43001", "x", 1, "filled", "1", 7)])
    assert "1 failed (1 filled)" in filled.summary() and not filled.ok and filled.total == 1
    assert deferred == made and made == CancelReport.deferred(rows, request_count=1, elapsed_s=0.25)
    assert repr(deferred) == repr(made)
    assert repr(made).startswith("CancelReport(cancelled=1, failed=1, unknown=0, request_count=1,")
    assert "\n" not in repr(made) and deferred.to_dict() == made.to_dict()


def test_threads_reading_a_deferred_report_get_the_same_lists() -> None:
    rows = [("cancelled", "BTCUSDT", str(i), None, None, None, 1, None, None, None) for i in range(20_000)]
    report = CancelReport.deferred(rows)
    seen: list[object] = []
    start = threading.Barrier(4)

    def read() -> None:
        start.wait()
        seen.append(report.cancelled)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 4 and all(s is seen[0] for s in seen) and len(report.cancelled) == 20_000
