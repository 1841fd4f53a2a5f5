"""The regeneration pipeline is reproducible and its drift check catches hand edits."""

from __future__ import annotations

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
