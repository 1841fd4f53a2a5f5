"""`bitget-batch-cancel demo`: the main job end to end on an embedded mock exchange.

Starts the mock in-process on a free port with the demo account and Bitget's real rate limit
(10 requests/s), seeds open orders over three symbols, adds IDs that do not exist, cancels them
all through the SDK, and checks the report against the mock's own ground truth.
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx

from bitget_mock import DEMO_API_KEY, DEMO_PASSPHRASE, DEMO_SECRET_KEY, MockExchange, MockServer, Settings, demo_account
from bitget_sdk import BitgetClient

from . import render

SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT")


def run_demo(
    n_orders: int, n_unknown: int, *, as_json: bool = False, show_all: bool = False, report_file: Path | None = None
) -> int:
    """Seed, cancel, check against the mock's record; the exit code follows `cancel`'s rules."""
    if n_orders < 0 or n_unknown < 0 or n_orders + n_unknown == 0:
        render.error("--orders and --unknown must be >= 0, and not both 0")
        return 2
    if n_orders > 100_000:
        render.error("--orders: at most 100000")
        return 2
    exchange = MockExchange([demo_account()], Settings())  # the contract's rate limit: 10 requests/s
    with MockServer(exchange) as server, httpx.Client(base_url=server.url) as control:
        orders: list[dict[str, str]] = []
        for i, symbol in enumerate(SYMBOLS):
            count = n_orders // len(SYMBOLS) + (1 if i < n_orders % len(SYMBOLS) else 0)
            if count:
                seeded = control.post("/mock/orders", json={"symbol": symbol, "count": count}).json()["orders"]
                # Four in five by orderId, one in five by clientOid: the SDK never mixes them in a batch.
                orders += [
                    {"symbol": symbol, "clientOid": o["clientOid"]}
                    if j % 5 == 4
                    else {"symbol": symbol, "orderId": o["orderId"]}
                    for j, o in enumerate(seeded)
                ]
        orders += [{"symbol": SYMBOLS[0], "orderId": f"9{i:011d}"} for i in range(n_unknown)]
        if not as_json:
            print(
                f"bitget-mock on {server.url} (demo account {DEMO_API_KEY}, 10 requests/s per UID): "
                f"{n_orders} open orders seeded, {n_unknown} IDs that do not exist",
                file=sys.stderr,
            )
        with (
            BitgetClient(DEMO_API_KEY, DEMO_SECRET_KEY, DEMO_PASSPHRASE, base_url=server.url) as client,
            render.progress(sys.stderr.isatty() and not as_json, len(orders)) as on_progress,
        ):
            report = client.cancel_orders(orders=orders, on_progress=on_progress)
        live = control.get("/mock/orders", params={"status": "live"}).json()["orders"]
        throttled = exchange.stats.count(429)
    if report_file is not None:
        try:
            render.write_report_file(report, report_file)
        except OSError as e:
            render.error(f"--report: {report_file} cannot be written ({e.strerror or e})")
    render.print_report(report, as_json, show_all)
    expected = (
        len(report.cancelled) == n_orders
        and len(report.failed) == n_unknown
        and all(o.error_code == "43001" for o in report.failed)
        and not report.unknown
        and not live
    )
    if not as_json:
        verdict = "matches" if expected else "DOES NOT match"
        print(f"the report {verdict} the mock's ground truth ({len(live)} orders still open, {throttled} x HTTP 429)")
    # As `cancel` exits (1: some failed, as the IDs that do not exist do); a report that disagrees with
    # the mock's record is 1 whatever the counts, and says so above.
    return 1 if not expected or report.failed or report.unknown else 0
