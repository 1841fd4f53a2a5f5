"""The regeneration pipeline is reproducible and its drift check catches hand edits."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .spec_support import ROOT

REGEN = ROOT / "tools" / "regen.py"
GENERATED = ROOT / "generated" / "bitget_api"


def _check(generated: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REGEN), "check", "--generated", str(generated)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def committed_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("committed") / "bitget_api"
    shutil.copytree(GENERATED, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def test_committed_generated_code_is_up_to_date(committed_copy: Path) -> None:
    result = _check(committed_copy)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hand_edit_is_caught_with_a_readable_diff(committed_copy: Path, tmp_path: Path) -> None:
    edited = tmp_path / "bitget_api"
    shutil.copytree(committed_copy, edited)
    target = edited / "models" / "batch_cancel_order_item.py"
    target.write_text(target.read_text().replace("order_id", "orderid", 1))
    result = _check(edited)
    assert result.returncode == 1
    assert "models/batch_cancel_order_item.py" in result.stdout
    assert "-" in result.stdout and "+" in result.stdout
    assert "Never edit generated code" in result.stderr


def test_stray_and_missing_files_are_caught(committed_copy: Path, tmp_path: Path) -> None:
    edited = tmp_path / "bitget_api"
    shutil.copytree(committed_copy, edited)
    (edited / "models" / "extra.py").write_text("x = 1\n")
    (edited / "errors.py").unlink()
    result = _check(edited)
    assert result.returncode == 1
    assert "stray file" in result.stdout and "models/extra.py" in result.stdout
    assert "missing" in result.stdout and "errors.py" in result.stdout


def test_whitespace_only_edit_is_caught(committed_copy: Path, tmp_path: Path) -> None:
    edited = tmp_path / "bitget_api"
    shutil.copytree(committed_copy, edited)
    target = edited / "types.py"
    target.write_bytes(target.read_bytes().replace(b"\n", b"\r\n", 1))
    assert _check(edited).returncode == 1


def test_package_is_typed_and_named_by_the_config() -> None:
    assert (GENERATED / "py.typed").exists()
    assert (GENERATED / "api" / "spot_trade" / "batch_cancel_orders.py").exists()
    assert not list(GENERATED.rglob(".ruff_cache"))


def test_the_models_package_imports_each_model_on_first_use() -> None:
    """bitget_api.models is lazy (generator-templates/models_init.py.jinja): importing it builds no model
    class; each name in `__all__` resolves to its class on first use; an unknown name is an AttributeError."""
    code = (
        "import sys, bitget_api.models as m\n"
        "assert not [k for k in sys.modules if k.startswith('bitget_api.models.')], sys.modules\n"
        "assert m.BatchCancelResponse.__name__ == 'BatchCancelResponse'\n"
        "assert 'bitget_api.models.plan_order' not in sys.modules\n"
        "import importlib\n"
        "for n in m.__all__:\n"
        "    assert getattr(m, n) is getattr(importlib.import_module(m._MODULES[n], m.__name__), n), n\n"
        "assert set(m.__all__) <= set(dir(m))\n"
        "from bitget_api.models import *\n"
        "import typing, bitget_sdk\n"  # the CHANGELOG's recipe for the clients' annotations
        "ns = {n: getattr(m, n) for n in m.__all__}\n"
        "for c in (bitget_sdk.BitgetClient, bitget_sdk.AsyncBitgetClient):\n"
        "    for f in vars(c.__mro__[1]).values():\n"
        "        if callable(f) and not f.__name__.startswith('_'):\n"
        "            assert typing.get_type_hints(f, localns=ns)['return'] is not None\n"
        "try:\n"
        "    m.NoSuchModel\n"
        "except AttributeError as e:\n"
        "    assert 'NoSuchModel' in str(e)\n"
        "else:\n"
        "    raise SystemExit('no AttributeError')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def _code_strings(path: Path) -> list[tuple[int, object]]:
    """(line, value) of every constant in the module's code, docstrings excluded."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and id(node) not in docstrings
    ]


HAND_WRITTEN_RUNTIME = sorted((ROOT / "overlays").rglob("*.py")) + sorted((ROOT / "mock").rglob("*.py"))


def test_no_endpoint_path_or_batch_limit_is_typed_into_the_overlay_or_the_mock() -> None:
    # Paths, limits and codes reach them from the contract (bitget_api.facts, or the shipped YAML).
    found = [
        f"{p.relative_to(ROOT)}:{line}: {value!r}"
        for p in HAND_WRITTEN_RUNTIME
        for line, value in _code_strings(p)
        if (isinstance(value, str) and "/api/" in value) or (type(value) is int and value == 50)
    ]
    assert found == []


def test_the_overlay_uses_only_public_generated_names() -> None:
    private = []
    for p in sorted((ROOT / "overlays").rglob("*.py")):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bitget_api"):
                module_parts = (node.module or "").split(".")
                for alias in node.names:
                    if any(x.startswith("_") for x in [*module_parts, alias.name]):
                        private.append(f"{p.name}: {node.module}.{alias.name}")
            if isinstance(node, ast.Attribute) and node.attr in {"_get_kwargs", "_parse_response", "_build_response"}:
                private.append(f"{p.name}: .{node.attr}")
    assert private == []


def test_the_readme_lists_every_public_name() -> None:
    import bitget_sdk

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in bitget_sdk.__all__ if f"`{name}`" not in readme] == []
