"""The cross-language conformance suite (`nox -s conformance`): the scenarios in tests/conformance/*.json,
run by the Python, TypeScript and Go clients against one mock.

A scenario is language-neutral JSON (tests/conformance/README.md): the mock's set-up through its control
API (`setup.orders` seeded, `setup.fill` filled), the account that signs, one call (`operationId`, query
or body, as on the wire), and the expected answer (HTTP status, Bitget code, values and lengths at dotted
paths of the JSON answer, and the mock's order states afterwards). Each client has a small runner that
does exactly what this module's `Scenario` does: substitute `{orders.N.field}`, call, check.

Usage: python tools/conformance.py [--only python|typescript|go]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "tests" / "conformance"
ACCOUNTS = SUITE / "accounts.json"


def accounts() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ACCOUNTS.read_text(encoding="utf-8"))
    return data


def scenario_files() -> list[Path]:
    return sorted(p for p in SUITE.glob("*.json") if p.name != "accounts.json")


@contextlib.contextmanager
def mock_server() -> Iterator[str]:
    """A mock on loopback that knows the suite's accounts (HMAC and RSA, one UID), rate limit off."""
    from bitget_mock import MockExchange, MockServer, Settings
    from bitget_mock.accounts import Account

    book = accounts()
    known = [
        Account(api_key=a["apiKey"], passphrase=a["passphrase"], uid=book["uid"], secret_key=a["secretKey"])
        if "secretKey" in a
        else Account(api_key=a["apiKey"], passphrase=a["passphrase"], uid=book["uid"], public_key_pem=a["publicKeyPem"])
        for name, a in book["accounts"].items()
        if name != "wrong-secret"
    ]
    with MockServer(MockExchange(known, Settings(rate_limit=0))) as server:
        yield server.url


def substitute(value: Any, orders: list[dict[str, Any]]) -> Any:
    """`"{orders.N.field}"` (a whole string) -> the Nth seeded order's field, anywhere in `value`."""
    if isinstance(value, str) and value.startswith("{orders.") and value.endswith("}"):
        _, index, field = value[1:-1].split(".")
        return orders[int(index)][field]
    if isinstance(value, dict):
        return {substitute(k, orders): substitute(v, orders) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, orders) for v in value]
    return value


_MISSING = object()


def lookup(answer: Any, path: str) -> Any:
    """The value at a dotted path ("data.successList.0.orderId"); _MISSING if there is none."""
    node = answer
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return _MISSING
    return node


class Scenario:
    """One scenario file: set up the mock, then check what a client got."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        self.name: str = self.data["name"]
        self.account: str = self.data.get("account", "hmac")
        self.orders: list[dict[str, Any]] = []

    def setup(self, http: httpx.Client) -> None:
        http.post("/mock/reset").raise_for_status()
        setup = self.data.get("setup", {})
        for spec in setup.get("orders", []):
            r = http.post("/mock/orders", json=spec)
            r.raise_for_status()
            self.orders += r.json()["orders"]
        for spec in setup.get("planOrders", []):
            r = http.post("/mock/plan-orders", json=spec)
            r.raise_for_status()
            self.orders += r.json()["orders"]
        fills = substitute(setup.get("fill", []), self.orders)
        if fills:
            http.post("/mock/fill", json={"orders": fills}).raise_for_status()
        for trigger in substitute(setup.get("trigger", []), self.orders):
            http.post("/mock/trigger", json=trigger).raise_for_status()

    @property
    def call(self) -> dict[str, Any]:
        call: dict[str, Any] = substitute(self.data["call"], self.orders)
        return call

    def check(self, status: int, answer: Any, http: httpx.Client) -> list[str]:
        """What differs from the expectation (empty: the scenario passes)."""
        expect = substitute(self.data["expect"], self.orders)
        problems: list[str] = []
        if status != expect["status"]:
            problems.append(f"status {status}, expected {expect['status']}")
        code = lookup(answer, "code")
        if "code" in expect and code != expect["code"]:
            problems.append(f"code {code!r}, expected {expect['code']!r}")
        for path, want in expect.get("equals", {}).items():
            got = lookup(answer, path)
            if got != want:
                problems.append(f"{path} = {'missing' if got is _MISSING else repr(got)}, expected {want!r}")
        for path, want in expect.get("lengths", {}).items():
            got = lookup(answer, path)
            if not isinstance(got, list) or len(got) != want:
                problems.append(f"len({path}) = {len(got) if isinstance(got, list) else 'not a list'}, expected {want}")
        for path in expect.get("present", []):
            if lookup(answer, path) in (_MISSING, None):
                problems.append(f"{path} missing")
        if expect.get("orders"):
            states = {o["orderId"]: o["status"] for o in http.get("/mock/orders").json()["orders"]}
            for order_id, want in expect["orders"].items():
                if states.get(order_id) != want:
                    problems.append(f"order {order_id} is {states.get(order_id)!r} on the mock, expected {want!r}")
        return problems


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> int:
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=cwd, env=env, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the conformance scenarios with every client.")
    parser.add_argument("--only", choices=["python", "typescript", "go"])
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from tools import node_tools

    failed: list[str] = []
    with mock_server() as url:
        env = {**os.environ, "BITGET_MOCK_URL": url, "NO_UPDATE_NOTIFIER": "1"}
        if args.only in (None, "python"):
            cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_conformance.py"]
            if _run(cmd, ROOT, env):
                failed.append("python")
        if args.only in (None, "typescript"):
            node_tools.npm_ci(node_tools.TS)
            node_tools.run("npm", "run", "build", cwd=node_tools.TS)
            test = str(node_tools.TS / "dist" / "test" / "conformance.test.js")
            if _run(["node", "--test", test], ROOT, env):
                failed.append("typescript")
        if args.only in (None, "go"):
            go_env = {**env, "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local"}
            if _run(
                ["go", "test", "-count=1", "-run", "TestConformance", "-v", "./bitget"], ROOT / "clients" / "go", go_env
            ):
                failed.append("go")
    count = len(scenario_files())
    if failed:
        print(f"conformance: {count} scenarios; failed in: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"conformance: {count} scenarios passed with {args.only or 'python, typescript and go'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
