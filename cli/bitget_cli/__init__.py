"""The `bitget-batch-cancel` command line (install the `cli` extra)."""

from .app import main

__all__ = ["main"]
