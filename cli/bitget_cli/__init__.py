"""The `bitget-batch-cancel` command line (install the `cli` extra).

`main` parses the flags first (`args`, light), then imports the command itself, so that `--help` and
`--version` answer at once, and a plain `pip install .` (without the `cli` extra) gets a one-line hint
with the install command instead of a ModuleNotFoundError traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

# Top-level modules the `cli` extra brings (rich, and the mock's server for `demo`).
_EXTRA_MODULES = frozenset(
    {"rich", "starlette", "uvicorn", "httptools", "jsonschema", "yaml", "referencing", "cryptography"}
)


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:  # the process's own command line (not an embedder calling main([...]))
        _stop_quietly_until_the_command_takes_over()
    from .args import parser

    args = parser().parse_args(argv)  # --help, --version and bad flags end here, before any heavy import
    # httpx imports its own command line when click and rich are installed (the `cli` extra brings
    # rich): click, rich.syntax and pygments, ~70 ms before the first cancel can leave. This process
    # never runs httpx's command line, so it is not imported (httpx then defines a stub `main`).
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    own = argv is None
    if own:
        # The command's imports (~300 modules) allocate objects the cyclic collector would scan again and
        # again, finding no garbage: ~5 % of the time to the first cancel. It is off during them, and what
        # they made is then frozen (not collected: that would cost the time saved), so that the run's
        # collections do not rescan it either. The process's own choice: an embedder calling main([...])
        # keeps its collector as it was.
        import gc

        gc.disable()
    try:
        import importlib.util

        from .app import run_parsed as run

        # rich draws the tables and the bar, so it is imported only once something is drawn (after the
        # first request); its absence is found here, before anything is sent.
        missing = next((m for m in ("rich",) if importlib.util.find_spec(m) is None), None)
        if missing is not None:
            raise ModuleNotFoundError(f"No module named {missing!r}", name=missing)
    except ModuleNotFoundError as e:
        if (e.name or "").split(".")[0] not in _EXTRA_MODULES:
            raise
        print(
            f"bitget-batch-cancel: the command needs the 'cli' extra (module {e.name!r} is missing): "
            "pip install 'bitget-batch-cancel[cli]'",
            file=sys.stderr,
        )
        return 2
    finally:
        if own:
            gc.freeze()
            gc.enable()
    return run(args)


def _stop_quietly_until_the_command_takes_over() -> None:
    """A stop signal while the command is still being imported (~0.3 s): nothing can have been sent, so
    say that and exit 128 + its number, rather than a KeyboardInterrupt traceback (or, for SIGTERM, no
    word at all). The command installs its own handlers before it sends anything."""
    import contextlib
    import os
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum: int, frame: object) -> None:
        name = signal.Signals(signum).name
        with contextlib.suppress(OSError):  # the terminal is gone (SIGHUP)
            os.write(2, f"bitget-batch-cancel: stopped by {name} before anything was sent\n".encode())
        os._exit(128 + signum)

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)


__all__ = ["main"]
