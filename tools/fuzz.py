"""Run the Schemathesis CLI against a live mock exchange on loopback (`nox -s fuzz`).

The mock runs in conformance mode (authentication failures are 401, which Schemathesis'
`ignored_auth` check requires) with the rate limit off; both are tested separately in tests/.
Every check runs (`--checks all`: Schemathesis' default checks and the optional ones), on every
operation: schemathesis.toml exempts none (tests/test_fuzz_hook.py holds both).
Usage: python tools/fuzz.py [--max-examples N] [extra st args...]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from bitget_mock import MockExchange, MockServer, Settings, demo_account

ROOT = Path(__file__).resolve().parent.parent


def st_command(url: str, max_examples: int, seed: int, extra: list[str]) -> list[str]:
    """The Schemathesis CLI run against the mock at `url`."""
    return [
        sys.executable, "-m", "schemathesis.cli", "run", str(ROOT / "openapi" / "openapi.yaml"),
        "--url", url,
        "--checks", "all",
        "--max-examples", str(max_examples),
        "--seed", str(seed),
        *extra,
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--min-cases", type=int, default=0, help="fail if Schemathesis ran fewer test cases")
    args, extra = parser.parse_known_args(argv)
    # The window is widened because Schemathesis may sign a case some time before sending it (e.g. while
    # shrinking); the 30 s window itself is tested in tests/test_mock_auth.py.
    settings = Settings(rate_limit=0, auth_error_status=401, timestamp_window_ms=3_600_000)
    exchange = MockExchange([demo_account()], settings)
    with MockServer(exchange) as server:
        # FUZZ_MOCK_URL: where the signing hook places the orders positive cancelOrder cases cancel.
        env = {**os.environ, "PYTHONPATH": str(ROOT), "FUZZ_MOCK_URL": server.url}
        cmd = st_command(server.url, args.max_examples, args.seed, extra)
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert proc.stdout is not None
        output = []
        for line in proc.stdout:
            sys.stdout.write(line)
            output.append(line)
        rc = proc.wait()
    found = re.search(r"(\d+) generated", "".join(output))
    cases = int(found.group(1)) if found else 0
    print(f"fuzz: {cases} test cases; the mock answered {exchange.stats.as_dict()}")
    if rc == 0 and cases < args.min_cases:
        print(f"fuzz: fewer than the required {args.min_cases} cases", file=sys.stderr)
        return 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
