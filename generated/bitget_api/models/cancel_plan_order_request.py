from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CancelPlanOrderRequest")


@_attrs_define
class CancelPlanOrderRequest:
    """One plan order, by `orderId` or `clientOid` (with both, `orderId` identifies it); no symbol."""

    order_id: str | Unset = UNSET
    """ Plan order ID. Either `orderId` or `clientOid` is required. """
    client_oid: str | Unset = UNSET
    """ Client order ID of the plan order. Either `clientOid` or `orderId` is required. """

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        client_oid = self.client_oid

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if order_id is not UNSET:
            field_dict["orderId"] = order_id
        if client_oid is not UNSET:
            field_dict["clientOid"] = client_oid

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The model of `src_dict` (a decoded JSON object); its other keys go to `additional_properties`.

        Fills the instance's slots directly: attrs' `__init__` would assign the very same values (these
        models have no validators or converters) at twice the cost, and an answer holds 50 of them.
        """
        order_id = src_dict.get("orderId", UNSET)

        client_oid = src_dict.get("clientOid", UNSET)

        _model = cls.__new__(cls)
        _model.order_id = order_id
        _model.client_oid = client_oid

        return _model
