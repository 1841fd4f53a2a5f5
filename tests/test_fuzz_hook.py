"""The fuzz run is not silently green: a wrongly signing hook must make it fail."""

from __future__ import annotations

import os
import subprocess
import sys

from .spec_support import ROOT


def _fuzz(env_extra: dict[str, str], examples: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "fuzz.py"), "--max-examples", str(examples)],
        capture_output=True,
        text=True,
        env={**os.environ, **env_extra},
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_wrong_secret_in_the_signing_hook_fails_the_run() -> None:
    result = _fuzz({"FUZZ_SECRET_KEY": "not-the-secret"}, 20)
    assert result.returncode != 0
    assert "ST202" in result.stdout  # schema-valid request rejected: positive_data_acceptance caught it


def test_correctly_signed_short_run_passes() -> None:
    result = _fuzz({}, 20)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "fuzz: " in result.stdout
