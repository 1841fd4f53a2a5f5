from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_status import OrderStatus, check_order_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="Order")


@_attrs_define
class Order:
    """One order's state, as the order-state reads return it. Numbers are decimal strings, times are milliseconds since the
    Unix epoch as strings.

    """

    symbol: str
    """ Trading pair, e.g. `BTCUSDT`. """
    order_id: str
    """ Order ID. """
    status: OrderStatus
    """ An order's state. `init`, `new` and `live`: open, nothing filled; `partially_filled`: open,
    partly filled; `filled`: closed, fully filled; `cancelled`: closed by a cancel (possibly after
    a partial fill: see `baseVolume`).
     """
    c_time: str
    """ Creation time, milliseconds since the Unix epoch. """
    u_time: str
    """ Last update time, milliseconds since the Unix epoch. """
    user_id: str | Unset = UNSET
    """ The account (UID) the order belongs to. """
    client_oid: str | Unset = UNSET
    """ Client order ID (may be empty). """
    price: str | Unset = UNSET
    """ Limit price. """
    size: str | Unset = UNSET
    """ Order size (base coin for limit orders). """
    order_type: str | Unset = UNSET
    """ `limit` or `market`. """
    side: str | Unset = UNSET
    """ `buy` or `sell`. """
    price_avg: str | Unset = UNSET
    """ Average fill price. """
    base_volume: str | Unset = UNSET
    """ Filled size in the base coin (the filled part of `size`). """
    quote_volume: str | Unset = UNSET
    """ Filled amount in the quote coin. """
    enter_point_source: str | Unset = UNSET
    """ Where the order was placed from (`API`, `WEB`, ...). """
    fee_detail: str | Unset = UNSET
    """ Fees as a JSON string (may be empty). """
    order_source: str | Unset = UNSET
    """ Order source (`normal`, `market`, ...). """
    cancel_reason: str | Unset = UNSET
    """ Why the order was cancelled (only on cancelled orders). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        order_id = self.order_id

        status: str = self.status

        c_time = self.c_time

        u_time = self.u_time

        user_id = self.user_id

        client_oid = self.client_oid

        price = self.price

        size = self.size

        order_type = self.order_type

        side = self.side

        price_avg = self.price_avg

        base_volume = self.base_volume

        quote_volume = self.quote_volume

        enter_point_source = self.enter_point_source

        fee_detail = self.fee_detail

        order_source = self.order_source

        cancel_reason = self.cancel_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "orderId": order_id,
                "status": status,
                "cTime": c_time,
                "uTime": u_time,
            }
        )
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if client_oid is not UNSET:
            field_dict["clientOid"] = client_oid
        if price is not UNSET:
            field_dict["price"] = price
        if size is not UNSET:
            field_dict["size"] = size
        if order_type is not UNSET:
            field_dict["orderType"] = order_type
        if side is not UNSET:
            field_dict["side"] = side
        if price_avg is not UNSET:
            field_dict["priceAvg"] = price_avg
        if base_volume is not UNSET:
            field_dict["baseVolume"] = base_volume
        if quote_volume is not UNSET:
            field_dict["quoteVolume"] = quote_volume
        if enter_point_source is not UNSET:
            field_dict["enterPointSource"] = enter_point_source
        if fee_detail is not UNSET:
            field_dict["feeDetail"] = fee_detail
        if order_source is not UNSET:
            field_dict["orderSource"] = order_source
        if cancel_reason is not UNSET:
            field_dict["cancelReason"] = cancel_reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        symbol = d.pop("symbol")

        order_id = d.pop("orderId")

        status = check_order_status(d.pop("status"))

        c_time = d.pop("cTime")

        u_time = d.pop("uTime")

        user_id = d.pop("userId", UNSET)

        client_oid = d.pop("clientOid", UNSET)

        price = d.pop("price", UNSET)

        size = d.pop("size", UNSET)

        order_type = d.pop("orderType", UNSET)

        side = d.pop("side", UNSET)

        price_avg = d.pop("priceAvg", UNSET)

        base_volume = d.pop("baseVolume", UNSET)

        quote_volume = d.pop("quoteVolume", UNSET)

        enter_point_source = d.pop("enterPointSource", UNSET)

        fee_detail = d.pop("feeDetail", UNSET)

        order_source = d.pop("orderSource", UNSET)

        cancel_reason = d.pop("cancelReason", UNSET)

        order = cls(
            symbol=symbol,
            order_id=order_id,
            status=status,
            c_time=c_time,
            u_time=u_time,
            user_id=user_id,
            client_oid=client_oid,
            price=price,
            size=size,
            order_type=order_type,
            side=side,
            price_avg=price_avg,
            base_volume=base_volume,
            quote_volume=quote_volume,
            enter_point_source=enter_point_source,
            fee_detail=fee_detail,
            order_source=order_source,
            cancel_reason=cancel_reason,
        )

        order.additional_properties = d
        return order

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
