from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.batch_mode import BatchMode, check_batch_mode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_cancel_order_item import BatchCancelOrderItem


T = TypeVar("T", bound="BatchCancelRequest")


@_attrs_define
class BatchCancelRequest:
    """A batch of at most 50 orders to cancel."""

    order_list: list[BatchCancelOrderItem]
    """ The orders to cancel, at least 1 and at most 50. """
    symbol: str | Unset = UNSET
    """ Trading pair, e.g. `BTCUSDT`. Required (non-empty) in `single` mode; ignored in `multiple` mode. """
    batch_mode: BatchMode | Unset = UNSET
    """ `single` (the default): every order belongs to the top-level `symbol`, and each item's
    `symbol` is ignored. `multiple`: each item names its own `symbol`, and the top-level
    `symbol` is ignored.
     """

    def to_dict(self) -> dict[str, Any]:
        order_list = []
        for order_list_item_data in self.order_list:
            order_list_item = order_list_item_data.to_dict()
            order_list.append(order_list_item)

        symbol = self.symbol

        batch_mode: str | Unset = UNSET
        if not isinstance(self.batch_mode, Unset):
            batch_mode = self.batch_mode

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "orderList": order_list,
            }
        )
        if symbol is not UNSET:
            field_dict["symbol"] = symbol
        if batch_mode is not UNSET:
            field_dict["batchMode"] = batch_mode

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The model of `src_dict` (a decoded JSON object); its other keys go to `additional_properties`.

        Fills the instance's slots directly: attrs' `__init__` would assign the very same values (these
        models have no validators or converters) at twice the cost, and an answer holds 50 of them.
        """
        from ..models.batch_cancel_order_item import BatchCancelOrderItem

        order_list = []
        _order_list = src_dict["orderList"]
        for order_list_item_data in _order_list:
            order_list_item = BatchCancelOrderItem.from_dict(order_list_item_data)

            order_list.append(order_list_item)

        symbol = src_dict.get("symbol", UNSET)

        _batch_mode = src_dict.get("batchMode", UNSET)
        batch_mode: BatchMode | Unset
        if isinstance(_batch_mode, Unset):
            batch_mode = UNSET
        else:
            batch_mode = check_batch_mode(_batch_mode)

        _model = cls.__new__(cls)
        _model.order_list = order_list
        _model.symbol = symbol
        _model.batch_mode = batch_mode

        return _model
