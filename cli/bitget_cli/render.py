"""Human output (rich tables, progress) and machine output (JSON) for the CLI."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bitget_api import facts
from bitget_sdk import Batch, CancelReport, OrderOutcome

_BATCH_CANCEL = facts.OPERATIONS["batchCancelOrders"]
# Bitget's budget for batch cancels, from the contract: "10/s per UID".
_WINDOW_S = _BATCH_CANCEL["rate_window_ms"] / 1000
_PER = "s" if _WINDOW_S == 1 else f"{_WINDOW_S:g} s"
LIMIT = f"{_BATCH_CANCEL['rate_limit']}/{_PER} per {_BATCH_CANCEL['rate_scope'].upper()}"


def console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    # Piped or captured output gets a wide table instead of rich's 80-column default.
    width = None if stream.isatty() else 160
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


@contextmanager
def progress(enabled: bool, total: int) -> Iterator[Any]:
    """Yields an `on_progress(done, total)` callback; a live bar on a terminal, nothing otherwise."""
    if not enabled:
        yield None
        return
    bar = Progress(
        TextColumn("cancelling"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    )
    task = bar.add_task("cancel", total=total)
    with bar:
        yield lambda done, _total: bar.update(task, completed=done)


def _row(status: str, o: OrderOutcome) -> list[str]:
    cells = [o.symbol, o.order_id, o.client_oid, o.error_code, o.error_msg]
    return [status, *(escape(c or "") for c in cells)]


def report_table(report: CancelReport, show_cancelled: int | None = 10) -> Table:
    table = Table(title="Batch cancel results", show_lines=False)
    for name in ("status", "symbol", "orderId", "clientOid", "code", "message"):
        table.add_column(name, overflow="fold")
    shown = report.cancelled if show_cancelled is None else report.cancelled[:show_cancelled]
    for o in shown:
        table.add_row(*_row("[green]cancelled[/]", o))
    if len(shown) < len(report.cancelled):
        table.add_row(
            "[green]cancelled[/]",
            f"... {len(report.cancelled) - len(shown)} more (--all shows every order)",
            "",
            "",
            "",
            "",
        )
    for o in report.filled:
        table.add_row(*_row("[magenta]filled[/]", o))
    for o in report.failed:
        if o.status != "filled":
            table.add_row(*_row("[red]failed[/]", o))
    for o in report.unknown:
        table.add_row(*_row("[yellow]unknown[/]", o))
    return table


def summary_line(report: CancelReport) -> str:
    # Requests against the limit they are counted by (cancels per second said nothing true: a short run's
    # burst, or a journal's lost clock, made it many times any ceiling).
    when = ""
    if report.elapsed_s > 0 and report.request_count:
        rate = report.request_count / report.elapsed_s
        when = f" in {report.elapsed_s:.2f} s ({rate:.1f} requests/s; Bitget allows {LIMIT})"
    return (
        f"{report.total} orders: {len(report.cancelled)} cancelled, {len(report.failed)} failed"
        f"{f' ({len(report.filled)} filled)' if report.filled else ''}, {len(report.unknown)} unknown; "
        f"{report.request_count} requests ({report.retry_count} retries)"
        f"{f', {report.read_count} reads to settle' if report.read_count else ''}{when}"
        f"{'; the --deadline passed: orders are reported as they stood' if report.deadline_passed else ''}"
        f"{f'; {report.rounds} rounds, {len(report.remaining)} still open' if report.rounds else ''}"
    )


def print_report(report: CancelReport, as_json: bool, show_all: bool) -> None:
    if as_json:
        print_json({"summary": summary_line(report), **report.to_dict()})
        return
    out = console()
    out.print(report_table(report, None if show_all else 10))
    out.print(summary_line(report))


def batches_table(batches: Sequence[Batch]) -> Table:
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
    """A line for the operator on stderr (stdout stays the report, JSON or table)."""
    console(stderr=True).print(escape(message), soft_wrap=True, highlight=False)


def error(message: str) -> None:
    console(stderr=True).print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True, highlight=False)
