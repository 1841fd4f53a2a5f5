"""The Quickstart's commands are the ones CI runs: both must be present and well-formed."""

from __future__ import annotations

import pytest

from tools import readme_commands

from .spec_support import ROOT


def _command(marker: str) -> str:
    return readme_commands.command(marker)


def test_quickstart_has_exactly_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = text.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    assert quickstart.count("```sh") == 2
    assert _command("test-command") == "python3 -m pip install 'nox[uv]==2026.10.20' && python3 -m nox -s tests"
    assert _command("demo-command") == "python3 -m pip install '.[cli]' && python3 -m bitget_cli demo"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "readme_commands.py test-command" in ci
    assert "readme_commands.py demo-command" in ci


def test_missing_marker_is_an_error() -> None:
    with pytest.raises(ValueError, match="nope"):
        _command("nope")
