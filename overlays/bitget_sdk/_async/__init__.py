"""The asyncio client, the one source of the I/O drivers: `tools/unasync.py` writes `_sync/` from the
modules here (but `backend.py`, which each side has of its own)."""
