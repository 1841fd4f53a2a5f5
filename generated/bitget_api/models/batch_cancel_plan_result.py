from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.plan_order_failure import PlanOrderFailure
    from ..models.plan_order_id import PlanOrderId


T = TypeVar("T", bound="BatchCancelPlanResult")
# The keys the model has fields for; any other key of an answer goes to `additional_properties`.
_KNOWN_KEYS = frozenset(
    {
        "successList",
        "failureList",
    }
)


@_attrs_define
class BatchCancelPlanResult:
    """What batch-cancel-plan-order did."""

    success_list: list[PlanOrderId] | Unset = UNSET
    """ The plan orders cancelled. """
    failure_list: list[PlanOrderFailure] | Unset = UNSET
    """ The plan orders not cancelled, each with why. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success_list: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.success_list, Unset):
            success_list = []
            for success_list_item_data in self.success_list:
                success_list_item = success_list_item_data.to_dict()
                success_list.append(success_list_item)

        failure_list: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.failure_list, Unset):
            failure_list = []
            for failure_list_item_data in self.failure_list:
                failure_list_item = failure_list_item_data.to_dict()
                failure_list.append(failure_list_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if success_list is not UNSET:
            field_dict["successList"] = success_list
        if failure_list is not UNSET:
            field_dict["failureList"] = failure_list

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The model of `src_dict` (a decoded JSON object); its other keys go to `additional_properties`.

        Fills the instance's slots directly: attrs' `__init__` would assign the very same values (these
        models have no validators or converters) at twice the cost, and an answer holds 50 of them.
        """
        from ..models.plan_order_failure import PlanOrderFailure
        from ..models.plan_order_id import PlanOrderId

        _success_list = src_dict.get("successList", UNSET)
        success_list: list[PlanOrderId] | Unset = UNSET
        if _success_list is not UNSET:
            success_list = []
            for success_list_item_data in _success_list:
                success_list_item = PlanOrderId.from_dict(success_list_item_data)

                success_list.append(success_list_item)

        _failure_list = src_dict.get("failureList", UNSET)
        failure_list: list[PlanOrderFailure] | Unset = UNSET
        if _failure_list is not UNSET:
            failure_list = []
            for failure_list_item_data in _failure_list:
                failure_list_item = PlanOrderFailure.from_dict(failure_list_item_data)

                failure_list.append(failure_list_item)

        _model = cls.__new__(cls)
        _model.success_list = success_list
        _model.failure_list = failure_list

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
