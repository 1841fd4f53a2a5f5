from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_status import OrderStatus, check_order_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="UnfilledOrder")
# The keys the model has fields for; any other key of an answer goes to `additional_properties`.
_KNOWN_KEYS = frozenset(
    {
        "symbol",
        "orderId",
        "status",
        "cTime",
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
        "uTime",
        "priceAvg",
        "basePrice",
        "presetTakeProfitPrice",
        "executeTakeProfitPrice",
        "presetStopLossPrice",
        "executeStopLossPrice",
    }
)


@_attrs_define
class UnfilledOrder:
    """One open order as `unfilled-orders` returns it (recorded real answer: `components/examples`).
    Mind the names: here `priceAvg` is the order's **limit price** and `basePrice` its
    **average fill price**; there is no `price` and no `feeDetail` (ccxt's `parseOrder` reads
    them the same way).

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
    u_time: str | Unset = UNSET
    """ Last update time, milliseconds since the Unix epoch. """
    price_avg: str | Unset = UNSET
    """ The order's limit price (in this endpoint only; elsewhere `priceAvg` is the average fill price). """
    base_price: str | Unset = UNSET
    """ Average fill price (`0` when nothing was filled). """
    preset_take_profit_price: str | Unset = UNSET
    """ Preset take-profit price, when set. """
    execute_take_profit_price: str | Unset = UNSET
    """ Take-profit execution price (empty for market). """
    preset_stop_loss_price: str | Unset = UNSET
    """ Preset stop-loss price, when set. """
    execute_stop_loss_price: str | Unset = UNSET
    """ Stop-loss execution price (empty for market). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        order_id = self.order_id

        status: str = self.status

        c_time = self.c_time

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

        u_time = self.u_time

        price_avg = self.price_avg

        base_price = self.base_price

        preset_take_profit_price = self.preset_take_profit_price

        execute_take_profit_price = self.execute_take_profit_price

        preset_stop_loss_price = self.preset_stop_loss_price

        execute_stop_loss_price = self.execute_stop_loss_price

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "orderId": order_id,
                "status": status,
                "cTime": c_time,
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
        if u_time is not UNSET:
            field_dict["uTime"] = u_time
        if price_avg is not UNSET:
            field_dict["priceAvg"] = price_avg
        if base_price is not UNSET:
            field_dict["basePrice"] = base_price
        if preset_take_profit_price is not UNSET:
            field_dict["presetTakeProfitPrice"] = preset_take_profit_price
        if execute_take_profit_price is not UNSET:
            field_dict["executeTakeProfitPrice"] = execute_take_profit_price
        if preset_stop_loss_price is not UNSET:
            field_dict["presetStopLossPrice"] = preset_stop_loss_price
        if execute_stop_loss_price is not UNSET:
            field_dict["executeStopLossPrice"] = execute_stop_loss_price

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

        u_time = src_dict.get("uTime", UNSET)

        price_avg = src_dict.get("priceAvg", UNSET)

        base_price = src_dict.get("basePrice", UNSET)

        preset_take_profit_price = src_dict.get("presetTakeProfitPrice", UNSET)

        execute_take_profit_price = src_dict.get("executeTakeProfitPrice", UNSET)

        preset_stop_loss_price = src_dict.get("presetStopLossPrice", UNSET)

        execute_stop_loss_price = src_dict.get("executeStopLossPrice", UNSET)

        _model = cls.__new__(cls)
        _model.symbol = symbol
        _model.order_id = order_id
        _model.status = status
        _model.c_time = c_time
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
        _model.u_time = u_time
        _model.price_avg = price_avg
        _model.base_price = base_price
        _model.preset_take_profit_price = preset_take_profit_price
        _model.execute_take_profit_price = execute_take_profit_price
        _model.preset_stop_loss_price = preset_stop_loss_price
        _model.execute_stop_loss_price = execute_stop_loss_price

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
