from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

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
        "size",
        "orderType",
        "side",
        "baseVolume",
        "quoteVolume",
        "enterPointSource",
        "orderSource",
        "tpslType",
        "triggerPrice",
        "price",
        "priceAvg",
        "feeDetail",
        "cancelReason",
    }
)


@_attrs_define
class Order:
    """One order's state as `orderInfo` and `history-orders` return it (recorded real answers:
    `components/examples`). Numbers are decimal strings, times are milliseconds since the Unix
    epoch as strings. Open orders from `unfilled-orders` have another shape: `UnfilledOrder`.

    """

    symbol: str
    """ Trading pair, e.g. `BTCUSDT` (upper case in every recorded answer). """
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
    client_oid: None | str | Unset = UNSET
    """ Client order ID (may be empty). """
    size: str | Unset = UNSET
    """ Order size: base coin for limit orders and market sells, quote coin for market buys. """
    order_type: str | Unset = UNSET
    """ `limit` or `market`. """
    side: str | Unset = UNSET
    """ `buy` or `sell`. """
    base_volume: str | Unset = UNSET
    """ Filled size in the base coin (the filled part of `size`). """
    quote_volume: str | Unset = UNSET
    """ Filled amount in the quote coin. """
    enter_point_source: str | Unset = UNSET
    """ Where the order was placed from (`API`, `WEB`, `APP`, `SYS`, `ANDROID`, `IOS`). """
    order_source: str | Unset = UNSET
    """ Order source (`normal`, `market`, `spot_trader_buy`, ...). """
    tpsl_type: str | Unset = UNSET
    """ `normal` or `tpsl` (not in every recorded answer). """
    trigger_price: None | str | Unset = UNSET
    """ Trigger price of a tpsl order; null otherwise. """
    price: str | Unset = UNSET
    """ The order's limit price (`0` for market orders). """
    price_avg: str | Unset = UNSET
    """ Average fill price (`0` when nothing was filled). """
    fee_detail: str | Unset = UNSET
    """ Fees as a JSON-encoded string (`newFees` and per-coin entries), empty when nothing was filled. """
    cancel_reason: str | Unset = UNSET
    """ Why the order was cancelled (`normal_cancel`, `stp_cancel`), empty otherwise. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        order_id = self.order_id

        status: str = self.status

        c_time = self.c_time

        u_time = self.u_time

        user_id = self.user_id

        client_oid: None | str | Unset
        if isinstance(self.client_oid, Unset):
            client_oid = UNSET
        else:
            client_oid = self.client_oid

        size = self.size

        order_type = self.order_type

        side = self.side

        base_volume = self.base_volume

        quote_volume = self.quote_volume

        enter_point_source = self.enter_point_source

        order_source = self.order_source

        tpsl_type = self.tpsl_type

        trigger_price: None | str | Unset
        if isinstance(self.trigger_price, Unset):
            trigger_price = UNSET
        else:
            trigger_price = self.trigger_price

        price = self.price

        price_avg = self.price_avg

        fee_detail = self.fee_detail

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
        if size is not UNSET:
            field_dict["size"] = size
        if order_type is not UNSET:
            field_dict["orderType"] = order_type
        if side is not UNSET:
            field_dict["side"] = side
        if base_volume is not UNSET:
            field_dict["baseVolume"] = base_volume
        if quote_volume is not UNSET:
            field_dict["quoteVolume"] = quote_volume
        if enter_point_source is not UNSET:
            field_dict["enterPointSource"] = enter_point_source
        if order_source is not UNSET:
            field_dict["orderSource"] = order_source
        if tpsl_type is not UNSET:
            field_dict["tpslType"] = tpsl_type
        if trigger_price is not UNSET:
            field_dict["triggerPrice"] = trigger_price
        if price is not UNSET:
            field_dict["price"] = price
        if price_avg is not UNSET:
            field_dict["priceAvg"] = price_avg
        if fee_detail is not UNSET:
            field_dict["feeDetail"] = fee_detail
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

        def _parse_client_oid(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_oid = _parse_client_oid(src_dict.get("clientOid", UNSET))

        size = src_dict.get("size", UNSET)

        order_type = src_dict.get("orderType", UNSET)

        side = src_dict.get("side", UNSET)

        base_volume = src_dict.get("baseVolume", UNSET)

        quote_volume = src_dict.get("quoteVolume", UNSET)

        enter_point_source = src_dict.get("enterPointSource", UNSET)

        order_source = src_dict.get("orderSource", UNSET)

        tpsl_type = src_dict.get("tpslType", UNSET)

        def _parse_trigger_price(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        trigger_price = _parse_trigger_price(src_dict.get("triggerPrice", UNSET))

        price = src_dict.get("price", UNSET)

        price_avg = src_dict.get("priceAvg", UNSET)

        fee_detail = src_dict.get("feeDetail", UNSET)

        cancel_reason = src_dict.get("cancelReason", UNSET)

        _model = cls.__new__(cls)
        _model.symbol = symbol
        _model.order_id = order_id
        _model.status = status
        _model.c_time = c_time
        _model.u_time = u_time
        _model.user_id = user_id
        _model.client_oid = client_oid
        _model.size = size
        _model.order_type = order_type
        _model.side = side
        _model.base_volume = base_volume
        _model.quote_volume = quote_volume
        _model.enter_point_source = enter_point_source
        _model.order_source = order_source
        _model.tpsl_type = tpsl_type
        _model.trigger_price = trigger_price
        _model.price = price
        _model.price_avg = price_avg
        _model.fee_detail = fee_detail
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
