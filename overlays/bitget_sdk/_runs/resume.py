"""Rebuilding a run from its journal (see `_journal`): what an earlier process left, filed as outcomes.

For every batch of the plan, the journal says one of three things:
* its orders have recorded outcomes: they stand (settling may still change unknown ones);
* an attempt was recorded as going out, but no outcome: the process died with it in flight. It may
  have reached the exchange, so the batch is sent again *as a retry of an uncertain attempt*: a
  "cancelled" answer settles it, anything else ("does not exist": the lost attempt may have done it)
  leaves its orders `unknown`, and settling reads them back, like any lost answer. Sending it again
  (rather than only reading) also cancels orders the lost attempt never reached. `show` reports such
  orders `unknown` as they stand;
* nothing: never sent; it is sent now.
"""

from __future__ import annotations

import os
from pathlib import Path

from .._core.batching import OrderRef
from .._core.engine import CancelRun, Resolved, iso
from .._core.errors import JournalError
from .._core.report import CancelReport, OrderOutcome
from .journal import Journal, salvage

_DAMAGED = "outcome unknown: the journal is damaged where it was recorded"
_IN_FLIGHT = "outcome unknown: sent by an earlier process that stopped before the answer was recorded"


def restore_run(run: CancelRun, book: Journal, *, resuming: bool = True) -> None:
    """File into `run` everything the journal recorded; `run.pending()` is then what is left to send
    (batches in flight carried as uncertain retries when `resuming`, else reported `unknown`)."""
    recorded = book.recorded()
    attempts = book.attempts()
    for i, batch in enumerate(run.batches):
        tried = attempts.get(i, [])
        sent = sum(1 for _, _, was_sent in tried if was_sent)
        have = [recorded.get(o.position) for o in batch.orders]
        if all(h is not None for h in have):
            resolved = [Resolved(o.position, h[0], h[1]) for o, h in zip(batch.orders, have, strict=True) if h]  # type: ignore[arg-type]
            run.restore(i, resolved, len(tried), sent)
        elif sent and resuming:
            run.carry(i, len(tried), sent)
        elif sent:
            run.restore(i, [_in_flight(o, len(tried)) for o in batch.orders], len(tried), sent)


def _in_flight(o: OrderRef, attempts: int) -> Resolved:
    return Resolved(o.position, "unknown", OrderOutcome(o.symbol, o.order_id, o.client_oid, None, _IN_FLIGHT, attempts))


def _salvaged(path: Path) -> CancelReport | None:
    refs, recorded = salvage(path)
    if not refs:
        return None
    report = CancelReport()
    for ref in refs:
        status, outcome = recorded.get(ref.position, ("unknown", None))
        if outcome is None or status not in ("cancelled", "failed", "unknown"):
            status = "unknown"
            outcome = OrderOutcome(ref.symbol, ref.order_id, ref.client_oid, None, _DAMAGED, 0)
        getattr(report, status).append(outcome)
    return report


def stored_report(book: Journal, run: CancelRun) -> CancelReport:
    """A finished run's report, from its journal alone."""
    report = run.snapshot()
    counts = book.counts()
    report.request_count = int(counts.get("request_count", report.request_count))
    report.retry_count = int(counts.get("retry_count", report.retry_count))
    report.sent_count = int(counts.get("sent_count", report.sent_count))
    report.read_count = int(counts.get("read_count", 0))
    report.settled_count = int(counts.get("settled_count", 0))
    report.elapsed_s = float(counts.get("elapsed_s", 0.0))
    report.settle_s = float(counts.get("settle_s", 0.0))
    report.deadline_passed = bool(counts.get("deadline_passed", False))
    return report


def journal_report(path: str | os.PathLike[str]) -> CancelReport:
    """The report of any journal, without credentials or I/O: a finished run's report; for a run that
    did not finish, recorded outcomes, orders in flight `unknown`, orders never sent `failed`.

    A damaged journal is a JournalError whose `.report` holds what can still be read: the orders whose
    rows survive, with their recorded outcomes, the rest of them `unknown` (the journal no longer says
    whether they were sent); None if no order can be read."""
    try:
        book = Journal.open(path, lock=False)
        try:
            run = CancelRun(book.batches())
            meta = book.meta()
            run.context = {
                "base_url": meta.get("base_url"),
                "account": meta.get("owner_hint"),
                "journal": str(book.path),
                "started_at": iso(float(meta.get("created_at") or 0)),
                "ended_at": None,  # the journal does not say
            }
            run.unfinished_reason = "the run did not finish (resume its journal)"
            restore_run(run, book, resuming=False)
            return stored_report(book, run) if book.meta().get("finished") == "1" else run.snapshot()
        finally:
            book.close()
    except JournalError as exc:
        if "damaged" in str(exc):
            exc.report = _salvaged(Path(path))
        raise
