from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorResponse")


@_attrs_define
class ErrorResponse:
    """Envelope of a rejected request. `data` is `null`."""

    code: str
    """ Bitget error code, see `x-error-codes`. """
    msg: str | Unset = UNSET
    """ Human-readable error message. """
    message: str | Unset = UNSET
    """ Seen instead of `msg` on some mirrors of the documentation. """
    request_time: int | str | Unset = UNSET
    """ Server time of the response, milliseconds since the Unix epoch. An integer here, a decimal string on some
    other endpoints; accept both. """
    data: None | Unset = UNSET
    """ Always `null` on errors. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        msg = self.msg

        message = self.message

        request_time: int | str | Unset
        if isinstance(self.request_time, Unset):
            request_time = UNSET
        else:
            request_time = self.request_time

        data = self.data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
            }
        )
        if msg is not UNSET:
            field_dict["msg"] = msg
        if message is not UNSET:
            field_dict["message"] = message
        if request_time is not UNSET:
            field_dict["requestTime"] = request_time
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = d.pop("code")

        msg = d.pop("msg", UNSET)

        message = d.pop("message", UNSET)

        def _parse_request_time(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        request_time = _parse_request_time(d.pop("requestTime", UNSET))

        data = d.pop("data", UNSET)

        error_response = cls(
            code=code,
            msg=msg,
            message=message,
            request_time=request_time,
            data=data,
        )

        error_response.additional_properties = d
        return error_response

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
