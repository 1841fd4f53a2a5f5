"""The breaking-change check catches each kind of break and lets safe changes through."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools import breaking

from .spec_support import OPERATION, ROOT, load_spec

Edit = Callable[[dict[str, Any]], None]


def _op(s: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = s["paths"][OPERATION[0]][OPERATION[1]]
    return op


def _schemas(s: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = s["components"]["schemas"]
    return schemas


def _rename_success_field(s: dict[str, Any]) -> None:
    props = _schemas(s)["BatchCancelSuccessItem"]["properties"]
    props["orderID"] = props.pop("orderId")


BREAKS: dict[str, tuple[Edit, str]] = {
    "removed operation": (lambda s: s["paths"].pop(OPERATION[0]), "operation removed"),
    "renamed operationId": (lambda s: _op(s).update(operationId="cancelBatch"), "operationId"),
    "removed response field": (
        lambda s: _schemas(s)["BatchCancelFailureItem"]["properties"].pop("errorCode"),
        "response field removed or renamed",
    ),
    "renamed response field": (_rename_success_field, "removed or renamed"),
    "response field no longer required": (
        lambda s: _schemas(s)["BatchCancelResult"]["required"].remove("failureList"),
        "no longer required",
    ),
    "new required request field": (
        lambda s: (
            _schemas(s)["BatchCancelRequest"]["properties"].update(clientId={"type": "string"}),
            _schemas(s)["BatchCancelRequest"]["required"].append("clientId"),
        ),
        "new required request field",
    ),
    "request field became required": (
        lambda s: _schemas(s)["BatchCancelRequest"]["required"].append("batchMode"),
        "became required",
    ),
    "narrowed type": (
        lambda s: _schemas(s)["BatchCancelOrderItem"]["properties"]["orderId"].update(type="integer"),
        "type narrowed",
    ),
    "widened response type": (
        lambda s: _schemas(s)["BatchCancelSuccessItem"]["properties"]["orderId"].update(type=["string", "null"]),
        "type widened",
    ),
    "narrowed enum": (lambda s: _schemas(s)["BatchMode"]["enum"].remove("multiple"), "enum narrowed"),
    "tighter maxItems": (
        lambda s: _schemas(s)["BatchCancelRequest"]["properties"]["orderList"].update(maxItems=20),
        "maxItems tightened",
    ),
    "tighter minLength": (
        lambda s: _schemas(s)["BatchCancelOrderItem"]["properties"]["orderId"].update(minLength=5),
        "minLength tightened",
    ),
    "new pattern": (
        lambda s: _schemas(s)["BatchCancelOrderItem"]["properties"]["orderId"].update(pattern="^[0-9]+$"),
        "pattern",
    ),
    "removed request field": (
        lambda s: _schemas(s)["BatchCancelOrderItem"]["properties"].pop("symbol"),
        "request field removed",
    ),
    "new required header": (
        lambda s: _op(s)["parameters"].append(
            {"name": "X-Req", "in": "header", "required": True, "schema": {"type": "string"}}
        ),
        "new parameter",
    ),
    "lower rate limit": (lambda s: _op(s)["x-rate-limit"].update(limit=5), "x-rate-limit lowered"),
    "tightened cross-field rule": (
        lambda s: _schemas(s)["BatchCancelRequest"]["else"]["properties"]["symbol"].update(minLength=3),
        "cross-field rules now reject",
    ),
    "dropped branch of a cross-field rule": (
        lambda s: _schemas(s)["BatchCancelOrderItem"].update(required=["orderId"]),
        "request field became required",
    ),
    "new conditional requirement": (
        lambda s: _schemas(s)["BatchCancelRequest"]["then"].update(required=["symbol"]),
        "cross-field rules now reject",
    ),
    # Each of these passed as "0 changes" before oasdiff and the extension checks.
    "renamed ACCESS-SIGN header": (
        lambda s: s["components"]["securitySchemes"]["AccessSign"].update(name="ACCESS-SIGNATURE"),
        "security scheme changed",
    ),
    "allOf with a new required field": (
        lambda s: _schemas(s).update(
            BatchCancelRequest={
                "allOf": [
                    _schemas(s)["BatchCancelRequest"],
                    {"type": "object", "required": ["clientId"], "properties": {"clientId": {"type": "string"}}},
                ]
            }
        ),
        "new required request field",
    ),
    "const on a request field": (
        lambda s: _schemas(s)["BatchCancelRequest"]["properties"]["symbol"].update(const="BTCUSDT"),
        "const 'BTCUSDT' added",
    ),
    "BatchMode default changed": (lambda s: _schemas(s)["BatchMode"].update(default="multiple"), "default changed"),
    "x-signing prehash changed": (
        lambda s: s["x-signing"].update(prehash="{timestamp}{method}{requestPath}{body}"),
        "signing rules changed",
    ),
    "removed 429 response": (lambda s: _op(s)["responses"].pop("429"), "documented response removed"),
    "removed error code": (lambda s: _schemas(s)["ErrorResponse"]["x-error-codes"].pop(), "no longer documented"),
    "re-classified error code": (
        lambda s: _schemas(s)["ErrorResponse"]["x-error-codes"][0].update(category="parameter"),
        "category/http-status",
    ),
    "operation security changed": (
        lambda s: _op(s).update(security=[{"AccessKey": [], "AccessTimestamp": [], "AccessPassphrase": []}]),
        "security requirements changed",
    ),
    "header parameter changed": (
        lambda s: s["components"]["parameters"]["Locale"].update(required=False, schema={"type": "string"}),
        "header parameter changed",
    ),
    "global security changed": (lambda s: s["security"][0].pop("AccessPassphrase"), "global security"),
}

SAFE: dict[str, Edit] = {
    "new optional request field": lambda s: _schemas(s)["BatchCancelRequest"]["properties"].update(
        note={"type": "string", "description": "x"}
    ),
    "new response field": lambda s: _schemas(s)["BatchCancelFailureItem"]["properties"].update(
        detail={"type": "string", "description": "x"}
    ),
    "description change": lambda s: _op(s).update(description="Reworded."),
    "looser limit": lambda s: _schemas(s)["BatchCancelRequest"]["properties"]["orderList"].update(maxItems=100),
    "new example": lambda s: _op(s)["requestBody"]["content"]["application/json"]["examples"].update(
        extra={"value": {"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}]}}
    ),
    "new operation": lambda s: s["paths"].update(
        {"/api/v2/spot/trade/place-order": {"post": {"operationId": "t", "responses": {}}}}
    ),
    "wider request enum": lambda s: _schemas(s)["BatchMode"]["enum"].append("all"),
    "higher rate limit": lambda s: _op(s)["x-rate-limit"].update(limit=20),
    # Rewritten but equivalent: only a witness search can tell it from a tightening.
    "equivalent rule rewrite": lambda s: _schemas(s)["BatchCancelOrderItem"]["if"]["properties"].update(
        orderId={"type": "string"}
    ),
    "loosened cross-field rule": lambda s: _schemas(s)["BatchCancelRequest"].pop("else"),
}


def _changes(edit: Edit) -> list[Any]:
    old = copy.deepcopy(load_spec())
    new = copy.deepcopy(old)
    edit(new)
    result: list[Any] = breaking.compare(old, new)
    return result


def test_identical_contracts_have_no_changes() -> None:
    assert breaking.compare(load_spec(), copy.deepcopy(load_spec())) == []


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_each_kind_of_break_is_caught(name: str) -> None:
    edit, fragment = BREAKS[name]
    found = [c for c in _changes(edit) if c.breaking]
    assert found, f"{name} was not reported as breaking"
    assert any(fragment in str(c) for c in found), [str(c) for c in found]


@pytest.mark.parametrize("name", sorted(SAFE))
def test_safe_changes_pass(name: str) -> None:
    changes = _changes(SAFE[name])
    assert not [c for c in changes if c.breaking], [str(c) for c in changes]


def test_oasdiff_is_the_pinned_version() -> None:
    """`go version -m` reads the module version built into the binary (its --version says "main")."""
    out = subprocess.run(["go", "version", "-m", breaking.oasdiff_bin()], capture_output=True, text=True, check=True)
    assert f"{breaking.OASDIFF_MODULE}\t{breaking.OASDIFF_VERSION}" in out.stdout


def test_oasdiff_findings_are_part_of_the_verdict() -> None:
    """A finding only oasdiff makes (a response field that may now be null) breaks the check on its own."""
    old = copy.deepcopy(load_spec())
    new = copy.deepcopy(old)
    _schemas(new)["BatchCancelSuccessItem"]["properties"]["orderId"].update(type=["string", "null"])
    assert any(c.breaking and "[oasdiff" in c.message for c in breaking.compare(old, new))
    assert not [c for c in breaking.compare(old, new, use_oasdiff=False) if "[oasdiff" in c.message]


def test_oasdiff_rule_findings_are_settled_by_the_witness_search() -> None:
    old = copy.deepcopy(load_spec())
    new = copy.deepcopy(old)
    SAFE["equivalent rule rewrite"](new)
    flagged = [c for c in breaking.compare(old, new) if "[oasdiff" in c.message]
    assert flagged and not any(c.breaking for c in flagged)
    assert all("no request is newly rejected" in c.message for c in flagged)


def _write(path: Path, spec: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(spec))
    return path


def test_the_baseline_is_a_committed_release_not_head() -> None:
    (base,) = breaking.baselines()[-1:]
    version = load_spec()["info"]["version"]
    assert base.name.startswith("openapi-")
    assert breaking._version(base.stem) <= breaking._version(version)
    assert breaking.main([]) == 0  # the contract keeps its baseline's promises


def test_a_break_fails_unless_the_major_version_moves(tmp_path: Path) -> None:
    old = copy.deepcopy(load_spec())
    broken = copy.deepcopy(old)
    _op(broken)["responses"].pop("429")
    old_file = _write(tmp_path / "old.yaml", old)
    assert breaking.main(["--old", str(old_file), "--new", str(_write(tmp_path / "new.yaml", broken))]) == 1
    broken["info"]["version"] = f"{int(old['info']['version'].split('.')[0]) + 1}.0.0"
    assert breaking.main(["--old", str(old_file), "--new", str(_write(tmp_path / "v2.yaml", broken))]) == 0
    older = copy.deepcopy(old)
    older["info"]["version"] = "0.9.0"  # below the old version: never a release after it
    assert breaking.main(["--old", str(old_file), "--new", str(_write(tmp_path / "v0.yaml", older))]) == 1


def test_cli_fails_with_a_readable_list(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    spec = copy.deepcopy(load_spec())
    old.write_text(yaml.safe_dump(spec))
    _schemas(spec)["BatchCancelFailureItem"]["properties"].pop("errorMsg")
    new.write_text(yaml.safe_dump(spec))
    tool = str(ROOT / "tools" / "breaking.py")
    result = subprocess.run(
        [sys.executable, tool, "--old", str(old), "--new", str(new)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "1 breaking" in result.stdout
    assert "BREAKING" in result.stdout
    assert "errorMsg" in result.stdout
    same = subprocess.run(
        [sys.executable, tool, "--old", str(old), "--new", str(old)], capture_output=True, text=True, check=False
    )
    assert same.returncode == 0
