from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CancelSymbolRequest")


@_attrs_define
class CancelSymbolRequest:
    """The symbol whose open orders to cancel."""

    symbol: str
    """ Trading pair, e.g. `BTCUSDT`. """

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "symbol": symbol,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The model of `src_dict` (a decoded JSON object); its other keys go to `additional_properties`.

        Fills the instance's slots directly: attrs' `__init__` would assign the very same values (these
        models have no validators or converters) at twice the cost, and an answer holds 50 of them.
        """
        symbol = src_dict["symbol"]

        _model = cls.__new__(cls)
        _model.symbol = symbol

        return _model
