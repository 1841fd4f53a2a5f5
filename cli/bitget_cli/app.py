"""`bitget-batch-cancel`: cancel orders on Bitget from the shell, or watch the SDK do it on the embedded mock."""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bitget_sdk import (
    DEFAULT_BASE_URL,
    AuthenticationError,
    BatchValidationError,
    BitgetAPIError,
    BitgetClient,
    BitgetError,
    CancelReport,
    Credentials,
    JournalError,
    PermissionDeniedError,
    TimestampError,
    collect_orders,
    journal_report,
    plan_batches,
)

from . import render
from .args import EXIT_INVALID, EXIT_NO_RUN, parser
from .inputs import InputError, read_orders_file

EXIT_OK = 0  # every order cancelled
EXIT_PARTIAL = 1  # some orders failed or their outcome is unknown: see the table
EXIT_REFUSED = 3  # the exchange refused the credentials (authentication, permission, timestamp)
EXIT_UNREACHABLE = 4  # no answer from the exchange at all (network, server down)
# Stopped by a signal: 128 + its number, as a shell reports it (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
STOP_SIGNALS = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None)


class Stopped(KeyboardInterrupt):
    """A stop signal, raised in the main thread where a run waits: the SDK treats it as Ctrl-C (no new
    batch starts, the answers in flight are awaited a short while, the report accounts for every order)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _Signals:
    """SIGINT, SIGTERM and SIGHUP end a run as one Ctrl-C does; any signal after the first is held, so
    that nothing cuts the report while it is written (a half-written JSON report is worse than none)."""

    def __init__(self) -> None:
        self.first: int | None = None

    def install(self) -> None:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: Any) -> None:
        if self.first is None:
            self.first = signum
            raise Stopped(signum)
        # Later ones: the run is already stopping (and its report is written with the signals held).


def _gather(args: argparse.Namespace) -> tuple[dict[str, Any], list[str]]:
    """cancel_orders keyword arguments from the flags and the file, and where each order came from
    (`--order-id #2`, `orders.csv line 5`), in the order cancel_orders numbers them."""
    if not (args.order_id or args.client_oid or args.file):
        raise InputError("no orders given: use --order-id, --client-oid or --file")
    if (args.order_id or args.client_oid) and not args.symbol:
        raise InputError("--symbol is required with --order-id/--client-oid")
    kwargs: dict[str, Any] = {"symbol": args.symbol, "batch_mode": args.batch_mode}
    where = [f"--order-id #{k + 1}" for k in range(len(args.order_id))]
    where += [f"--client-oid #{k + 1}" for k in range(len(args.client_oid))]
    if args.order_id:
        kwargs["order_ids"] = args.order_id
    if args.client_oid:
        kwargs["client_oids"] = args.client_oid
    if args.file is not None:
        kwargs["orders"], rows = read_orders_file(args.file, default_symbol=args.symbol)
        where += rows
    _reject_duplicates(kwargs, where)
    return kwargs, where


def _reject_duplicates(kwargs: dict[str, Any], where: list[str]) -> None:
    """The same order twice, named in CLI terms (the SDK would refuse it too, naming its arguments)."""
    keys = [("orderId", v) for v in kwargs.get("order_ids", [])]
    keys += [("clientOid", v) for v in kwargs.get("client_oids", [])]
    for order in kwargs.get("orders", []):
        keys.append(("orderId", order["orderId"]) if "orderId" in order else ("clientOid", order["clientOid"]))
    seen: dict[tuple[str, str], str] = {}
    for key, place in zip(keys, where, strict=True):
        if key in seen:
            raise InputError(f"{place}: {key[0]} {key[1]!r} is given twice (first at {seen[key]})")
        seen[key] = place


_SDK_FIELD = re.compile(r"(order_ids|client_oids|orders)\[(\d+)\](?:\.(\w+))?$")


def _validation_message(
    e: BatchValidationError, kwargs: dict[str, Any], where: list[str], file: Path | None = None
) -> str:
    """The SDK's message with its argument names (`order_ids[0]`, `orders[3].orderId`) put in CLI terms."""
    if e.field == "symbol":
        return f"--symbol: {e.message}"
    m = _SDK_FIELD.match(e.field)
    if m is None:
        return str(e)
    name, k, column = m.group(1), int(m.group(2)), m.group(3)
    offset = {"order_ids": 0, "client_oids": len(kwargs.get("order_ids", []))}.get(name)
    if offset is None:
        offset = len(kwargs.get("order_ids", [])) + len(kwargs.get("client_oids", []))
    place = where[offset + k] if 0 <= offset + k < len(where) else e.field
    if column and name == "orders":
        place += f", {'column' if file is not None and file.suffix.lower() == '.csv' else 'field'} {column}"
    return f"{place}: {e.message}"


def _client(args: argparse.Namespace) -> BitgetClient:
    env = dict(os.environ)
    if args.private_key_file is not None:
        try:
            pem = args.private_key_file.read_text(encoding="utf-8")
        except OSError as e:
            raise InputError(f"{args.private_key_file}: cannot read the private key ({e.strerror})") from None
        env.pop("BITGET_SECRET_KEY", None)
        missing = [n for n in ("BITGET_API_KEY", "BITGET_PASSPHRASE") if not env.get(n)]
        if missing:
            raise InputError(f"missing environment variables: {', '.join(missing)}")
        creds = Credentials(api_key=env["BITGET_API_KEY"], passphrase=env["BITGET_PASSPHRASE"], private_key=pem)
    else:
        try:
            creds = Credentials.from_env(env)
        except ValueError as e:
            raise InputError(f"credentials: {e}") from None
    base_url = args.base_url or env.get("BITGET_BASE_URL") or DEFAULT_BASE_URL
    backend = args.rate_limit_backend or env.get("BITGET_RATE_LIMIT_BACKEND") or None
    return BitgetClient(
        credentials=creds,
        base_url=base_url,
        timeout=args.timeout,
        demo_trading=args.demo_trading,
        rate_limit_backend=backend,
        uid=args.uid or env.get("BITGET_UID") or None,
        proxy=args.proxy,
    )


def exit_code(report: CancelReport) -> int:
    if report.ok:
        return EXIT_OK
    if report.sent_count == 0:
        return EXIT_UNREACHABLE  # every connection failed: nothing reached the exchange
    return EXIT_PARTIAL


def cmd_cancel(args: argparse.Namespace) -> int:
    kwargs, where = _gather(args)
    try:
        refs = collect_orders(
            symbol=kwargs.get("symbol"),
            order_ids=kwargs.get("order_ids"),
            client_oids=kwargs.get("client_oids"),
            orders=kwargs.get("orders"),
        )
        batches = plan_batches(refs, kwargs["batch_mode"])
    except BatchValidationError as e:
        raise InputError(_validation_message(e, kwargs, where, args.file)) from None
    if args.dry_run:
        render.print_batches(batches, args.json)
        return EXIT_OK
    default = args.journal is None and not args.no_journal

    def announce() -> None:
        """Once the options are known good (the client is built): a run refused for a bad flag has no journal."""
        if default:
            args.journal = _default_journal()
        if args.journal is not None and args.journal.exists():
            render.note(f"journal: {args.journal} exists: continuing its run if it records these orders")
        elif args.journal is not None:
            hint = f"if this run stops, finish it with: bitget-batch-cancel resume {args.journal}"
            render.note(f"journal: {args.journal} ({hint})")

    def call(client: BitgetClient, on_progress: Any) -> CancelReport:
        journal = None if args.journal is None else str(args.journal)
        options = {
            "on_progress": on_progress,
            "settle": not args.no_settle,
            "reconcile": not args.no_reconcile,
            "deadline_s": args.deadline,
        }
        try:
            return client.cancel_orders(**kwargs, **options, journal=journal, check_symbols=True)
        except BatchValidationError as e:  # a symbol the exchange does not list: nothing was sent
            raise InputError(_validation_message(e, kwargs, where, args.file)) from None
        except JournalError as e:
            if not default or args.journal is None or args.journal.exists():
                raise
            # The default journal could not be made (full disk, read-only home): nothing was sent yet,
            # and an incident is no time to stop for it.
            render.error(f"{e}: this run keeps no journal")
            args.journal = None
            return client.cancel_orders(**kwargs, **options)

    def not_sent() -> CancelReport:
        """Stopped before the run was planned: every order, none sent (a run stopped before its first
        batch); continuing a journal's run, the journal's report as it stands."""
        if args.journal is not None and args.journal.exists():
            return journal_report(args.journal)
        stop = threading.Event()
        stop.set()
        with _checked_client(args) as fresh:
            return fresh.cancel_orders(**kwargs, settle=False, stop=stop)

    return _run(args, len(refs), call, announce, not_sent)


def state_dir() -> Path:
    """Where runs are journaled by default: $XDG_STATE_HOME/bitget-batch-cancel (~/.local/state if unset)."""
    base = Path(os.environ.get("XDG_STATE_HOME") or "~/.local/state").expanduser()
    return (base if base.is_absolute() else Path.home() / ".local" / "state") / "bitget-batch-cancel"


def _default_journal() -> Path | None:
    """A new journal path in `state_dir` (made 0700), or None (said why) if the directory cannot be made."""
    folder = state_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        render.error(f"journal: cannot create {folder} ({e.strerror or e}): this run keeps no journal")
        return None
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return folder / f"cancel-{stamp}-{os.getpid()}.db"


def cmd_resume(args: argparse.Namespace) -> int:
    """Finish a journal's run (against the exchange it was written for: --base-url must match)."""
    if not args.journal.exists():
        # A journal is written whole before a run sends anything: no file, no run, nothing sent by one.
        render.error(
            f"no run was recorded in {args.journal} (no such file): nothing was sent by a run journaled there "
            f"(runs are journaled in {state_dir()} unless --journal says where)"
        )
        return EXIT_NO_RUN
    recorded = _journal_report(args.journal)
    if args.base_url is None and not os.environ.get("BITGET_BASE_URL") and recorded.run.get("base_url"):
        args.base_url = recorded.run["base_url"]  # where the run was sent: the journal says
        render.note(f"exchange: {args.base_url} (the journal's)")
    return _resume(args, recorded.total)


def _resume(args: argparse.Namespace, total: int) -> int:
    return _run(
        args,
        total,
        lambda client, on_progress: client.resume(str(args.journal), deadline_s=args.deadline, on_progress=on_progress),
        not_sent=lambda: journal_report(args.journal),  # stopped before resuming: the journal as it was
    )


def cmd_cancel_all(args: argparse.Namespace) -> int:
    """List what is open; on a terminal, ask (unless --yes); cancel until nothing is open or --deadline."""
    if bool(args.symbol) == bool(args.all_symbols):
        raise InputError("give --symbol (repeatable) or --all-symbols, not both and not neither")
    symbols = None if args.all_symbols else list(dict.fromkeys(args.symbol))
    client = _checked_client(args)
    where = "all symbols" if symbols is None else ", ".join(symbols)
    asks = sys.stdin.isatty() and not args.yes and not args.json
    listed: list[Any] = []
    plans: int | None = 0  # None: could not be counted
    with client:
        try:
            if symbols is not None:
                client.check_symbols(symbols)  # a wrong one would list nothing, and "0 open" reads as done
            if args.dry_run or asks:  # else nothing is listed ahead: the run lists and cancels at once
                listed = [o for s in symbols or [None] for o in client.iter_unfilled_orders(symbol=s)]
        except BatchValidationError as e:
            raise InputError(f"--symbol: {e.message}") from None
        except BitgetError as e:
            render.error(f"listing the open orders failed: {e}")
            refused = isinstance(e, AuthenticationError | PermissionDeniedError | TimestampError)
            return EXIT_REFUSED if refused else EXIT_UNREACHABLE
        if (args.dry_run or asks) and not args.no_plan_orders:
            plans = _count_plan_orders(client, symbols)
        if args.dry_run:
            render.print_open(listed, where, args.json)
            if plans and not args.json:
                render.note(f"and {plans} plan (trigger) orders")
            return EXIT_OK
        if asks:
            render.print_open(listed, where, False)
            if not listed and plans == 0:
                return EXIT_OK
            also = (
                f" and {plans} plan (trigger) orders"
                if plans
                else " and any plan (trigger) orders"
                if plans is None
                else ""
            )
            answer = input(
                f"Cancel these {len(listed)} open orders{also} (and any placed meanwhile) on {where}? [y/N] "
            )
            if answer.strip().lower() not in ("y", "yes"):
                render.error("nothing cancelled")
                return EXIT_PARTIAL
    return _run(
        args,
        len(listed),
        lambda c, progress: c.cancel_open_orders(
            symbols=symbols,
            all_symbols=symbols is None,
            strategy=args.strategy,
            deadline_s=args.deadline,
            plan_orders=not args.no_plan_orders,
            reconcile=not args.no_reconcile,
            on_progress=progress,
        ),
    )


def _count_plan_orders(client: BitgetClient, symbols: list[str] | None) -> int | None:
    """The open plan orders the run would cancel too (paged as `current-plan-order` pages); None, said
    why, if they cannot be read (the run tries them itself: the ordinary orders must not wait on them)."""
    try:
        return _plan_count(client, symbols)
    except BitgetError as e:
        render.error(f"the plan (trigger) orders could not be counted ({e}); the run cancels them all the same")
        return None


def _plan_count(client: BitgetClient, symbols: list[str] | None) -> int:
    count = 0
    names: list[str | None] = [None] if symbols is None else list(symbols)
    for name in names:
        cursor = None
        while True:
            page = client.get_current_plan_orders(symbol=name, id_less_than=cursor, limit=100).data
            items = list(page.order_list or [])
            count += len(items)
            if not page.next_flag or not items or items[-1].order_id == cursor:
                break
            cursor = items[-1].order_id
    return count


def _checked_client(args: argparse.Namespace) -> BitgetClient:
    try:
        return _client(args)
    except ValueError as e:
        message = (
            str(e)
            .replace("base_url", "--base-url")
            .replace("proxy ", "--proxy ")
            .replace("rate_limit_backend", "--rate-limit-backend")
            .replace("uid must", "--uid must")
        )
        raise InputError(message) from None


def cmd_show(args: argparse.Namespace) -> int:
    """A journal's report; of a damaged journal, the error and what can still be read of it (exit 2)."""
    try:
        report = journal_report(args.journal)
    except JournalError as e:
        if e.report is None:
            raise InputError(str(e)) from None
        with _held():
            render.error(f"{e}; what can still be read of it follows")
            _emit(args, e.report)
        return EXIT_INVALID
    _emit(args, report)
    return exit_code(report)


def _journal_report(path: Path) -> CancelReport:
    try:
        return journal_report(path)
    except JournalError as e:
        raise InputError(str(e)) from None


def _emit(args: argparse.Namespace, report: CancelReport) -> None:
    """The report, with the command that made it (`report.run`): every order to `--report FILE` if
    given, then the terminal's view (bounded) or `--json`."""
    report.run.setdefault("command", f"bitget-batch-cancel {args.command}")
    seen = render.Outcomes(report)
    if getattr(args, "report", None) is not None:
        try:
            render.write_report_file(seen, args.report)
        except OSError as e:
            render.error(f"--report: {args.report} cannot be written ({e.strerror or e}); the report follows here")
    render.print_report(seen, args.json, args.all)


def _run(
    args: argparse.Namespace,
    total: int,
    call: Callable[[BitgetClient, Any], CancelReport],
    before: Callable[[], None] | None = None,
    not_sent: Callable[[], CancelReport] | None = None,
) -> int:
    """Build the client, then `before()`, run `call`, print the report; the exit code says how it went.
    A stop before the SDK had planned the run (so it has no report: nothing was sent) prints `not_sent()`."""
    client = _checked_client(args)  # e.g. an unreadable RSA key or a bad --base-url; never quotes key material
    if before is not None:
        before()
    show_bar = sys.stderr.isatty() and not args.json
    report: CancelReport | None = None
    args.run_began = True  # from here a stop is `_run`'s to report (see `_main`)
    try:
        with client, render.progress(show_bar, total) as on_progress:
            report = call(client, on_progress)
    except JournalError as e:
        if isinstance(e.report, CancelReport):  # the journal failed after orders went out: they are reported
            with _held():
                render.error(str(e))
                _emit(args, e.report)
            return exit_code(e.report)
        raise InputError(f"--journal: {e}" if args.command == "cancel" else str(e)) from None
    except (AuthenticationError, PermissionDeniedError, TimestampError) as e:
        with _held():
            render.error(f"the exchange refused the request: {e}")
            if e.report is not None and (args.json or getattr(args, "report", None) is not None):
                _emit(args, e.report)
        return EXIT_REFUSED
    except BitgetError as e:  # the exchange unreachable, or the run stopped: the report still has every order
        if e.report is None:
            raise
        with _held():
            render.error(str(e))
            _emit(args, e.report)
        code = exit_code(e.report)
        return EXIT_PARTIAL if code == EXIT_OK else code  # the run did not end as it should: never 0
    except KeyboardInterrupt as e:
        with _held():
            what = f"stopped by {e.args[0]}" if isinstance(e, Stopped) else "interrupted"
            render.error(f"{what}: orders whose answer did not come are unknown, orders not sent are failed")
            partial = getattr(e, "report", None) or report  # a signal after the run ended: its report
            if partial is None and not_sent is not None:
                try:
                    partial = not_sent()
                except BitgetError as err:
                    render.error(f"nothing was sent; the report cannot be made: {err}")
            if isinstance(partial, CancelReport):
                _emit(args, partial)
            journal = getattr(args, "journal", None)
            unfinished = isinstance(partial, CancelReport) and (partial.unknown or partial.failed)
            if journal is not None and Path(journal).exists() and unfinished:
                render.error(f"to finish the run: bitget-batch-cancel resume {journal}")
            elif unfinished and isinstance(partial, CancelReport) and args.command == "cancel":
                _leftover(partial)
        return 128 + e.signum if isinstance(e, Stopped) else 130
    assert report is not None
    with _held():
        _emit(args, report)
    return exit_code(report)


def _leftover(report: CancelReport) -> None:
    """A run stopped without a journal: the orders not known cancelled (not sent, or unknown) go to a CSV
    in the state directory that `cancel --file` takes, so that finishing the job is one command."""
    import csv

    folder = state_dir()
    path = folder / f"left-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{os.getpid()}.csv"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with path.open("x", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["symbol", "orderId", "clientOid"])
            for name in ("failed", "unknown"):
                writer.writerows(row[:3] for row in report.iter_rows(name))  # csv writes None as empty
    except OSError as e:
        render.error(f"the orders not known cancelled could not be written to {path} ({e.strerror or e})")
        return
    render.error(f"orders not known cancelled: {path}; to finish: bitget-batch-cancel cancel --file {path}")


@contextmanager
def _held() -> Iterator[None]:
    """The stop signals held while a report is written: a signal delivered during a blocked write to a
    pipe loses what was not yet written (CPython, even when the handler ignores it), and a report cut
    in the middle is worse than none. A signal that came meanwhile is handled afterwards."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
        sys.stdout.flush()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def main(argv: Sequence[str] | None = None) -> int:
    return run_parsed(parser().parse_args(argv))


def run_parsed(args: argparse.Namespace) -> int:
    """The command `args` name (parsed by `args.parser`, before this module was imported)."""
    signals = _Signals()
    if threading.current_thread() is threading.main_thread():
        signals.install()
    code = _main(args)
    if signals.first is not None:
        # Stopped: the report is written. Requests still in flight on worker threads would hold the
        # interpreter's exit until their timeouts; their orders are already reported (unknown).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _main(args: argparse.Namespace) -> int:
    try:
        report_file = getattr(args, "report", None)
        if report_file is not None and report_file.suffix.lower() not in (".json", ".csv"):
            raise InputError(f"--report: {report_file} must end in .json or .csv (the format it is written in)")
        if args.command == "demo":
            from .demo import run_demo

            return run_demo(args.orders, args.unknown, as_json=args.json, show_all=args.all, report_file=args.report)
        if args.command == "resume":
            return cmd_resume(args)
        if args.command == "show":
            return cmd_show(args)
        if args.command == "cancel-all":
            return cmd_cancel_all(args)
        return cmd_cancel(args)
    except InputError as e:
        render.error(str(e))
        return EXIT_INVALID
    except BitgetAPIError as e:
        render.error(str(e))
        return EXIT_PARTIAL
    except BitgetError as e:
        render.error(str(e))
        return EXIT_UNREACHABLE
    except KeyboardInterrupt as e:
        with _held():
            what = f"stopped by {e.args[0]}" if isinstance(e, Stopped) else "interrupted"
            if getattr(args, "run_began", False):  # while the report was being printed: it was, or is cut
                render.error(what)
            else:
                # Stopped before a run began (checking the symbols, listing ahead, asking): nothing was
                # sent. A report that says so comes out where one is expected (empty: nothing listed).
                render.error(f"{what} before anything was sent")
                if args.command == "cancel-all" and (args.json or getattr(args, "report", None) is not None):
                    _emit(args, CancelReport())
        return 128 + e.signum if isinstance(e, Stopped) else 130
