"""pytest fixtures for users' own tests, registered through the `pytest11` entry point.

    def test_my_cancel_job(bitget_mock_server):
        client = BitgetClient(DEMO_API_KEY, DEMO_SECRET_KEY, DEMO_PASSPHRASE, base_url=bitget_mock_server.url)
        ...

The server starts once per session on a free port and is reset before each test that uses it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .server import MockServer


@pytest.fixture(scope="session")
def _bitget_mock_session() -> Iterator[MockServer]:
    # Imported here: every install registers this plugin, and only the `mock` extra brings the server's deps.
    from .accounts import demo_account
    from .exchange import MockExchange, Settings
    from .server import MockServer

    with MockServer(MockExchange([demo_account()], Settings())) as server:
        yield server


@pytest.fixture
def bitget_mock_server(_bitget_mock_session: MockServer) -> MockServer:
    """A running mock (demo account, Bitget's 10/s limit), with no orders, faults or history."""
    _bitget_mock_session.exchange.reset()
    return _bitget_mock_session
