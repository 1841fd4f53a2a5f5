"""Schemathesis through pytest against the mock on loopback (the CLI run is `nox -s fuzz`).

Same settings as the CLI (schemathesis.toml: all checks, positive and negative data, database off,
positive_data_acceptance tightened to 2xx) and the same signing hook; fewer examples.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis

from bitget_mock import MockExchange, MockServer, Settings, demo_account

from . import schemathesis_hooks  # noqa: F401 - registers the signing auth globally
from .spec_support import SPEC_PATH

schema = schemathesis.openapi.from_path(str(SPEC_PATH))
schema.config.generation.update(max_examples=150)
MIN_CASES = 100


@pytest.fixture(scope="module")
def conformance_server() -> Iterator[MockServer]:
    # Schemathesis may prepare (and so sign) explicit-example cases well before it sends them, so the
    # timestamp window is widened here; the window itself is tested in tests/test_mock_auth.py.
    settings = Settings(rate_limit=0, auth_error_status=401, timestamp_window_ms=3_600_000)
    with MockServer(MockExchange([demo_account()], settings)) as server:
        yield server


@pytest.fixture(scope="module")
def cases_sent() -> Iterator[list[str]]:
    """Counts the cases the fuzz test sends; once it has run (alone or not, in any order), there must have
    been at least MIN_CASES, or the run proved little."""
    sent: list[str] = []
    yield sent
    assert len(sent) >= MIN_CASES, f"the fuzz sent only {len(sent)} cases"


@schema.parametrize()
def test_contract_holds_against_the_mock(case: Any, conformance_server: MockServer, cases_sent: list[str]) -> None:
    cases_sent.append(case.operation.label)
    case.call_and_validate(base_url=conformance_server.url)
