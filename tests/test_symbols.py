"""getSymbols in contract, mock and clients; a run naming a symbol the exchange does not list is refused
before any cancel (case included), with the closest listed symbols named."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bitget_mock import MockExchange, MockServer, Settings
from bitget_mock.accounts import demo_account
from bitget_sdk import AsyncBitgetClient, BatchValidationError, BitgetClient
from bitget_sdk._core.symbols import SymbolCache, close_matches

from .test_cli import run

KEY, SECRET, PASSPHRASE = "bg_demo_key", "demo-secret-key", "demo-passphrase"
SYMBOLS = "/api/v2/spot/public/symbols"
CANCELS = ("/api/v2/spot/trade/batch-cancel-order", "/api/v2/spot/trade/unfilled-orders")


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer(MockExchange([demo_account()], Settings(rate_limit=0, symbols=("BTCUSDT", "ETHUSDT")))) as srv:
        yield srv


def _seed(server: MockServer, symbol: str, n: int) -> list[str]:
    r = httpx.post(server.url + "/mock/orders", json={"symbol": symbol, "count": n}, timeout=30)
    return [o["orderId"] for o in r.json()["orders"]]


def _requests(server: MockServer, path: str) -> int:
    return sum(server.exchange.stats.by_path.get(path, {}).values())


def _live(server: MockServer) -> int:
    return len(httpx.get(server.url + "/mock/orders", params={"status": "live"}, timeout=30).json()["orders"])


def test_the_mock_lists_its_configured_symbols_and_those_of_seeded_orders(server: MockServer) -> None:
    _seed(server, "S7USDT", 1)
    with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url) as client:
        assert sorted(s.symbol for s in client.get_symbols().data) == ["BTCUSDT", "ETHUSDT", "S7USDT"]
        assert [s.symbol for s in client.get_symbols(symbol="ETHUSDT").data] == ["ETHUSDT"]
        assert client.get_symbols(symbol="btcusdt").data == []  # Bitget's symbols are upper case
        raw = client.with_raw_response.get_symbols()
        assert raw.http_status == 200 and raw.parsed.data[0].status == "online"


def test_close_matches_put_the_same_letters_in_upper_case_first() -> None:
    listed = {"BTCUSDT", "ETHUSDT", "LTCUSDT", "BTCUSDC"}
    assert close_matches("btcusdt", listed) == ["BTCUSDT"]
    assert close_matches("BTC/USDT", listed) == ["BTCUSDT"]
    assert close_matches("BTCUSD", listed)[:2] == ["BTCUSDT", "BTCUSDC"]
    assert close_matches("DOGEUSDT", listed) == []


def test_a_lower_case_symbol_is_refused_before_any_cancel_naming_the_listed_one(server: MockServer) -> None:
    ids = _seed(server, "BTCUSDT", 3)
    with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url) as client:
        with pytest.raises(BatchValidationError) as e:
            client.cancel_orders(symbol="btcusdt", order_ids=ids, check_symbols=True)
        assert e.value.field == "symbol" and "BTCUSDT" in e.value.message
        orders = [{"symbol": "BTCUSDT", "orderId": ids[0]}, {"symbol": "BTCUSD", "orderId": "1"}]
        with pytest.raises(BatchValidationError) as e:
            client.cancel_orders(orders=orders, check_symbols=True)
        assert (e.value.field, e.value.index) == ("orders[1].symbol", 1) and "BTCUSDT" in e.value.message
        orders = [{"symbol": "XYZ", "orderId": "9"}]
        with pytest.raises(BatchValidationError) as e:
            client.cancel_orders(symbol="BTCUSDT", order_ids=iter(ids), orders=orders, check_symbols=True)
        assert e.value.field == "orders[0].symbol"  # after the three order_ids, from an iterator
        assert _requests(server, CANCELS[0]) == 0 and _live(server) == 3
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=ids, check_symbols=True)
        assert report.ok and report.read_count == 0  # read once, kept for the client's later runs
        unchecked = client.cancel_orders(symbol="ETHUSDT", order_ids=["1"], settle=False)  # the default
        assert unchecked.failed[0].error_code == "43001"
    # "btcusdt" alone was asked for, then (not listed) the whole list, kept for every later check
    assert _requests(server, SYMBOLS) == 2


def test_a_run_naming_one_listed_symbol_reads_that_symbol_not_the_whole_list() -> None:
    """Bitget's whole list is ~1,300 pairs (~0.6 MB) read before the first cancel; a run of one symbol
    asks for that one (`symbol=`), and the whole list only when it is not listed (for the refusal)."""
    with MockServer(MockExchange([demo_account()], Settings(rate_limit=0, symbols=("ETHUSDT",)))) as other:
        ids = _seed(other, "BTCUSDT", 2)
        seen: list[str] = []
        hooks = {"request": [lambda request: seen.append(str(request.url))]}
        with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=other.url, httpx_args={"event_hooks": hooks}) as client:
            report = client.cancel_orders(symbol="BTCUSDT", order_ids=ids, check_symbols=True, settle=False)
            again = client.cancel_orders(symbol="BTCUSDT", order_ids=ids, check_symbols=True, settle=False)
        assert report.ok and [r.operation for r in report.requests] == ["getSymbols", "batchCancelOrders"]
        assert again.read_count == 0  # the one symbol read is kept, as the whole list is
        reads = [url for url in seen if SYMBOLS in url]
        assert len(reads) == 1 and reads[0].endswith("?symbol=BTCUSDT"), reads


def test_a_failed_one_symbol_read_falls_back_to_the_whole_list_and_still_refuses() -> None:
    """What Bitget answers to `symbol=` of a pair it does not list is not documented: an error (here a
    400 for any `symbol=`) must not let a wrong symbol through unchecked."""
    from .hostile import HostileServer, Reply, Request, envelope, honest, http

    def reads(req: Request, book: object) -> Reply:
        if "symbol=" in req.target:
            return http(400, envelope("40034", "Parameter symbol does not exist"))
        rows = [{"symbol": s, "status": "online"} for s in ("BTCUSDT", "ETHUSDT")]
        return http(200, envelope("00000", "success", rows))

    with HostileServer(honest, reads) as server, BitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url) as client:
        with pytest.raises(BatchValidationError) as e:
            client.cancel_orders(symbol="btcusdt", order_ids=["1"], check_symbols=True)
        assert e.value.field == "symbol" and "BTCUSDT" in e.value.message
        assert [r.target.split("?")[-1] for r in server.requests] == ["symbol=btcusdt", "/api/v2/spot/public/symbols"]


def test_the_async_client_refuses_the_same_way(server: MockServer) -> None:
    ids = _seed(server, "ETHUSDT", 2)

    async def main() -> None:
        async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url) as client:
            with pytest.raises(BatchValidationError, match="ETHUSDT"):
                await client.cancel_orders(symbol="ethusdt", order_ids=ids, check_symbols=True)
            with pytest.raises(BatchValidationError, match=r"symbols\[1\]"):
                await client.cancel_open_orders(symbols=["ETHUSDT", "ethusdt"])
            await client.check_symbols(["ETHUSDT"])

    asyncio.run(main())
    assert _requests(server, CANCELS[0]) == 0 and _requests(server, CANCELS[1]) == 0 and _live(server) == 2


def test_an_unreadable_or_empty_symbol_list_refuses_nothing() -> None:
    assert SymbolCache().put([]) is None  # an exchange listing nothing is broken, not informative
    with MockServer(MockExchange([demo_account()], Settings(rate_limit=0, symbols=()))) as server:
        with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url) as client:
            report = client.cancel_orders(symbol="NOPEUSDT", order_ids=["1"], settle=False, check_symbols=True)
        assert report.failed and _requests(server, CANCELS[0]) == 1  # sent: the exchange said why
        # the name alone (none listed), then the whole list (empty): nothing is refused on an empty list
        assert [r.operation for r in report.requests] == ["getSymbols", "getSymbols", "batchCancelOrders"]


def test_cli_cancel_and_cancel_all_refuse_a_wrong_symbol_naming_the_flag_or_column(
    server: MockServer, tmp_path: Path
) -> None:
    ids = _seed(server, "BTCUSDT", 3)
    r = run("cancel", "--symbol", "btcusdt", "--order-id", ids[0], "--base-url", server.url)
    assert r.returncode == 2 and "--symbol: 'btcusdt' is not a spot symbol" in r.stderr and "BTCUSDT" in r.stderr
    orders = tmp_path / "orders.csv"
    orders.write_text(f"symbol,orderId\nBTCUSDT,{ids[0]}\nBTC-USDT,{ids[1]}\n")
    r = run("cancel", "--file", str(orders), "--base-url", server.url)
    assert r.returncode == 2 and "line 3, column symbol" in r.stderr and "BTCUSDT" in r.stderr
    r = run("cancel-all", "--symbol", "btcusdt", "--yes", "--base-url", server.url)
    assert r.returncode == 2 and "--symbol: 'btcusdt'" in r.stderr
    assert _requests(server, CANCELS[0]) == 0 and _requests(server, CANCELS[1]) == 0 and _live(server) == 3
