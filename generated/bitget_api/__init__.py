"""A client library for accessing Bitget Spot Trade API - Batch Cancel Orders"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
