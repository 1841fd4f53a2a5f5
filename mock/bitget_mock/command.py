"""`bitget-mock` / `python -m bitget_mock`: serve the mock exchange in the foreground."""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from pathlib import Path

import uvicorn

from .accounts import DEMO_PASSPHRASE, DEMO_SECRET_KEY, Account, account_from_env
from .app import create_app
from .exchange import DEFAULT_SYMBOLS, MockExchange, Settings
from .server import UVICORN_OPTIONS


def _account(spec: str, rsa: bool) -> Account:
    parts = spec.split(":")
    if len(parts) != 4 or not all(parts):
        what = "KEY:PUBLIC_KEY_PEM_FILE:PASSPHRASE:UID" if rsa else "KEY:SECRET:PASSPHRASE:UID"
        raise argparse.ArgumentTypeError(f"expected {what}")
    key, secret, passphrase, uid = parts
    if rsa:
        pem = Path(secret).read_text(encoding="utf-8")
        return Account(api_key=key, public_key_pem=pem, passphrase=passphrase, uid=uid)
    return Account(api_key=key, secret_key=secret, passphrase=passphrase, uid=uid)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="bitget-mock", description="A strict, stateful mock of Bitget's spot batch cancel endpoint."
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument(
        "--rate-limit",
        type=int,
        default=None,
        help="requests per second per UID (default: the contract's 10; 0 = off)",
    )
    p.add_argument(
        "--ip-rate-limit",
        type=int,
        default=None,
        metavar="N",
        help="requests per window from one IP address, every endpoint (default: the contract's 6000; 0 = off; "
        "--rate-limit 0 turns it off too unless this is given); past it, 429 to everything from the address "
        "for the penalty",
    )
    p.add_argument(
        "--ip-rate-window-ms",
        type=int,
        default=None,
        metavar="MS",
        help="the per-IP cap's sliding window (default: the contract's 60000)",
    )
    p.add_argument(
        "--ip-penalty-ms",
        type=int,
        default=None,
        metavar="MS",
        help="how long an address that exceeded the per-IP cap gets 429 to everything (default: the contract's 300000)",
    )
    p.add_argument(
        "--timestamp-window-ms",
        type=int,
        default=30_000,
        help="allowed clock skew of ACCESS-TIMESTAMP (default 30000)",
    )
    p.add_argument(
        "--auth-error-status",
        type=int,
        choices=[400, 401],
        default=400,
        help="HTTP status of auth failures: 400 like Bitget (default), 401 for API fuzzers (conformance mode)",
    )
    p.add_argument(
        "--account",
        action="append",
        default=[],
        type=lambda s: _account(s, False),
        metavar="KEY:SECRET:PASSPHRASE:UID",
        help="an HMAC account (repeatable)",
    )
    p.add_argument(
        "--rsa-account",
        action="append",
        default=[],
        type=lambda s: _account(s, True),
        metavar="KEY:PEM_FILE:PASSPHRASE:UID",
        help="an RSA account with a public key file (repeatable)",
    )
    p.add_argument(
        "--client-oid-lookup-any-status",
        action="store_true",
        help="orderInfo by clientOid finds filled and cancelled orders too (Bitget: only unfilled ones)",
    )
    p.add_argument(
        "--cancel-symbol-delay-ms",
        type=int,
        default=300,
        metavar="MS",
        help="cancel-symbol-order is asynchronous: the symbol's open orders are cancelled this long after the "
        "answer; orders placed in between survive (default 300)",
    )
    p.add_argument(
        "--symbols",
        type=lambda v: tuple(x.strip() for x in v.split(",") if x.strip()),
        default=DEFAULT_SYMBOLS,
        metavar="A,B,...",
        help=f"the spot symbols getSymbols lists, besides those of seeded orders (default {','.join(DEFAULT_SYMBOLS)})",
    )
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    accounts = [*args.account, *args.rsa_account] or [account_from_env()]
    settings = Settings(
        rate_limit=args.rate_limit,
        timestamp_window_ms=args.timestamp_window_ms,
        auth_error_status=args.auth_error_status,
        client_oid_lookup_unfilled_only=not args.client_oid_lookup_any_status,
        cancel_symbol_delay_ms=args.cancel_symbol_delay_ms,
        freeze_seeded_orders=True,
        ip_rate_limit=args.ip_rate_limit,
        ip_rate_window_ms=args.ip_rate_window_ms,
        ip_penalty_ms=args.ip_penalty_ms,
        symbols=args.symbols,
    )
    if not 0 <= args.cancel_symbol_delay_ms <= 120_000:
        print("bitget-mock: --cancel-symbol-delay-ms must be from 0 to 120000", file=sys.stderr)
        return 2
    try:
        exchange = MockExchange(accounts, settings)
    except ValueError as e:
        print(f"bitget-mock: {e}", file=sys.stderr)
        return 2
    logging.basicConfig(level=args.log_level.upper(), format="%(message)s", stream=sys.stderr)
    # Bind first, so that `--port 0` can say which port it got.
    try:
        sock = socket.create_server((args.host, args.port))
    except OSError as e:
        print(f"bitget-mock: cannot listen on {args.host}:{args.port}: {e.strerror}", file=sys.stderr)
        return 1
    host, port = sock.getsockname()[:2]
    url_host = f"[{host}]" if ":" in host else host
    print(f"bitget-mock on http://{url_host}:{port}", file=sys.stderr, flush=True)
    for a in accounts:
        line = f"  account {a.api_key} (uid {a.uid}, {a.key_type})"
        if a.secret_key == DEMO_SECRET_KEY and a.passphrase == DEMO_PASSPHRASE:
            line += " - demo credentials, see README: secret 'demo-secret-key', passphrase 'demo-passphrase'"
        print(line, file=sys.stderr, flush=True)
    config = uvicorn.Config(
        create_app(exchange), log_level=args.log_level, timeout_graceful_shutdown=2, **UVICORN_OPTIONS
    )
    uvicorn.Server(config).run(sockets=[sock])
    return 0
