from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.server_time import ServerTime


T = TypeVar("T", bound="ServerTimeResponse")


@_attrs_define
class ServerTimeResponse:
    """Envelope of the server time (HTTP 200)."""

    code: str
    """ `00000` on success. """
    data: ServerTime
    """ The server's clock. """
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
        from ..models.server_time import ServerTime

        d = dict(src_dict)
        code = d.pop("code")

        data = ServerTime.from_dict(d.pop("data"))

        msg = d.pop("msg", UNSET)

        def _parse_request_time(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        request_time = _parse_request_time(d.pop("requestTime", UNSET))

        server_time_response = cls(
            code=code,
            data=data,
            msg=msg,
            request_time=request_time,
        )

        server_time_response.additional_properties = d
        return server_time_response

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
