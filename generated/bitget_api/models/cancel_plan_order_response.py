from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cancel_plan_order_result import CancelPlanOrderResult


T = TypeVar("T", bound="CancelPlanOrderResponse")
# The keys the model has fields for; any other key of an answer goes to `additional_properties`.
_KNOWN_KEYS = frozenset(
    {
        "code",
        "data",
        "msg",
        "requestTime",
    }
)


@_attrs_define
class CancelPlanOrderResponse:
    """Envelope of a cancelled plan order (HTTP 200)."""

    code: str
    """ `00000` on success. """
    data: CancelPlanOrderResult
    """ What cancel-plan-order says. """
    msg: str | Unset = UNSET
    """ Human-readable status, `success` on success. """
    request_time: int | str | Unset = UNSET
    """ Server time of the response, milliseconds since the Unix epoch. An integer here, a decimal string on some
    other endpoints; accept both. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        data = self.data.to_dict()

        msg = self.msg

        request_time: int | str | Unset
        if isinstance(self.request_time, Unset):
            request_time = UNSET
        else:
            request_time = self.request_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "data": data,
            }
        )
        if msg is not UNSET:
            field_dict["msg"] = msg
        if request_time is not UNSET:
            field_dict["requestTime"] = request_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The model of `src_dict` (a decoded JSON object); its other keys go to `additional_properties`.

        Fills the instance's slots directly: attrs' `__init__` would assign the very same values (these
        models have no validators or converters) at twice the cost, and an answer holds 50 of them.
        """
        from ..models.cancel_plan_order_result import CancelPlanOrderResult

        code = src_dict["code"]

        data = CancelPlanOrderResult.from_dict(src_dict["data"])

        msg = src_dict.get("msg", UNSET)

        def _parse_request_time(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        request_time = _parse_request_time(src_dict.get("requestTime", UNSET))

        _model = cls.__new__(cls)
        _model.code = code
        _model.data = data
        _model.msg = msg
        _model.request_time = request_time

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
