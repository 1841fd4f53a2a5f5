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
    from .args import parser

    args = parser().parse_args(argv)  # --help, --version and bad flags end here, before any heavy import
    # httpx imports its own command line when click and rich are installed (the `cli` extra brings
    # rich): click, rich.syntax and pygments, ~70 ms before the first cancel can leave. This process
    # never runs httpx's command line, so it is not imported (httpx then defines a stub `main`).
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    try:
        from .app import run_parsed as run
    except ModuleNotFoundError as e:
        if (e.name or "").split(".")[0] not in _EXTRA_MODULES:
            raise
        print(
            f"bitget-batch-cancel: the command needs the 'cli' extra (module {e.name!r} is missing): "
            "pip install 'bitget-batch-cancel[cli]'",
            file=sys.stderr,
        )
        return 2
    return run(args)


__all__ = ["main"]
