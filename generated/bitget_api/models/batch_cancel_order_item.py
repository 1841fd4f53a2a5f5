from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="BatchCancelOrderItem")


@_attrs_define
class BatchCancelOrderItem:
    """One order to cancel. Either `orderId` or `clientOid` is required. All items of one batch
    should use the same kind of identifier (see `x-batch-rules`).

    """

    symbol: str | Unset = UNSET
    """ Trading pair, e.g. `BTCUSDT`. Required (non-empty) in `multiple` mode; ignored in `single` mode. """
    order_id: str | Unset = UNSET
    """ Order ID. Either `orderId` or `clientOid` is required. """
    client_oid: str | Unset = UNSET
    """ Client order ID. Either `clientOid` or `orderId` is required. """

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        order_id = self.order_id

        client_oid = self.client_oid

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if symbol is not UNSET:
            field_dict["symbol"] = symbol
        if order_id is not UNSET:
            field_dict["orderId"] = order_id
        if client_oid is not UNSET:
            field_dict["clientOid"] = client_oid

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The model of `src_dict` (a decoded JSON object); its other keys go to `additional_properties`.

        Fills the instance's slots directly: attrs' `__init__` would assign the very same values (these
        models have no validators or converters) at twice the cost, and an answer holds 50 of them.
        """
        symbol = src_dict.get("symbol", UNSET)

        order_id = src_dict.get("orderId", UNSET)

        client_oid = src_dict.get("clientOid", UNSET)

        _model = cls.__new__(cls)
        _model.symbol = symbol
        _model.order_id = order_id
        _model.client_oid = client_oid

        return _model
