from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.cancel_order_request_tpsl_type import (
    CancelOrderRequestTpslType,
    check_cancel_order_request_tpsl_type,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="CancelOrderRequest")


@_attrs_define
class CancelOrderRequest:
    """One order to cancel: by `orderId` or `clientOid` (with both, `orderId` identifies it). `symbol`
    is required for a spot order (`tpslType` `normal`, the default); a take-profit/stop-loss order
    (`tpslType` `tpsl`) is named by `orderId`, and its `symbol` may be left out (Bitget's table).

    """

    symbol: str | Unset = UNSET
    """ Trading pair, e.g. `BTCUSDT`. Required unless `tpslType` is `tpsl`. """
    order_id: str | Unset = UNSET
    """ Order ID. Either `orderId` or `clientOid` is required. """
    client_oid: str | Unset = UNSET
    """ Client order ID. Either `clientOid` or `orderId` is required. """
    tpsl_type: CancelOrderRequestTpslType | Unset = UNSET
    """ `normal` (the default): a spot order; `tpsl`: a spot take-profit/stop-loss order. """

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        order_id = self.order_id

        client_oid = self.client_oid

        tpsl_type: str | Unset = UNSET
        if not isinstance(self.tpsl_type, Unset):
            tpsl_type = self.tpsl_type

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if symbol is not UNSET:
            field_dict["symbol"] = symbol
        if order_id is not UNSET:
            field_dict["orderId"] = order_id
        if client_oid is not UNSET:
            field_dict["clientOid"] = client_oid
        if tpsl_type is not UNSET:
            field_dict["tpslType"] = tpsl_type

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

        _tpsl_type = src_dict.get("tpslType", UNSET)
        tpsl_type: CancelOrderRequestTpslType | Unset
        if isinstance(_tpsl_type, Unset):
            tpsl_type = UNSET
        else:
            tpsl_type = check_cancel_order_request_tpsl_type(_tpsl_type)

        _model = cls.__new__(cls)
        _model.symbol = symbol
        _model.order_id = order_id
        _model.client_oid = client_oid
        _model.tpsl_type = tpsl_type

        return _model
