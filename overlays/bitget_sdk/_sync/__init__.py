"""The blocking client: `client.py` and `settler.py` are generated from `_async/` by `tools/unasync.py`
(`nox -s generate`, drift-checked by `nox -s check_generated`); `backend.py` is written by hand."""
