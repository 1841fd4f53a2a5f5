"""Both clients come from one implementation: `_sync/` is what tools/unasync.py makes of `_async/`,
and the public surfaces of `BitgetClient` and `AsyncBitgetClient` are the same (names, signatures,
docstrings), but for `async` itself."""

from __future__ import annotations

import inspect
import io
import sys
import tokenize
from pathlib import Path
from typing import Any

import pytest

from bitget_sdk import AsyncBitgetClient, BitgetClient
from bitget_sdk._surface import AsyncRawOperations, RawOperations

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tools import unasync  # noqa: E402

# Names that differ by design, async -> sync (the context manager protocol and closing).
RENAMED = {"aclose": "close", "__aenter__": "__enter__", "__aexit__": "__exit__"}


def _public(cls: type) -> dict[str, Any]:
    """The class's public members (its own and its bases', not object's), async names mapped to sync."""
    names = {n for base in cls.__mro__ if base is not object for n in vars(base)}
    return {
        RENAMED.get(n, n): getattr(cls, n)
        for n in names
        if not n.startswith("_") or n in RENAMED or n in RENAMED.values()
    }


def _sync_text(text: str) -> str:
    """What unasync makes of a line of the async source (signatures and docstrings compared through it)."""
    return unasync.unasync_line(text)


def _signature(obj: Any) -> str:
    target = obj.fget if isinstance(obj, property) else obj
    if not callable(target):
        return repr(target)
    return str(inspect.signature(target)).replace("'", "")


@pytest.mark.parametrize(
    ("sync", "asynchronous"), [(BitgetClient, AsyncBitgetClient), (RawOperations, AsyncRawOperations)]
)
def test_both_clients_have_the_same_public_names_signatures_and_docstrings(sync: type, asynchronous: type) -> None:
    mine, theirs = _public(sync), _public(asynchronous)
    assert sorted(mine) == sorted(theirs)
    for name, member in mine.items():
        other = theirs[name]
        assert _signature(member) == _sync_text(_signature(other)), name
        assert inspect.getdoc(member) == (_sync_text(inspect.getdoc(other) or "") or None), name


def test_the_async_methods_are_coroutines_where_the_sync_ones_block() -> None:
    for name in (
        "cancel_orders",
        "resume",
        "cancel_open_orders",
        "sync_time",
        "get_server_time",
        "batch_cancel_orders",
    ):
        assert inspect.iscoroutinefunction(getattr(AsyncBitgetClient, name)), name
        assert not inspect.iscoroutinefunction(getattr(BitgetClient, name)), name
    assert inspect.isasyncgenfunction(AsyncBitgetClient._pages)
    assert inspect.isgeneratorfunction(BitgetClient._pages)


def test_sync_client_is_what_unasync_makes_of_the_async_one() -> None:
    fresh = unasync.render()
    for name, text in fresh.items():
        assert (unasync.TARGET / name).read_text(encoding="utf-8") == text, f"_sync/{name} is stale: nox -s generate"


def test_unasync_rewrites_async_syntax_and_names() -> None:
    line = "    async def f(self) -> AsyncIterator[X]:  # AsyncBitgetClient\n"
    assert unasync.unasync_line(line) == "    def f(self) -> Iterator[X]:  # BitgetClient\n"
    assert unasync.unasync_line("        async with agated(a) as p:\n") == "        with gated(a) as p:\n"
    assert unasync.unasync_line("x = [o async for o in await y()]\n") == "x = [o for o in y()]\n"
    assert unasync.unasync_line("await backend.http_client(api).aclose()\n") == "backend.http_client(api).close()\n"
    # whole words only: a name that merely contains one is left alone
    assert unasync.unasync_line("MyAsyncIterator, aclosed, awaited\n") == "MyAsyncIterator, aclosed, awaited\n"


def test_the_sync_client_has_no_asyncio_and_the_async_one_no_threads_of_its_own() -> None:
    sync_code = _code((unasync.TARGET / "client.py").read_text(encoding="utf-8"))
    assert not {"async", "await", "asyncio"} & set(sync_code), "the blocking client awaits something"
    async_code = _code((unasync.SOURCE / "client.py").read_text(encoding="utf-8"))
    assert not {"threading", "ThreadPoolExecutor", "Thread"} & set(async_code)


def _code(source: str) -> list[str]:
    """The names in `source`'s code (not its comments or strings)."""
    return [t.string for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.NAME]
