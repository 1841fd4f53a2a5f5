"""Human output (rich tables, progress) and machine output (JSON) for the CLI."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bitget_api import facts
from bitget_sdk import OUTCOME_FIELDS, Batch, CancelReport

# rich is imported where something is drawn, never before a run's first request: its console, table and
# progress modules cost ~60 ms, a sixth of the time from Enter to the first cancel on the wire.
if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

_BATCH_CANCEL = facts.OPERATIONS["batchCancelOrders"]
# Bitget's budget for batch cancels, from the contract: "10/s per UID".
_WINDOW_S = _BATCH_CANCEL["rate_window_ms"] / 1000
_PER = "s" if _WINDOW_S == 1 else f"{_WINDOW_S:g} s"
LIMIT = f"{_BATCH_CANCEL['rate_limit']}/{_PER} per {_BATCH_CANCEL['rate_scope'].upper()}"


def escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Piped or captured output gets a wide table instead of rich's 80-column default.
    width = None if stream.isatty() else 160
    # emoji=False: an order's message is printed as the exchange sent it (":x:" stays text), and rich's
    # emoji table (40 ms to import) stays out of a run's start.
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width, emoji=False)


@contextmanager
def progress(enabled: bool, total: int) -> Iterator[Any]:
    """Yields an `on_progress(done, total)` callback; a live bar on a terminal, nothing otherwise. The bar
    appears with the first answer: drawing it before the first request would put rich's import (and its
    first frame) between Enter and the first cancel."""
    if not enabled:
        yield None
        return
    bar: Any = None
    task: Any = None
    closed = False  # an answer after the run (a worker outliving an interrupt's grace) draws nothing
    lock = threading.Lock()  # answers may come from the client's worker threads

    def update(done: int, total: int) -> None:
        nonlocal bar, task
        with lock:
            if closed:
                return
            if bar is None:
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

                bar = Progress(
                    TextColumn("cancelling"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    console=console(stderr=True),
                    transient=True,
                )
                task = bar.add_task("cancel", total=total)
                bar.start()
        bar.update(task, completed=done, total=total)  # cancel-all's total grows

    try:
        yield update
    finally:
        with lock:
            closed = True
            if bar is not None:
                bar.stop()


# Where a row (`CancelReport.iter_rows`) holds the table's cells and the exchange's status.
_CELLS = tuple(OUTCOME_FIELDS.index(f) for f in ("symbol", "order_id", "client_oid", "error_code", "error_msg"))
_STATUS = OUTCOME_FIELDS.index("status")


# Rows the terminal shows per outcome (the rest are counted; `--all` or `--report FILE` has every one):
# a 200,000-order run that printed every failed row took minutes and 900 MB to say what its counts say.
SHOWN = {"cancelled": 10, "filled": 20, "failed": 20, "unknown": 20}
_STYLE = {"cancelled": "green", "filled": "magenta", "failed": "red", "unknown": "yellow"}


class Outcomes:
    """A report's orders as rows (`CancelReport.iter_rows`), read once: a 200,000-order report is walked
    once for the table, the summary and the files, not a dozen times (each walk ~0.1 s)."""

    def __init__(self, report: CancelReport) -> None:
        self.report = report
        self.rows = {name: list(report.iter_rows(name)) for name in ("cancelled", "failed", "unknown")}
        self.filled = [r for r in self.rows["failed"] if r[_STATUS] == "filled"]

    @classmethod
    def of(cls, report: CancelReport | Outcomes) -> Outcomes:
        return report if isinstance(report, Outcomes) else cls(report)


def report_table(report: CancelReport | Outcomes, show_all: bool = False) -> Table:
    from rich.table import Table

    seen = Outcomes.of(report)
    table = Table(title="Batch cancel results", show_lines=False)
    for name in ("status", "symbol", "orderId", "clientOid", "code", "message"):
        table.add_column(name, overflow="fold")
    failed = seen.rows["failed"]
    groups = {
        "cancelled": seen.rows["cancelled"],
        "filled": seen.filled,
        "failed": [r for r in failed if r[_STATUS] != "filled"] if seen.filled else failed,
        "unknown": seen.rows["unknown"],
    }
    for status, rows in groups.items():
        label = f"[{_STYLE[status]}]{status}[/]"
        shown = rows if show_all else rows[: SHOWN[status]]
        for row in shown:
            table.add_row(label, *(escape(row[i] or "") for i in _CELLS))
        if len(shown) < len(rows):
            more = f"... {len(rows) - len(shown)} more (every row: --report FILE, or --all)"
            table.add_row(label, more, "", "", "", "")
    return table


def summary_line(report: CancelReport | Outcomes) -> str:
    seen = Outcomes.of(report)
    report = seen.report
    counts = {name: len(rows) for name, rows in seen.rows.items()}
    n_filled = len(seen.filled)
    # Requests against the limit they are counted by (cancels per second said nothing true: a short run's
    # burst, or a journal's lost clock, made it many times any ceiling).
    when = ""
    if report.elapsed_s > 0 and report.request_count:
        # This process's cancel attempts over its time (a resumed run's count includes the earlier
        # process's requests, its elapsed time does not).
        sent_here = sum(1 for r in report.requests if r.batch is not None)
        when = f" in {report.elapsed_s:.2f} s"
        if sent_here:
            # Against what a strict window admits in that time (its first `limit` at once): a rate such
            # as "11.9/s" beside "10/s" read as a breach to operators, though the window held.
            most = _BATCH_CANCEL["rate_limit"] * (1 + int(report.elapsed_s // _WINDOW_S))
            when += f" ({sent_here} cancel requests here; {LIMIT} allows at most {most} in that time)"
    return (
        f"{sum(counts.values())} orders: {counts['cancelled']} cancelled, {counts['failed']} failed"
        f"{f' ({n_filled} filled)' if n_filled else ''}, {counts['unknown']} unknown; "
        f"{report.request_count} requests ({report.retry_count} retries)"
        f"{f', {report.read_count} reads to settle' if report.read_count else ''}{when}"
        f"{'; the --deadline passed: orders are reported as they stood' if report.deadline_passed else ''}"
        f"{f'; {report.rounds} round{_s(report.rounds)}, {len(report.remaining)} still open' if report.rounds else ''}"
        f"{plan_line(report.plan_orders)}"
        f"{filled_line(seen)}"
    )


def _s(n: int) -> str:
    return "" if n == 1 else "s"


_FILLED = OUTCOME_FIELDS.index("filled_size")
_SYMBOL = OUTCOME_FIELDS.index("symbol")


def filled_line(seen: Outcomes) -> str:
    """What the run's orders filled, per symbol (read back: settling, reconcile), as
    `CancelReport.filled_total` says, from the rows already read (one pass: 200,000 orders print fast)."""
    from decimal import Decimal, InvalidOperation

    totals: dict[str, Decimal] = {}
    for rows in seen.rows.values():
        for row in rows:
            size = row[_FILLED]
            if size:
                try:
                    totals[row[_SYMBOL]] = totals.get(row[_SYMBOL], Decimal(0)) + Decimal(size)
                except InvalidOperation:
                    continue
    shown = [f"{format(total.normalize(), 'f')} {symbol}" for symbol, total in sorted(totals.items()) if total]
    return f"; filled: {', '.join(shown)}" if shown else ""


def plan_line(plans: CancelReport | None) -> str:
    """cancel-all's plan (trigger) orders, counted apart (their rows are in the JSON and --report)."""
    if plans is None:
        return ""
    if "error" in plans.run:
        return f"; plan orders: {plans.run['error']}"
    c = plans.counts
    still = f", {len(plans.remaining)} still open" if plans.remaining else ""
    return f"; plan orders: {c['cancelled']} cancelled, {c['failed']} failed, {c['unknown']} unknown{still}"


def print_report(report: CancelReport | Outcomes, as_json: bool, show_all: bool) -> None:
    seen = Outcomes.of(report)
    if as_json:
        write_json(seen, sys.stdout)
        return
    out = console()
    out.print(report_table(seen, show_all))
    out.print(summary_line(seen))


def write_json(report: CancelReport | Outcomes, out: TextIO) -> None:
    """The whole report as JSON (`CancelReport.to_dict` plus the summary line), written as it goes, a
    thousand orders at a time: never the whole document in memory (200,000 orders are ~40 MB of it)."""
    seen = Outcomes.of(report)
    head = {"summary": summary_line(seen), **seen.report.to_dict(rows=False)}
    out.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2])  # open: the order lists follow
    for name, rows in seen.rows.items():
        out.write(f',\n  "{name}": [')
        for k in range(0, len(rows), _CHUNK):  # json's C encoder, a chunk at a time: 3x a row at a time
            chunk = json.dumps([dict(zip(OUTCOME_FIELDS, r, strict=True)) for r in rows[k : k + _CHUNK]])
            out.write(("\n    " if k == 0 else ",\n    ") + chunk[1:-1])
        out.write("\n  ]" if rows else "]")
    out.write("\n}\n")


_CHUNK = 1000


def write_csv(report: CancelReport | Outcomes, out: TextIO) -> None:
    """Every order, one row each: its outcome, then OrderOutcome's fields (`cancel --file` reads the
    symbol, orderId and clientOid columns back)."""
    import csv

    writer = csv.writer(out)
    writer.writerow(["outcome", "symbol", "orderId", "clientOid", "code", "message", *OUTCOME_FIELDS[5:]])
    for name, rows in Outcomes.of(report).rows.items():
        writer.writerows((name, *row) for row in rows)  # csv writes None as an empty field


def write_report_file(report: CancelReport | Outcomes, path: Path) -> None:
    """`--report FILE`: every order, JSON or CSV by the file's extension, written as it goes."""
    with path.open("w", encoding="utf-8", newline="") as out:
        (write_csv if path.suffix.lower() == ".csv" else write_json)(report, out)


def batches_table(batches: Sequence[Batch]) -> Table:
    from rich.table import Table

    table = Table(title=f"Dry run: {len(batches)} requests would be sent (nothing sent)")
    for name in ("#", "batchMode", "symbol", "identifier", "orders", "first ids"):
        table.add_column(name)
    for i, b in enumerate(batches, 1):
        ids = ", ".join(o.ident for o in b.orders[:3]) + (", ..." if len(b.orders) > 3 else "")
        symbols = b.symbol or ", ".join(sorted({o.symbol for o in b.orders}))
        table.add_row(str(i), b.mode, escape(symbols), b.kind, str(len(b.orders)), escape(ids))
    return table


def print_batches(batches: Sequence[Batch], as_json: bool) -> None:
    if as_json:
        print_json({"requests": len(batches), "batches": [b.body() for b in batches]})
        return
    console().print(batches_table(batches))


def print_open(orders: Sequence[Any], where: str, as_json: bool) -> None:
    """What is open (cancel-all's listing): JSON, or a table of the first 20."""
    rows = [{"symbol": o.symbol, "orderId": o.order_id, "clientOid": o.client_oid or None} for o in orders]
    if as_json:
        print_json({"where": where, "open": rows})
        return
    from rich.table import Table

    table = Table(title=f"{len(rows)} open orders on {where}")
    for name in ("symbol", "orderId", "clientOid"):
        table.add_column(name)
    for r in rows[:20]:
        table.add_row(escape(r["symbol"]), escape(r["orderId"]), escape(r["clientOid"] or "-"))
    if len(rows) > 20:
        table.add_row("...", f"and {len(rows) - 20} more", "")
    console().print(table)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def note(message: str) -> None:
    """A line for the operator on stderr (stdout stays the report, JSON or table). Plain text, as rich would
    print it, without importing rich before the run's first request (a live bar, if drawn, keeps it above)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def error(message: str) -> None:
    console(stderr=True).print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True, highlight=False)
