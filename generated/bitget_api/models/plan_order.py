from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PlanOrder")
# The keys the model has fields for; any other key of an answer goes to `additional_properties`.
_KNOWN_KEYS = frozenset(
    {
        "orderId",
        "symbol",
        "status",
        "clientOid",
        "size",
        "executePrice",
        "triggerPrice",
        "orderType",
        "side",
        "planType",
        "triggerType",
        "enterPointSource",
        "uTime",
        "cTime",
    }
)


@_attrs_define
class PlanOrder:
    """One plan (trigger) order. Every field is a string, as Bitget sends it. `status`: `live` or
    `not_trigger` (not triggered; Bitget's table says `live`, its example `not_trigger`) or
    `executing` while open; `executed`, `fail_execute` or `cancelled` once ended. `planType` is
    `amount` or `total` (recorded upper case: `AMOUNT`).

    """

    order_id: str
    """ Plan order ID. """
    symbol: str
    """ Trading pair, e.g. `BTCUSDT`. """
    status: str
    """ See the schema description. """
    client_oid: None | str | Unset = UNSET
    """ Client order ID (empty or null when none was given). """
    size: str | Unset = UNSET
    """ Size: base coin for `planType` `amount`, quote coin for `total`. """
    execute_price: str | Unset = UNSET
    """ Price of the order placed when triggered (limit orders). """
    trigger_price: str | Unset = UNSET
    """ Price that triggers the order. """
    order_type: str | Unset = UNSET
    """ `limit` or `market`: the order placed when triggered. """
    side: str | Unset = UNSET
    """ `buy` or `sell`. """
    plan_type: str | Unset = UNSET
    """ `amount` or `total` (recorded upper case). """
    trigger_type: str | Unset = UNSET
    """ `fill_price` or `mark_price`. """
    enter_point_source: str | Unset = UNSET
    """ Where it was placed: `WEB`, `API`, `SYS`, `ANDROID`, `IOS`. """
    u_time: str | Unset = UNSET
    """ Last update, ms since the Unix epoch. """
    c_time: str | Unset = UNSET
    """ Creation, ms since the Unix epoch. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        symbol = self.symbol

        status = self.status

        client_oid: None | str | Unset
        if isinstance(self.client_oid, Unset):
            client_oid = UNSET
        else:
            client_oid = self.client_oid

        size = self.size

        execute_price = self.execute_price

        trigger_price = self.trigger_price

        order_type = self.order_type

        side = self.side

        plan_type = self.plan_type

        trigger_type = self.trigger_type

        enter_point_source = self.enter_point_source

        u_time = self.u_time

        c_time = self.c_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "orderId": order_id,
                "symbol": symbol,
                "status": status,
            }
        )
        if client_oid is not UNSET:
            field_dict["clientOid"] = client_oid
        if size is not UNSET:
            field_dict["size"] = size
        if execute_price is not UNSET:
            field_dict["executePrice"] = execute_price
        if trigger_price is not UNSET:
            field_dict["triggerPrice"] = trigger_price
        if order_type is not UNSET:
            field_dict["orderType"] = order_type
        if side is not UNSET:
            field_dict["side"] = side
        if plan_type is not UNSET:
            field_dict["planType"] = plan_type
        if trigger_type is not UNSET:
            field_dict["triggerType"] = trigger_type
        if enter_point_source is not UNSET:
            field_dict["enterPointSource"] = enter_point_source
        if u_time is not UNSET:
            field_dict["uTime"] = u_time
        if c_time is not UNSET:
            field_dict["cTime"] = c_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The model of `src_dict` (a decoded JSON object); its other keys go to `additional_properties`.

        Fills the instance's slots directly: attrs' `__init__` would assign the very same values (these
        models have no validators or converters) at twice the cost, and an answer holds 50 of them.
        """
        order_id = src_dict["orderId"]

        symbol = src_dict["symbol"]

        status = src_dict["status"]

        def _parse_client_oid(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_oid = _parse_client_oid(src_dict.get("clientOid", UNSET))

        size = src_dict.get("size", UNSET)

        execute_price = src_dict.get("executePrice", UNSET)

        trigger_price = src_dict.get("triggerPrice", UNSET)

        order_type = src_dict.get("orderType", UNSET)

        side = src_dict.get("side", UNSET)

        plan_type = src_dict.get("planType", UNSET)

        trigger_type = src_dict.get("triggerType", UNSET)

        enter_point_source = src_dict.get("enterPointSource", UNSET)

        u_time = src_dict.get("uTime", UNSET)

        c_time = src_dict.get("cTime", UNSET)

        _model = cls.__new__(cls)
        _model.order_id = order_id
        _model.symbol = symbol
        _model.status = status
        _model.client_oid = client_oid
        _model.size = size
        _model.execute_price = execute_price
        _model.trigger_price = trigger_price
        _model.order_type = order_type
        _model.side = side
        _model.plan_type = plan_type
        _model.trigger_type = trigger_type
        _model.enter_point_source = enter_point_source
        _model.u_time = u_time
        _model.c_time = c_time

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
