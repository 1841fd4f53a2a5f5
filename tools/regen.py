"""Regenerate `generated/bitget_api` from the contract, or check that it is up to date.

One implementation for `nox -s generate`, `nox -s check_generated` and the tests that prove the
drift check catches a hand edit, so all three agree on what "up to date" means.

Usage: python tools/regen.py generate | check [--generated DIR]
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "openapi.yaml"
CONFIG = ROOT / "generator-config.yml"
PACKAGE = "bitget_api"
GENERATED = ROOT / "generated" / PACKAGE
# Caches are not output: a post hook that forgot --no-cache must not make the check flaky.
IGNORED_PARTS = {"__pycache__", ".ruff_cache", ".mypy_cache"}


def generate(out: Path) -> None:
    """Run the pinned generator into `out` (replaced), failing on any generator warning."""
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    # The post hooks call `ruff` from PATH: make it the one pinned in this interpreter's environment.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["RUFF_NO_CACHE"] = "true"
    cmd = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(SPEC),
        "--config",
        str(CONFIG),
        "--meta",
        "none",
        "--output-path",
        str(out),
        "--fail-on-warning",
    ]
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)


def _files(tree: Path) -> dict[str, Path]:
    return {
        p.relative_to(tree).as_posix(): p
        for p in sorted(tree.rglob("*"))
        if p.is_file() and not IGNORED_PARTS.intersection(p.relative_to(tree).parts)
    }


def diff_trees(expected: Path, actual: Path) -> list[str]:
    """A readable unified diff of `actual` against `expected`; empty when byte-identical."""
    want, have = _files(expected), _files(actual)
    out: list[str] = []
    for name in sorted(want.keys() | have.keys()):
        if name not in have:
            out.append(f"missing from {actual}: {name}\n")
            continue
        if name not in want:
            out.append(f"not produced by the generator (stray file): {name}\n")
            continue
        a, b = want[name].read_bytes(), have[name].read_bytes()
        if a == b:
            continue
        try:
            lines = list(
                difflib.unified_diff(
                    a.decode().splitlines(keepends=True),
                    b.decode().splitlines(keepends=True),
                    fromfile=f"regenerated/{name}",
                    tofile=f"committed/{name}",
                )
            )
        except UnicodeDecodeError:
            lines = []
        out.extend(line if line.endswith("\n") else line + "\n" for line in lines)
        if not lines:
            out.append(f"byte difference (encoding or line endings): {name}\n")
    return out


def check(committed: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / PACKAGE
        generate(fresh)
        diff = diff_trees(fresh, committed)
    if diff:
        sys.stdout.writelines(diff)
        print(
            f"\n{committed} differs from what the generator makes from {SPEC.name}.\n"
            "Never edit generated code: change the contract, generator-config.yml or the templates,"
            " then run `nox -s generate` and commit the result.",
            file=sys.stderr,
        )
        return 1
    print(f"{committed} is up to date with {SPEC.relative_to(ROOT)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["generate", "check"])
    parser.add_argument("--generated", type=Path, default=GENERATED, help="the committed package to check")
    args = parser.parse_args(argv)
    if args.command == "generate":
        generate(GENERATED)
        print(f"regenerated {GENERATED.relative_to(ROOT)}")
        return 0
    return check(args.generated)


if __name__ == "__main__":
    sys.exit(main())
