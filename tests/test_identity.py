"""Identity and release hygiene: one version, tied to the contract's; a changelog entry for it; the log
switch (`BITGET_SDK_LOG`) in a real subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import bitget_sdk
from bitget_api import facts
from bitget_sdk import BitgetClient, __version__

from .conftest import DEMO, MockClient

ROOT = Path(__file__).resolve().parents[1]


def _major_minor_patch(version: str) -> tuple[int, int, int]:
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)(?:[-+.].*)?", version)
    assert match, version
    return int(match[1]), int(match[2]), int(match[3])


def test_the_package_version_has_one_source() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "overlays/bitget_sdk/_version.py"
    assert bitget_sdk.__version__ == __version__


def test_the_package_version_speaks_the_contracts_version() -> None:
    """major.minor equal to the contract's `info.version`; the patch may run ahead (SDK-only fixes)."""
    package, contract = _major_minor_patch(__version__), _major_minor_patch(facts.CONTRACT_VERSION)
    assert package[:2] == contract[:2], (__version__, facts.CONTRACT_VERSION)
    assert package[2] >= contract[2]


def test_every_client_package_speaks_the_contracts_version() -> None:
    """The TypeScript package's version, the contract's facts in TypeScript and Go, all tied to info.version."""
    import json

    ts = json.loads((ROOT / "clients" / "typescript" / "package.json").read_text())
    assert _major_minor_patch(ts["version"])[:2] == _major_minor_patch(facts.CONTRACT_VERSION)[:2]
    ts_facts = (ROOT / "clients" / "typescript" / "src" / "facts.ts").read_text()
    assert f'export const CONTRACT_VERSION = "{facts.CONTRACT_VERSION}";' in ts_facts
    go_facts = (ROOT / "clients" / "go" / "bitgetapi" / "facts.gen.go").read_text()
    assert f'const ContractVersion = "{facts.CONTRACT_VERSION}"' in go_facts


def test_the_changelog_has_this_version_and_an_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "keepachangelog.com" in text
    assert re.search(r"^## \[Unreleased\]$", text, re.M)
    assert re.search(rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, re.M), __version__
    for heading in re.findall(r"^### (.+)$", text, re.M):
        assert heading in {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}, heading


def test_the_cli_reports_the_same_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bitget_cli", "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split()[-1] == __version__


_SCRIPT = """
import sys
from bitget_sdk import BitgetClient
with BitgetClient(sys.argv[1], "demo-secret-key", "demo-passphrase", base_url=sys.argv[2], backoff_base_s=0.01) as c:
    report = c.cancel_orders(symbol="BTCUSDT", order_ids=sys.argv[3:])
print(report.counts["cancelled"])
"""


def _run(mock: MockClient, level: str | None, faults: bool = False) -> subprocess.CompletedProcess[str]:
    ids = [o["orderId"] for o in mock.seed(count=60)]
    if faults:
        mock.http.post("/mock/faults", json={"error_rate": 0.5, "seed": 3}).raise_for_status()
    env = {k: v for k, v in os.environ.items() if k != "BITGET_SDK_LOG"}
    if level is not None:
        env["BITGET_SDK_LOG"] = level
    return subprocess.run(
        [sys.executable, "-c", _SCRIPT, DEMO.api_key, mock.server.url, *ids],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_log_switch_debug_goes_to_stderr_without_secrets(mock: MockClient) -> None:
    out = _run(mock, "debug", faults=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "60"
    lines = out.stderr.splitlines()
    assert any(" DEBUG bitget_sdk: POST /api/v2/spot/trade/batch-cancel-order -> HTTP 503" in ln for ln in lines)
    assert any(" INFO bitget_sdk: POST /api/v2/spot/trade/batch-cancel-order: HTTP 503" in ln for ln in lines)
    assert any("INFO bitget_sdk: cancel_orders: 60 cancelled" in ln for ln in lines)
    assert "demo-secret-key" not in out.stderr and "demo-passphrase" not in out.stderr


def test_log_switch_info_leaves_debug_out(mock: MockClient) -> None:
    out = _run(mock, "INFO")
    assert out.returncode == 0, out.stderr
    assert "cancel_orders: 60 cancelled" in out.stderr
    assert " DEBUG " not in out.stderr


def test_no_log_without_the_switch(mock: MockClient) -> None:
    out = _run(mock, None)
    assert out.returncode == 0 and out.stderr == ""


def test_a_bad_log_level_fails_when_the_client_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BITGET_SDK_LOG", "verbose")
    with pytest.raises(ValueError, match="BITGET_SDK_LOG"):
        BitgetClient("k", "s", "p")
