from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.plan_order import PlanOrder


T = TypeVar("T", bound="PlanOrderPage")
# The keys the model has fields for; any other key of an answer goes to `additional_properties`.
_KNOWN_KEYS = frozenset(
    {
        "orderList",
        "nextFlag",
        "idLessThan",
    }
)


@_attrs_define
class PlanOrderPage:
    """A page of plan orders and its cursor."""

    order_list: list[PlanOrder] | None
    """ The plan orders of this page, newest first. """
    next_flag: bool | Unset = UNSET
    """ Whether another page follows. """
    id_less_than: None | str | Unset = UNSET
    """ The cursor for the next page (`idLessThan` of the next request). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order_list: list[dict[str, Any]] | None
        if isinstance(self.order_list, list):
            order_list = []
            for order_list_type_0_item_data in self.order_list:
                order_list_type_0_item = order_list_type_0_item_data.to_dict()
                order_list.append(order_list_type_0_item)

        else:
            order_list = self.order_list

        next_flag = self.next_flag

        id_less_than: None | str | Unset
        if isinstance(self.id_less_than, Unset):
            id_less_than = UNSET
        else:
            id_less_than = self.id_less_than

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "orderList": order_list,
            }
        )
        if next_flag is not UNSET:
            field_dict["nextFlag"] = next_flag
        if id_less_than is not UNSET:
            field_dict["idLessThan"] = id_less_than

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The model of `src_dict` (a decoded JSON object); its other keys go to `additional_properties`.

        Fills the instance's slots directly: attrs' `__init__` would assign the very same values (these
        models have no validators or converters) at twice the cost, and an answer holds 50 of them.
        """
        from ..models.plan_order import PlanOrder

        def _parse_order_list(data: object) -> list[PlanOrder] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                order_list_type_0 = []
                _order_list_type_0 = data
                for order_list_type_0_item_data in _order_list_type_0:
                    order_list_type_0_item = PlanOrder.from_dict(
                        order_list_type_0_item_data
                    )

                    order_list_type_0.append(order_list_type_0_item)

                return order_list_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[PlanOrder] | None, data)

        order_list = _parse_order_list(src_dict["orderList"])

        next_flag = src_dict.get("nextFlag", UNSET)

        def _parse_id_less_than(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id_less_than = _parse_id_less_than(src_dict.get("idLessThan", UNSET))

        _model = cls.__new__(cls)
        _model.order_list = order_list
        _model.next_flag = next_flag
        _model.id_less_than = id_less_than

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
