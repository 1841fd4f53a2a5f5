from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="BatchCancelPlanRequest")


@_attrs_define
class BatchCancelPlanRequest:
    """The symbols whose plan orders to cancel; without `symbolList`, every spot plan order of the account."""

    symbol_list: list[str] | Unset = UNSET
    """ Symbols whose plan orders to cancel; absent: every spot plan order of the account. """

    def to_dict(self) -> dict[str, Any]:
        symbol_list: list[str] | Unset = UNSET
        if not isinstance(self.symbol_list, Unset):
            symbol_list = self.symbol_list

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if symbol_list is not UNSET:
            field_dict["symbolList"] = symbol_list

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The model of `src_dict` (a decoded JSON object); its other keys go to `additional_properties`.

        Fills the instance's slots directly: attrs' `__init__` would assign the very same values (these
        models have no validators or converters) at twice the cost, and an answer holds 50 of them.
        """
        symbol_list = cast(list[str], src_dict.get("symbolList", UNSET))

        _model = cls.__new__(cls)
        _model.symbol_list = symbol_list

        return _model
