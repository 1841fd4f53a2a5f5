from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_status import OrderStatus, check_order_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="Order")
# The keys the model has fields for; any other key of an answer goes to `additional_properties`.
_KNOWN_KEYS = frozenset(
    {
        "symbol",
        "orderId",
        "status",
        "cTime",
        "uTime",
        "userId",
        "clientOid",
        "price",
        "size",
        "orderType",
        "side",
        "priceAvg",
        "baseVolume",
        "quoteVolume",
        "enterPointSource",
        "feeDetail",
        "orderSource",
        "cancelReason",
    }
)


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
        """The model of `src_dict` (a decoded JSON object); its other keys go to `additional_properties`.

        Fills the instance's slots directly: attrs' `__init__` would assign the very same values (these
        models have no validators or converters) at twice the cost, and an answer holds 50 of them.
        """
        symbol = src_dict["symbol"]

        order_id = src_dict["orderId"]

        status = check_order_status(src_dict["status"])

        c_time = src_dict["cTime"]

        u_time = src_dict["uTime"]

        user_id = src_dict.get("userId", UNSET)

        client_oid = src_dict.get("clientOid", UNSET)

        price = src_dict.get("price", UNSET)

        size = src_dict.get("size", UNSET)

        order_type = src_dict.get("orderType", UNSET)

        side = src_dict.get("side", UNSET)

        price_avg = src_dict.get("priceAvg", UNSET)

        base_volume = src_dict.get("baseVolume", UNSET)

        quote_volume = src_dict.get("quoteVolume", UNSET)

        enter_point_source = src_dict.get("enterPointSource", UNSET)

        fee_detail = src_dict.get("feeDetail", UNSET)

        order_source = src_dict.get("orderSource", UNSET)

        cancel_reason = src_dict.get("cancelReason", UNSET)

        _model = cls.__new__(cls)
        _model.symbol = symbol
        _model.order_id = order_id
        _model.status = status
        _model.c_time = c_time
        _model.u_time = u_time
        _model.user_id = user_id
        _model.client_oid = client_oid
        _model.price = price
        _model.size = size
        _model.order_type = order_type
        _model.side = side
        _model.price_avg = price_avg
        _model.base_volume = base_volume
        _model.quote_volume = quote_volume
        _model.enter_point_source = enter_point_source
        _model.fee_detail = fee_detail
        _model.order_source = order_source
        _model.cancel_reason = cancel_reason

        d = (
            {}
            if src_dict.keys() <= _KNOWN_KEYS
            else {k: v for k, v in src_dict.items() if k not in _KNOWN_KEYS}
        )
        _model.additional_properties = d
        return _model

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
