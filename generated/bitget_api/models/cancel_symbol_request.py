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
        d = dict(src_dict)
        symbol = d.pop("symbol")

        cancel_symbol_request = cls(
            symbol=symbol,
        )

        return cancel_symbol_request
