from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.batch_cancel_failure_item import BatchCancelFailureItem
    from ..models.batch_cancel_success_item import BatchCancelSuccessItem


T = TypeVar("T", bound="BatchCancelResult")


@_attrs_define
class BatchCancelResult:
    """Per-order outcome of the batch."""

    success_list: list[BatchCancelSuccessItem]
    """ Orders that were cancelled. """
    failure_list: list[BatchCancelFailureItem]
    """ Orders that were not cancelled. Never empty by accident; clients must surface it. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success_list = []
        for success_list_item_data in self.success_list:
            success_list_item = success_list_item_data.to_dict()
            success_list.append(success_list_item)

        failure_list = []
        for failure_list_item_data in self.failure_list:
            failure_list_item = failure_list_item_data.to_dict()
            failure_list.append(failure_list_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "successList": success_list,
                "failureList": failure_list,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.batch_cancel_failure_item import BatchCancelFailureItem
        from ..models.batch_cancel_success_item import BatchCancelSuccessItem

        d = dict(src_dict)
        success_list = []
        _success_list = d.pop("successList")
        for success_list_item_data in _success_list:
            success_list_item = BatchCancelSuccessItem.from_dict(success_list_item_data)

            success_list.append(success_list_item)

        failure_list = []
        _failure_list = d.pop("failureList")
        for failure_list_item_data in _failure_list:
            failure_list_item = BatchCancelFailureItem.from_dict(failure_list_item_data)

            failure_list.append(failure_list_item)

        batch_cancel_result = cls(
            success_list=success_list,
            failure_list=failure_list,
        )

        batch_cancel_result.additional_properties = d
        return batch_cancel_result

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
