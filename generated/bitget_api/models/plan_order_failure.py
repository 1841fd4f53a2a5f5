from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PlanOrderFailure")
# The keys the model has fields for; any other key of an answer goes to `additional_properties`.
_KNOWN_KEYS = frozenset(
    {
        "orderId",
        "clientOid",
        "errorMsg",
    }
)


@_attrs_define
class PlanOrderFailure:
    """A plan order batch-cancel-plan-order did not cancel."""

    order_id: str
    """ Plan order ID. """
    client_oid: None | str | Unset = UNSET
    """ Client order ID (empty or null when none was given). """
    error_msg: str | Unset = UNSET
    """ Why it was not cancelled (no error code is documented). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        client_oid: None | str | Unset
        if isinstance(self.client_oid, Unset):
            client_oid = UNSET
        else:
            client_oid = self.client_oid

        error_msg = self.error_msg

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "orderId": order_id,
            }
        )
        if client_oid is not UNSET:
            field_dict["clientOid"] = client_oid
        if error_msg is not UNSET:
            field_dict["errorMsg"] = error_msg

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The model of `src_dict` (a decoded JSON object); its other keys go to `additional_properties`.

        Fills the instance's slots directly: attrs' `__init__` would assign the very same values (these
        models have no validators or converters) at twice the cost, and an answer holds 50 of them.
        """
        order_id = src_dict["orderId"]

        def _parse_client_oid(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_oid = _parse_client_oid(src_dict.get("clientOid", UNSET))

        error_msg = src_dict.get("errorMsg", UNSET)

        _model = cls.__new__(cls)
        _model.order_id = order_id
        _model.client_oid = client_oid
        _model.error_msg = error_msg

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
