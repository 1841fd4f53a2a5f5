"""Developer and CI entry points. `nox -l` lists them; `.ci/run` runs the CI set."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["check_generated", "lint", "typecheck", "tests", "slow", "typescript", "breaking"]

HAND_WRITTEN = ["overlays", "mock", "cli", "tests", "tools", "noxfile.py"]


def _install_dev(session: nox.Session) -> None:
    session.install("-e", ".[dev]")


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate the clients from openapi/: generated/bitget_api (Python), clients/typescript/src/schema.d.ts,
    clients/go/bitgetapi; the SDK's operation surface and its blocking client (`_sync/`, from `_async/`)."""
    session.install(".[generate]")
    session.run("python", "tools/regen.py", "generate")
    session.run("python", "tools/unasync.py")
    session.run("python", "tools/node_tools.py", "ts-generate")
    session.run("python", "tools/go_tools.py", "generate")


@nox.session
def check_generated(session: nox.Session) -> None:
    """Fail with a readable diff if generated/, the SDK's `_surface.py` or its `_sync/` (from `_async/`) is not
    byte-for-byte what the generators make."""
    session.install(".[generate]")
    session.run("python", "tools/regen.py", "check")
    session.run("python", "tools/unasync.py", "--check")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff on hand-written code; openapi-spec-validator, Spectral and Redocly on the contract (0 warnings)."""
    session.install("ruff==0.17.5", "openapi-spec-validator==0.9.0")
    session.run("ruff", "check", "--no-cache", *HAND_WRITTEN)
    session.run("ruff", "format", "--no-cache", "--check", *HAND_WRITTEN)
    session.run("openapi-spec-validator", "openapi/openapi.yaml")
    session.run("python", "tools/node_tools.py", "lint")


@nox.session
def typescript(session: nox.Session) -> None:
    """The TypeScript client: generated types drift check, tsc --noEmit, build, tests (vectors + the mock)."""
    session.install("-e", ".[mock]")
    session.run("python", "tools/node_tools.py", "ts-check")


@nox.session
def go(session: nox.Session) -> None:
    """The Go client: drift check of clients/go/bitgetapi, go vet, go test (vectors, the mock with HMAC and RSA
    keys, the exact bytes signed, the conformance scenarios)."""
    session.install("-e", ".[mock]")
    session.run("python", "tools/go_tools.py", "check")
    session.run("python", "tools/go_tools.py", "test")


@nox.session
def conformance(session: nox.Session) -> None:
    """The conformance scenarios (tests/conformance/) run by the Python, TypeScript and Go clients against one mock."""
    _install_dev(session)
    session.run("python", "tools/conformance.py", *session.posargs)


@nox.session
def peers(session: nox.Session) -> None:
    """Clients nobody here wrote against the mock: pinned ccxt (PyPI, the dev extra) and pinned `bitget-api`
    (npm, tools/peers/package-lock.json, installed with `npm ci` there). Prints a table pass / expected-bug /
    FAIL per client and scenario; a peer's known bug is declared in tools/peers.py, never hidden."""
    _install_dev(session)
    session.run("python", "-c", "from tools import node_tools; node_tools.npm_ci(node_tools.ROOT / 'tools' / 'peers')")
    session.run("python", "tools/peers.py", *session.posargs)


@nox.session
def breaking(session: nox.Session) -> None:
    """Fail on breaking contract changes against the committed baseline (openapi/baseline/), with oasdiff
    (pinned, installed with `go install` on first use) and our own checks; `-- REF` compares with a git ref."""
    session.install("pyyaml>=6", "jsonschema>=4.23")
    session.run("python", "tools/breaking.py", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Render the API reference (build/docs/index.html, Redocly build-docs) and check it in headless chromium."""
    session.install("-e", ".[dev]")
    session.run("python", "tools/docs.py")
    session.run("pytest", "-m", "docs", "-p", "no:cacheprovider", "tests/test_docs.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the hand-written packages: the SDK overlay, the mock, the CLI and tools/."""
    _install_dev(session)
    session.run("mypy")


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite without the slow runs and the browser check (pytest -m "not slow and not docs").
    Extra arguments go to pytest instead."""
    _install_dev(session)
    session.run("pytest", *(session.posargs or ["-m", "not slow and not docs"]))


@nox.session
def slow(session: nox.Session) -> None:
    """The slow runs (chaos at CI size, load, properties at scale): pytest -m slow. CI runs them too."""
    _install_dev(session)
    session.run("pytest", "-m", "slow", *session.posargs)


@nox.session
def fuzz(session: nox.Session) -> None:
    """Schemathesis (CLI) against a live mock on loopback. `nox -s fuzz -- --max-examples 5000` runs longer."""
    _install_dev(session)
    args = session.posargs or ["--max-examples", "1000", "--min-cases", "1000"]
    session.run("python", "tools/fuzz.py", *args)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks side by side (SDK, raw httpx, ccxt): prints a table, writes bench/results.md and .png."""
    _install_dev(session)
    session.install("matplotlib>=3.8")
    session.run("python", "-m", "tools.bench", *session.posargs)


@nox.session
def chaos(session: nox.Session) -> None:
    """Fault tolerance at load: 10,000 orders under each fault mix (sync and async), then the mock under load.

    Writes bench/chaos.md. `nox -s chaos -- --orders 2000` runs the CI size.
    """
    _install_dev(session)
    session.run("python", "tools/chaos.py", "--out", "bench/chaos.md", *session.posargs)
    session.run("python", "-m", "tools.loadtest")
