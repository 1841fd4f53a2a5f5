from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cancel_symbol_result import CancelSymbolResult


T = TypeVar("T", bound="CancelSymbolResponse")


@_attrs_define
class CancelSymbolResponse:
    """Envelope of an accepted cancel-symbol request (HTTP 200)."""

    code: str
    """ `00000` on success. """
    data: CancelSymbolResult
    """ What was accepted. The cancellation itself happens afterwards, asynchronously. """
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
        from ..models.cancel_symbol_result import CancelSymbolResult

        d = dict(src_dict)
        code = d.pop("code")

        data = CancelSymbolResult.from_dict(d.pop("data"))

        msg = d.pop("msg", UNSET)

        def _parse_request_time(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        request_time = _parse_request_time(d.pop("requestTime", UNSET))

        cancel_symbol_response = cls(
            code=code,
            data=data,
            msg=msg,
            request_time=request_time,
        )

        cancel_symbol_response.additional_properties = d
        return cancel_symbol_response

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
