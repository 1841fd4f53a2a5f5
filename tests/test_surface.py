"""The per-operation surface is generated from the contract (`overlays/bitget_sdk/_surface.py`): every
operation is a method of both clients and of their `with_raw_response`, and an operation planted in the
contract appears on all four after regenerating, callable end to end, with no hand-written edit."""

from __future__ import annotations

import copy
import inspect
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from bitget_api import facts
from bitget_sdk import AsyncBitgetClient, BatchValidationError, BitgetClient
from bitget_sdk._surface import AsyncRawOperations, RawOperations
from tools import regen

ROOT = Path(__file__).resolve().parent.parent


def _snake(name: str) -> str:
    return regen._snake(name)


@pytest.mark.parametrize("owner", [BitgetClient, AsyncBitgetClient, RawOperations, AsyncRawOperations])
def test_every_operation_of_the_contract_is_a_method(owner: type) -> None:
    for op_id in facts.OPERATIONS:
        method = getattr(owner, _snake(op_id))
        assert inspect.iscoroutinefunction(method) == owner.__name__.startswith("Async"), (owner, op_id)


def test_sync_and_async_methods_take_the_same_arguments() -> None:
    for op_id in facts.OPERATIONS:
        name = _snake(op_id)
        signatures = {
            inspect.signature(getattr(owner, name)).parameters.keys().__repr__()
            for owner in (BitgetClient, AsyncBitgetClient, RawOperations, AsyncRawOperations)
        }
        assert len(signatures) == 1, (name, signatures)


def test_arguments_are_checked_from_the_contract_before_any_io() -> None:
    with BitgetClient("k", "s", "p", base_url="http://127.0.0.1:9") as client:  # nothing listens there
        with pytest.raises(BatchValidationError, match="tpsl_type") as enum:
            client.cancel_order(symbol="BTCUSDT", order_id="1", tpsl_type="oco")  # type: ignore[arg-type]
        assert "'normal', 'tpsl'" in str(enum.value)  # the contract's enum, named
        with pytest.raises(BatchValidationError, match="give order_id or client_oid"):
            client.get_order_info()
        with pytest.raises(BatchValidationError, match="limit"):
            client.get_unfilled_orders(limit=101)
        with pytest.raises(BatchValidationError, match="symbol"):
            client.cancel_symbol_orders(symbol="x" * 65)


def test_the_committed_surface_is_what_the_contract_makes(tmp_path: Path) -> None:
    spec = yaml.safe_load(regen.SPEC.read_text(encoding="utf-8"))
    regen.write_surface(spec, tmp_path / "_surface.py")
    assert (tmp_path / "_surface.py").read_text() == regen.SURFACE.read_text()


PLANTED = {
    "get": {
        "operationId": "getSymbolTicker",
        "tags": ["public"],
        "summary": "A planted operation",
        "description": "Planted by a test: one public read with one query parameter.",
        "x-rate-limit": {"scope": "ip", "limit": 20, "window-ms": 1000},
        "security": [],
        "parameters": [
            {
                "name": "symbol",
                "in": "query",
                "required": True,
                "schema": {"type": "string", "minLength": 1, "maxLength": 32},
            }
        ],
        "responses": {
            "200": {
                "description": "The symbol.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CancelSymbolResponse"}}},
            }
        },
    }
}


def test_a_planted_operation_appears_on_both_clients_with_no_overlay_edit(tmp_path: Path) -> None:
    spec = copy.deepcopy(yaml.safe_load(regen.SPEC.read_text(encoding="utf-8")))
    spec["paths"]["/api/v2/spot/market/planted"] = PLANTED
    planted = tmp_path / "openapi.yaml"
    planted.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    regen.generate(tmp_path / "generated" / "bitget_api", planted)
    shutil.copytree(ROOT / "overlays" / "bitget_sdk", tmp_path / "overlays" / "bitget_sdk")
    regen.write_surface(spec, tmp_path / "overlays" / "bitget_sdk" / "_surface.py")
    # The overlay's hand-written files are the committed ones, byte for byte.
    for path in (ROOT / "overlays" / "bitget_sdk").glob("*.py"):
        if path.name != "_surface.py":
            assert (tmp_path / "overlays" / "bitget_sdk" / path.name).read_bytes() == path.read_bytes()
    script = textwrap.dedent(
        """
        import asyncio, json, httpx
        from bitget_sdk import AsyncBitgetClient, BitgetClient

        seen = []

        def answer(request):
            seen.append(str(request.url))
            body = {"code": "00000", "msg": "success", "requestTime": 1, "data": {"symbol": "BTCUSDT"}}
            return httpx.Response(200, json=body)

        args = {"base_url": "http://planted.invalid", "rate_limit": 0}
        with BitgetClient("k", "s", "p", **args, httpx_args={"transport": httpx.MockTransport(answer)}) as c:
            sync = c.get_symbol_ticker(symbol="BTCUSDT").data.symbol
            raw = c.with_raw_response.get_symbol_ticker(symbol="BTCUSDT").http_status

        async def run():
            transport = httpx.MockTransport(answer)
            async with AsyncBitgetClient("k", "s", "p", **args, httpx_args={"transport": transport}) as c:
                return (await c.get_symbol_ticker(symbol="BTCUSDT")).data.symbol

        print(json.dumps([sync, raw, asyncio.run(run()), seen]))
        """
    )
    paths = [tmp_path / "generated", tmp_path / "overlays"]
    env = {"PYTHONPATH": ":".join(map(str, paths)), "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    sync, raw, asynchronous, seen = json.loads(done.stdout)
    assert (sync, raw, asynchronous) == ("BTCUSDT", 200, "BTCUSDT")
    assert seen == ["http://planted.invalid/api/v2/spot/market/planted?symbol=BTCUSDT"] * 3
    surface = (tmp_path / "overlays" / "bitget_sdk" / "_surface.py").read_text()
    assert "def get_symbol_ticker(self, *, symbol: str, **options" in surface  # required: no default
