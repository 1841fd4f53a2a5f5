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
    assert _command("test-command").endswith("-m nox -s tests")
    assert _command("demo-command").endswith("bitget-batch-cancel demo")
    assert all(_command(m).startswith("python3 -m venv .venv && ") for m in ("test-command", "demo-command"))
    ci = (ROOT / ".ci" / "run").read_text()
    assert "readme_commands.py test-command" in ci
    assert "readme_commands.py demo-command" in ci


def test_missing_marker_is_an_error() -> None:
    with pytest.raises(ValueError, match="nope"):
        _command("nope")
