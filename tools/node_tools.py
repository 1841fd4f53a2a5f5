"""The Node side of the contract checks, driven from nox: Spectral + Redocly lint, and the TypeScript client
(drift check of the generated types, type check, build, tests against the Python mock on loopback).

Usage: python tools/node_tools.py lint | ts-generate | ts-check
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "clients" / "typescript"
SCHEMA_TS = TS / "src" / "schema.d.ts"
SPEC = ROOT / "openapi" / "openapi.yaml"
ENV = {**os.environ, "REDOCLY_TELEMETRY": "off", "NO_UPDATE_NOTIFIER": "1", "NPM_CONFIG_UPDATE_NOTIFIER": "false"}


def _bin(name: str) -> str:
    return str(ROOT / "node_modules" / ".bin" / name)


def npm_ci() -> None:
    """Install the pinned Node tools (package-lock.json) unless node_modules already matches it."""
    stamp = ROOT / "node_modules" / ".package-lock.json"
    lock = ROOT / "package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, env=ENV, check=True)


def run(*cmd: str, capture_output: bool = False) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=ROOT, env=ENV, text=True, check=True, capture_output=capture_output)


def lint() -> None:
    run(_bin("spectral"), "lint", "--fail-severity=warn", str(SPEC))
    out = run(_bin("redocly"), "lint", "--config", "redocly.yaml", "--format=json", str(SPEC), capture_output=True)
    report = json.loads(out.stdout)
    totals = report["totals"]
    for problem in report["problems"]:
        print(f"redocly {problem['severity']}: {problem['ruleId']}: {problem['message']}")
    print(f"redocly: {totals['errors']} errors, {totals['warnings']} warnings")
    if totals["errors"] or totals["warnings"]:
        raise SystemExit(1)


def ts_generate(out: Path = SCHEMA_TS) -> None:
    run(_bin("openapi-typescript"), str(SPEC), "-o", str(out), capture_output=True)


def ts_check() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "schema.d.ts"
        ts_generate(fresh)
        want, have = fresh.read_text(), SCHEMA_TS.read_text()
    if want != have:
        sys.stdout.writelines(
            difflib.unified_diff(
                want.splitlines(True), have.splitlines(True), "regenerated/schema.d.ts", "committed/schema.d.ts"
            )
        )
        print("clients/typescript/src/schema.d.ts is stale: run `nox -s generate` and commit it.", file=sys.stderr)
        raise SystemExit(1)
    print("clients/typescript/src/schema.d.ts is up to date")
    run(_bin("tsc"), "-p", str(TS), "--noEmit")
    run(_bin("tsc"), "-p", str(TS))
    sys.path.insert(0, str(ROOT))
    from tools import conformance

    # The demo account and the conformance suite's RSA account (conformance.test.js runs here too).
    with conformance.mock_server() as url:
        env = {**ENV, "BITGET_MOCK_URL": url}
        tests = sorted(str(p) for p in (TS / "dist" / "test").glob("*.test.js"))
        print("+ node --test", *tests, flush=True)
        subprocess.run(["node", "--test", *tests], cwd=ROOT, env=env, check=True)


def main(argv: list[str]) -> int:
    npm_ci()
    {"lint": lint, "ts-generate": ts_generate, "ts-check": ts_check}[argv[0]]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
