"""The contract's operations as the runtime core sees them, every one built from the contract's facts
(generated `bitget_api.facts`): its generated public request builder and response model, what a complete
`data` is, and the checks its arguments get before any I/O.

Nothing here names an operation: adding one to the contract and regenerating makes it callable,
signed, limited, retried and classified like the others (its methods come from `_surface`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import attrs

from bitget_api import facts, models

from .errors import BatchValidationError
from .validation import check_encodable, validate_batch


class _Model(Protocol):
    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Any: ...


def is_batch_result(data: Any) -> bool:
    """Both lists present, as lists: anything less cannot say what happened to each order."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("successList"), list)
        and isinstance(data.get("failureList"), list)
    )


_JSON_TYPES: dict[str, type | tuple[type, ...]] = {"string": str, "array": list, "object": dict, "integer": int}


def data_check(shape: Mapping[str, Any]) -> Callable[[Any], bool]:
    """What a complete `data` of an operation is, from its schema (`facts.OPERATIONS[...]["data"]`): a
    list, or an object holding every required property with its JSON type (a non-empty string where a
    string is required). An answer that is less is not believed (see `_engine`)."""
    if shape["type"] == "array":
        return lambda data: isinstance(data, list)
    required = {k: _JSON_TYPES.get(v) for k, v in shape.get("required", {}).items()}

    def ok(data: Any) -> bool:
        if not isinstance(data, dict):
            return False
        for key, kind in required.items():
            value = data.get(key)
            if kind is not None and not isinstance(value, kind):
                return False
            if kind is str and not value:
                return False
        return True

    return ok


@attrs.frozen
class Operation:
    """One operation of the contract. `data_ok(payload["data"])` tells a complete success from one to distrust."""

    id: str
    method: str
    path: str
    signed: bool
    rate_limit: int
    rate_window_s: float
    rate_scope: str
    query: Mapping[str, Mapping[str, Any]]
    module: str  # its generated module (bitget_api.api.<tag>.<name>), imported on first use
    response: str  # its response model's name in bitget_api.models
    data_ok: Callable[[Any], bool]
    body: Mapping[str, Mapping[str, Any]] | None = None
    required: tuple[str, ...] = ()
    either: tuple[tuple[str, ...], ...] = ()
    conditions: tuple[Mapping[str, Any], ...] = ()
    batch_rules: bool = False

    @property
    def build(self) -> Callable[..., dict[str, Any]]:
        """The generated public request builder. Imported on first use, as the models are, so that a command
        pays at start only for the operations it calls."""
        build: Callable[..., dict[str, Any]] = importlib.import_module(self.module).build_request
        return build

    @property
    def model(self) -> type[_Model]:
        model: type[_Model] = getattr(models, self.response)
        return model

    @property
    def idempotent(self) -> bool:
        """Reads can be retried whatever happened to an attempt; a cancel only when its effect is tracked."""
        return self.method == "GET"

    def builder_args(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Checked parameters as the generated `build_request` takes them: those of an object parameter
        exploded into the query (the contract's `style: form, explode: true`, e.g. orderInfo's `order`)
        gathered into its generated model, the others as they are."""
        out: dict[str, Any] = {}
        objects: dict[str, tuple[str, dict[str, Any]]] = {}
        for key, value in params.items():
            rule = self.query.get(key)
            if rule is None or "object" not in rule:
                out[key] = value
            else:
                objects.setdefault(rule["object"], (rule["model"], {}))[1][rule["name"]] = value
        for name, (model, fields) in objects.items():
            out[name] = getattr(models, model).from_dict(fields)
        return out

    def check_args(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """A public method's arguments (snake_case, None = not given) checked against the contract before any
        I/O (`BatchValidationError` naming the argument), as `_call` takes them: the query parameters, or
        `body=` the JSON body (a batch by the contract's `x-batch-rules`, with `validate_batch`)."""
        given = {k: v for k, v in args.items() if v is not None}
        for group in self.either:
            if not any(k in given for k in group):
                raise BatchValidationError(group[0], f"give {' or '.join(group)}")
        if self.batch_rules:
            return {"body": validate_batch(args.get("symbol"), args.get("batch_mode"), args.get("order_list"))}
        for key in self.required:
            if key not in given:
                raise BatchValidationError(key, "is required")
        for rule in self.conditions:  # "when f is v, these are required, else those"
            met = all(given.get(k) == v for k, v in rule["if"].items())
            when = " and ".join(f"{k} is {v!r}" for k, v in rule["if"].items())
            for key in rule["then"] if met else rule["else"]:
                if key not in given:
                    raise BatchValidationError(key, f"is required {'when' if met else 'unless'} {when}")
        if self.body is None:
            return self.check_query(given)
        return {"body": {self.body[k]["name"]: _checked(k, v, self.body[k]) for k, v in given.items()}}

    def check_query(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The given (non-None) query parameters, checked against the contract's constraints before any I/O."""
        return {key: _checked(key, value, self.query[key]) for key, value in params.items() if value is not None}


def _checked(key: str, value: Any, rule: Mapping[str, Any]) -> Any:
    """One argument against its contract rule (type, bounds, length, enum), or BatchValidationError."""
    if rule.get("type") == "array":
        if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
            raise BatchValidationError(key, f"must be a list, not {type(value).__name__}")
        if len(value) < rule.get("minItems", 0):
            raise BatchValidationError(key, f"must have at least {rule['minItems']} items")
        if len(value) > rule.get("maxItems", len(value)):
            raise BatchValidationError(key, f"must have at most {rule['maxItems']} items")
        return [_checked(f"{key}[{i}]", item, rule.get("items", {})) for i, item in enumerate(value)]
    if rule.get("type") == "integer":
        if type(value) is not int:
            raise BatchValidationError(key, f"must be an int, not {type(value).__name__}")
        if "minimum" in rule and value < rule["minimum"]:
            raise BatchValidationError(key, f"must be >= {rule['minimum']}, not {value}")
        if "maximum" in rule and value > rule["maximum"]:
            raise BatchValidationError(key, f"must be <= {rule['maximum']}, not {value}")
        return value
    if not isinstance(value, str):
        raise BatchValidationError(key, f"must be a string, not {type(value).__name__}")
    if "enum" in rule and value not in rule["enum"]:
        raise BatchValidationError(key, f"must be one of {', '.join(map(repr, rule['enum']))}, not {value!r}")
    if len(value) < rule.get("minLength", 0):
        raise BatchValidationError(key, "must not be empty")
    if len(value) > rule.get("maxLength", len(value)):
        raise BatchValidationError(key, f"must be at most {rule['maxLength']} characters")
    check_encodable(value, key)
    return value


def _operation(op_id: str) -> Operation:
    f = facts.OPERATIONS[op_id]
    return Operation(
        op_id,
        f["method"],
        f["path"],
        f["signed"],
        f["rate_limit"],
        f["rate_window_ms"] / 1000,
        f["rate_scope"],
        f["query"],
        f"bitget_api.api.{f['module']}",
        f["response"],
        is_batch_result if f["batch_rules"] else data_check(f["data"]),
        f["body"],
        tuple(f["required"]),
        tuple(tuple(group) for group in f["either"]),
        tuple(f["conditions"]),
        f["batch_rules"],
    )


# Every operation of the contract, by operationId.
OPERATIONS: dict[str, Operation] = {op_id: _operation(op_id) for op_id in facts.OPERATIONS}

# The ones the SDK's own runs call (batches, listings, settling, server time).
BATCH_CANCEL = OPERATIONS["batchCancelOrders"]
SERVER_TIME = OPERATIONS["getServerTime"]
ORDER_INFO = OPERATIONS["getOrderInfo"]
UNFILLED_ORDERS = OPERATIONS["getUnfilledOrders"]
HISTORY_ORDERS = OPERATIONS["getHistoryOrders"]
CANCEL_SYMBOL = OPERATIONS["cancelSymbolOrders"]
SYMBOLS = OPERATIONS["getSymbols"]
CURRENT_PLANS = OPERATIONS["getCurrentPlanOrders"]
HISTORY_PLANS = OPERATIONS["getHistoryPlanOrders"]
BATCH_CANCEL_PLANS = OPERATIONS["batchCancelPlanOrders"]
