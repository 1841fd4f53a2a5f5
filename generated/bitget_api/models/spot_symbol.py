from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.symbol_status import SymbolStatus, check_symbol_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="SpotSymbol")
# The keys the model has fields for; any other key of an answer goes to `additional_properties`.
_KNOWN_KEYS = frozenset(
    {
        "symbol",
        "status",
        "baseCoin",
        "quoteCoin",
        "minTradeAmount",
        "maxTradeAmount",
        "takerFeeRate",
        "makerFeeRate",
        "pricePrecision",
        "quantityPrecision",
        "quotePrecision",
        "minTradeUSDT",
        "buyLimitPriceRatio",
        "sellLimitPriceRatio",
        "areaSymbol",
        "orderQuantity",
        "openTime",
        "offTime",
    }
)


@_attrs_define
class SpotSymbol:
    """One spot trading pair. Every field is a string, as Bitget sends it; `minTradeAmount`,
    `maxTradeAmount` and `openTime` are documented as obsolete, `offTime` is empty unless the
    pair is to be delisted.

    """

    symbol: str
    """ Upper case, no separator, e.g. `BTCUSDT`. """
    status: SymbolStatus
    """ `online` (trading), `gray` (grey scale), `halt` (trading suspended), `offline`. Open orders can
    exist in every status but `offline`; a client refuses only a symbol that is not listed.
     """
    base_coin: str | Unset = UNSET
    """ Base coin, e.g. `BTC`. """
    quote_coin: str | Unset = UNSET
    """ Quote coin, e.g. `USDT`. """
    min_trade_amount: str | Unset = UNSET
    """ Obsolete (use `minTradeUSDT`). """
    max_trade_amount: str | Unset = UNSET
    """ Obsolete. """
    taker_fee_rate: str | Unset = UNSET
    """ Taker fee rate, e.g. `0.002`. """
    maker_fee_rate: str | Unset = UNSET
    """ Maker fee rate, e.g. `0.002`. """
    price_precision: str | Unset = UNSET
    """ Decimal places of a price. """
    quantity_precision: str | Unset = UNSET
    """ Decimal places of a quantity. """
    quote_precision: str | Unset = UNSET
    """ Decimal places of a quote amount. """
    min_trade_usdt: str | Unset = UNSET
    """ Smallest order value in USDT. """
    buy_limit_price_ratio: str | Unset = UNSET
    """ How far above the market a buy limit price may be, e.g. `0.05`. """
    sell_limit_price_ratio: str | Unset = UNSET
    """ How far below the market a sell limit price may be, e.g. `0.05`. """
    area_symbol: str | Unset = UNSET
    """ `yes` or `no`. """
    order_quantity: str | Unset = UNSET
    """ The most orders allowed for this symbol. """
    open_time: str | Unset = UNSET
    """ Deprecated by Bitget. """
    off_time: str | Unset = UNSET
    """ When the pair is to be delisted (ms), empty otherwise. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        status: str = self.status

        base_coin = self.base_coin

        quote_coin = self.quote_coin

        min_trade_amount = self.min_trade_amount

        max_trade_amount = self.max_trade_amount

        taker_fee_rate = self.taker_fee_rate

        maker_fee_rate = self.maker_fee_rate

        price_precision = self.price_precision

        quantity_precision = self.quantity_precision

        quote_precision = self.quote_precision

        min_trade_usdt = self.min_trade_usdt

        buy_limit_price_ratio = self.buy_limit_price_ratio

        sell_limit_price_ratio = self.sell_limit_price_ratio

        area_symbol = self.area_symbol

        order_quantity = self.order_quantity

        open_time = self.open_time

        off_time = self.off_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "status": status,
            }
        )
        if base_coin is not UNSET:
            field_dict["baseCoin"] = base_coin
        if quote_coin is not UNSET:
            field_dict["quoteCoin"] = quote_coin
        if min_trade_amount is not UNSET:
            field_dict["minTradeAmount"] = min_trade_amount
        if max_trade_amount is not UNSET:
            field_dict["maxTradeAmount"] = max_trade_amount
        if taker_fee_rate is not UNSET:
            field_dict["takerFeeRate"] = taker_fee_rate
        if maker_fee_rate is not UNSET:
            field_dict["makerFeeRate"] = maker_fee_rate
        if price_precision is not UNSET:
            field_dict["pricePrecision"] = price_precision
        if quantity_precision is not UNSET:
            field_dict["quantityPrecision"] = quantity_precision
        if quote_precision is not UNSET:
            field_dict["quotePrecision"] = quote_precision
        if min_trade_usdt is not UNSET:
            field_dict["minTradeUSDT"] = min_trade_usdt
        if buy_limit_price_ratio is not UNSET:
            field_dict["buyLimitPriceRatio"] = buy_limit_price_ratio
        if sell_limit_price_ratio is not UNSET:
            field_dict["sellLimitPriceRatio"] = sell_limit_price_ratio
        if area_symbol is not UNSET:
            field_dict["areaSymbol"] = area_symbol
        if order_quantity is not UNSET:
            field_dict["orderQuantity"] = order_quantity
        if open_time is not UNSET:
            field_dict["openTime"] = open_time
        if off_time is not UNSET:
            field_dict["offTime"] = off_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The model of `src_dict` (a decoded JSON object); its other keys go to `additional_properties`.

        Fills the instance's slots directly: attrs' `__init__` would assign the very same values (these
        models have no validators or converters) at twice the cost, and an answer holds 50 of them.
        """
        symbol = src_dict["symbol"]

        status = check_symbol_status(src_dict["status"])

        base_coin = src_dict.get("baseCoin", UNSET)

        quote_coin = src_dict.get("quoteCoin", UNSET)

        min_trade_amount = src_dict.get("minTradeAmount", UNSET)

        max_trade_amount = src_dict.get("maxTradeAmount", UNSET)

        taker_fee_rate = src_dict.get("takerFeeRate", UNSET)

        maker_fee_rate = src_dict.get("makerFeeRate", UNSET)

        price_precision = src_dict.get("pricePrecision", UNSET)

        quantity_precision = src_dict.get("quantityPrecision", UNSET)

        quote_precision = src_dict.get("quotePrecision", UNSET)

        min_trade_usdt = src_dict.get("minTradeUSDT", UNSET)

        buy_limit_price_ratio = src_dict.get("buyLimitPriceRatio", UNSET)

        sell_limit_price_ratio = src_dict.get("sellLimitPriceRatio", UNSET)

        area_symbol = src_dict.get("areaSymbol", UNSET)

        order_quantity = src_dict.get("orderQuantity", UNSET)

        open_time = src_dict.get("openTime", UNSET)

        off_time = src_dict.get("offTime", UNSET)

        _model = cls.__new__(cls)
        _model.symbol = symbol
        _model.status = status
        _model.base_coin = base_coin
        _model.quote_coin = quote_coin
        _model.min_trade_amount = min_trade_amount
        _model.max_trade_amount = max_trade_amount
        _model.taker_fee_rate = taker_fee_rate
        _model.maker_fee_rate = maker_fee_rate
        _model.price_precision = price_precision
        _model.quantity_precision = quantity_precision
        _model.quote_precision = quote_precision
        _model.min_trade_usdt = min_trade_usdt
        _model.buy_limit_price_ratio = buy_limit_price_ratio
        _model.sell_limit_price_ratio = sell_limit_price_ratio
        _model.area_symbol = area_symbol
        _model.order_quantity = order_quantity
        _model.open_time = open_time
        _model.off_time = off_time

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
