"""The command line's flags, apart from the commands: `--help`, `--version` and a bad flag are answered
before the SDK, httpx and rich are imported (~0.25 s in a fresh process, where ~0.05 s is what an operator
in an incident should wait for either)."""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path
from typing import NoReturn

EXIT_INVALID = 2  # bad input; nothing was sent
EXIT_NO_RUN = 5  # `resume`: no run was recorded at that path, so none sent anything


class _Parser(argparse.ArgumentParser):
    """Bad options are one line on stderr naming the flag, exit 2 (argparse's usage block would bury it)."""

    def error(self, message: str) -> NoReturn:
        print(f"error: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(EXIT_INVALID)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, not {text!r}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, not {text!r}")
    return value


def version() -> str:
    """The SDK's version, read from its one source (`bitget_sdk/_version.py`) without importing the SDK."""
    import importlib.util

    spec = importlib.util.find_spec("bitget_sdk")  # finds the package; runs none of it
    folder = Path(next(iter(spec.submodule_search_locations or []))) if spec is not None else None
    if folder is not None and (source := folder / "_version.py").is_file():
        found = re.search(r'__version__\s*=\s*"([^"]+)"', source.read_text(encoding="utf-8"))
        if found:
            return found.group(1)
    from bitget_sdk import __version__  # an installed layout this does not know: the slow way

    return __version__


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="bitget-batch-cancel",
        description="Cancel Bitget spot orders in batches, and see what happened to each one.",
        epilog="Exit codes: 0 all cancelled, 1 some failed/unknown, 2 bad input (nothing sent), "
        "3 credentials refused, 4 exchange unreachable (nothing reached it), "
        "5 resume: no run recorded in that journal (nothing was sent by it), "
        "130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (the report so far is printed).",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cancel", help="cancel orders (credentials from BITGET_API_KEY/SECRET_KEY/PASSPHRASE)")
    c.add_argument("--symbol", help="trading pair, e.g. BTCUSDT (default symbol for file rows without one)")
    c.add_argument("--order-id", action="append", default=[], metavar="ID", help="an order ID (repeatable)")
    c.add_argument("--client-oid", action="append", default=[], metavar="OID", help="a client order ID (repeatable)")
    c.add_argument(
        "--file",
        type=Path,
        help="orders from a .csv (columns symbol,orderId,clientOid) or .json file; - reads standard input "
        "(JSON if it starts with [ or {, else CSV)",
    )
    c.add_argument("--batch-mode", choices=["auto", "single", "multiple"], default="auto")
    _connection_flags(c)
    c.add_argument(
        "--no-settle",
        action="store_true",
        help="do not read back the state of orders whose outcome is unknown or 'does not exist'",
    )
    _reconcile_flag(c)
    _report_flags(c)
    c.add_argument("--dry-run", action="store_true", help="validate and show the batches; send nothing")
    j = c.add_mutually_exclusive_group()
    j.add_argument(
        "--journal",
        type=Path,
        metavar="FILE",
        help="the run's SQLite journal (default: a new one in $XDG_STATE_HOME/bitget-batch-cancel, its path "
        "printed first); if the process dies, `resume FILE` finishes it. A journal of the same orders is continued",
    )
    j.add_argument("--no-journal", action="store_true", help="keep no journal (a crashed run cannot be resumed)")
    r = sub.add_parser("resume", help="finish a run recorded with --journal whose process stopped")
    r.add_argument("journal", type=Path, metavar="JOURNAL")
    _connection_flags(r)
    _report_flags(r)
    w = sub.add_parser("show", help="print the report of a journal, finished or not (no credentials, no I/O)")
    w.add_argument("journal", type=Path, metavar="JOURNAL")
    _report_flags(w)
    a = sub.add_parser("cancel-all", help="cancel every open order of some symbols (or all), until none is open")
    a.add_argument("--symbol", action="append", default=[], metavar="SYMBOL", help="a symbol (repeatable)")
    a.add_argument("--all-symbols", action="store_true", help="every symbol of the account")
    a.add_argument(
        "--strategy",
        choices=["auto", "batch", "symbol"],
        default="auto",
        help="batch: batch cancels at the full rate; symbol: cancel-symbol-order (asynchronous) then read back; "
        "auto: batches from the first page, then cancel-symbol-order for what is left once all is listed, "
        "if faster (default)",
    )
    _connection_flags(a)
    a.add_argument("--dry-run", action="store_true", help="list what is open and stop; cancel nothing")
    a.add_argument("--yes", action="store_true", help="do not ask for confirmation on a terminal")
    a.add_argument(
        "--no-plan-orders",
        action="store_true",
        help="leave plan (trigger) orders open (by default they are cancelled too, and reported apart)",
    )
    _reconcile_flag(a)
    _report_flags(a)
    d = sub.add_parser("demo", help="the main job on an embedded mock exchange: no network, no credentials")
    d.add_argument("--orders", type=_count, default=500, help="open orders to seed and cancel (default 500)")
    d.add_argument("--unknown", type=_count, default=10, help="extra order IDs that do not exist (default 10)")
    _report_flags(d)
    return p


def _reconcile_flag(c: argparse.ArgumentParser) -> None:
    c.add_argument(
        "--no-reconcile",
        action="store_true",
        help="do not read back the final state and filled size of the orders cancelled (by default every "
        "outcome carries them, and the summary says what filled per symbol)",
    )


def _report_flags(c: argparse.ArgumentParser) -> None:
    """How the report comes out: shared by every command that makes one."""
    c.add_argument("--json", action="store_true", help="print the whole report as JSON (one order per line)")
    c.add_argument(
        "--all", action="store_true", help="list every order in the table (default: the first 10-20 of each outcome)"
    )
    c.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="also write every order to FILE: .json (the --json report) or .csv (outcome,symbol,orderId,clientOid,...)",
    )


def _connection_flags(c: argparse.ArgumentParser) -> None:
    """Where and how to send: shared by `cancel` and `resume`."""
    c.add_argument("--base-url", help="exchange URL (default: BITGET_BASE_URL, else Bitget's API)")
    c.add_argument(
        "--proxy",
        metavar="URL",
        help="forward proxy, http://[user:pass@]host:port (default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, "
        "minus NO_PROXY)",
    )
    c.add_argument("--private-key-file", type=Path, help="RSA private key (PKCS#8 PEM) instead of BITGET_SECRET_KEY")
    c.add_argument(
        "--timeout", type=_seconds, default=10.0, help="seconds per attempt, connect to last byte (default 10)"
    )
    c.add_argument(
        "--deadline",
        type=_seconds,
        metavar="SECONDS",
        help="bound the whole run: when it passes, orders not yet sent are reported failed (not sent), "
        "requests in flight unknown; 429s are retried until then",
    )
    c.add_argument("--demo-trading", action="store_true", help="send PAPTRADING: 1 (Bitget demo trading)")
    c.add_argument(
        "--rate-limit-backend",
        metavar="URL",
        help="share the key's rate budget with other processes and hosts through Redis, e.g. redis://host:6379/0 "
        "(default: BITGET_RATE_LIMIT_BACKEND)",
    )
    c.add_argument(
        "--uid",
        help="the account's UID: every API key given the same UID shares one rate budget (default: BITGET_UID)",
    )
