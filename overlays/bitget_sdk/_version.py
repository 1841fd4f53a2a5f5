"""The package's version: the one place it is written (pyproject.toml reads it from here).

Tied to the contract: its major.minor is `openapi/openapi.yaml`'s `info.version` major.minor (checked in
CI by tests/test_identity.py), so a client's version says which contract it speaks; the patch number
moves on its own for SDK-only changes. Every release has a section in CHANGELOG.md.
"""

__version__ = "2.0.1"
