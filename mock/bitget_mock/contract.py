"""The contract as the mock enforces it, read from openapi.yaml itself (not from hand-copied schemas):
each operation's path, method, signing, rate limit, and the validation of its parameters and body.

The wheel ships the contract inside this package; a source checkout reads `openapi/openapi.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

_BASE = "urn:bitget-contract"


def _spec_text() -> str:
    shipped = resources.files("bitget_mock").joinpath("openapi.yaml")
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    source = Path(__file__).resolve().parents[2] / "openapi" / "openapi.yaml"
    return source.read_text(encoding="utf-8")


@cache
def load_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(_spec_text())
    return spec


@dataclass(frozen=True)
class Rejection:
    code: str
    msg: str


@dataclass(frozen=True)
class HeaderParam:
    name: str
    allowed: tuple[str, ...] | None


@dataclass(frozen=True)
class QueryParam:
    name: str
    schema: dict[str, Any]


@dataclass(frozen=True)
class ObjectQueryParam:
    """An object parameter exploded into the query (`style: form, explode: true`): its properties are
    query keys of their own (`?orderId=...`), and the object they make is validated against its schema
    (`required`, `if`/`else`, ...). `closed` (`additionalProperties: false`): a query key that is neither
    one of its properties nor another declared parameter is an extra property of the object, rejected."""

    name: str
    schema: dict[str, Any]
    properties: tuple[QueryParam, ...]
    validator: Draft202012Validator
    closed: bool


class OperationContract:
    """One operation of the contract, as the mock enforces it: method, path, whether it is signed, its
    rate limit, and the validation of its header parameters, query parameters and JSON body."""

    def __init__(self, path: str, method: str, op: dict[str, Any], spec: dict[str, Any]) -> None:
        self.path = path
        self.method = method.upper()
        self.id: str = op["operationId"]
        self.signed = op.get("security", spec.get("security")) != []
        limit = op["x-rate-limit"]
        self.rate_limit = int(limit["limit"])
        self.rate_window_s = int(limit["window-ms"]) / 1000
        self.rate_scope = str(limit["scope"])
        params = [_resolve(p, spec) for p in op.get("parameters", [])]
        self.headers = [
            HeaderParam(p["name"], tuple(_resolve(p["schema"], spec).get("enum", ())) or None)
            for p in params
            if p["in"] == "header"
        ]
        registry: Registry[Any] = Registry().with_resource(
            _BASE, Resource.from_contents(spec, default_specification=DRAFT202012)
        )
        escaped = path.replace("~", "~0").replace("/", "~1")
        self.query: list[QueryParam] = []
        self.query_objects: list[ObjectQueryParam] = []
        for i, raw in enumerate(op.get("parameters", [])):
            p = params[i]
            if p["in"] != "query":
                continue
            schema = _resolve(p["schema"], spec)
            if schema.get("type") != "object":
                self.query.append(QueryParam(p["name"], schema))
                continue
            style = p.get("style", "form")
            if style != "form" or not p.get("explode", True):
                raise NotImplementedError(f"{self.id}: query object {p['name']!r} must be style form, explode true")
            if "$ref" in p["schema"]:
                pointer = p["schema"]["$ref"].removeprefix("#")
            else:
                where = raw["$ref"].removeprefix("#") if "$ref" in raw else f"/paths/{escaped}/{method}/parameters/{i}"
                pointer = f"{where}/schema"
            props = tuple(QueryParam(k, _resolve(v, spec)) for k, v in schema.get("properties", {}).items())
            validator = Draft202012Validator({"$ref": f"{_BASE}#{pointer}"}, registry=registry)
            closed = schema.get("additionalProperties") is False
            self.query_objects.append(ObjectQueryParam(p["name"], schema, props, validator, closed))
        # Query keys a closed object parameter leaves room for: the declared scalars and every object's properties.
        self.query_keys = frozenset(
            [q.name for q in self.query] + [prop.name for obj in self.query_objects for prop in obj.properties]
        )
        self.closed_query = any(obj.closed for obj in self.query_objects)
        self.has_body = "requestBody" in op
        self._body: Draft202012Validator | None = None
        self._accepts: Any = None
        self.list_limits: dict[str, int] = {}
        if self.has_body:
            pointer = f"/paths/{escaped}/{method}/requestBody/content/application~1json/schema"
            self._body = Draft202012Validator({"$ref": f"{_BASE}#{pointer}"}, registry=registry)
            # The same schema compiled by jsonschema-rs (Rust): it only says valid or not, ~400 x faster
            # on a 50-order batch (5 us against 2.4 ms), which is what lets one mock process keep up with
            # many sub-accounts at full rate. A rejection is still described by `jsonschema` (its error
            # paths and messages); tests/test_mock_fast_validation.py checks that the two agree.
            self._accepts = jsonschema_rs.Draft202012Validator(
                {"$ref": f"{_BASE}#{pointer}"}, registry=jsonschema_rs.Registry([(_BASE, spec)])
            ).is_valid
            # Checked before the schema, so that an oversized list costs a len() and not a validation per item.
            body_schema = _resolve(op["requestBody"]["content"]["application/json"]["schema"], spec)
            self.list_limits = {
                name: int(prop["maxItems"])
                for name, prop in body_schema.get("properties", {}).items()
                if isinstance(prop, dict) and "maxItems" in prop
            }

    def check_headers(self, headers: Any) -> Rejection | None:
        for h in self.headers:
            value = headers.get(h.name)
            if value is not None and h.allowed is not None and value not in h.allowed:
                return Rejection(
                    "40017",
                    f"Parameter verification failed: header {h.name} must be one of {list(h.allowed)}",
                )
        return None

    def check_query(self, query: Any) -> tuple[dict[str, Any], Rejection | None]:
        """The declared query parameters, converted to their schema's type; or the first rejection.

        An exploded object parameter contributes its properties under their own names (as on the wire,
        `values["orderId"]`), once the object they make is valid. Keys nobody declared are ignored, unless
        a closed object parameter (`additionalProperties: false`) makes them extra properties of itself."""
        values: dict[str, Any] = {}
        for q in self.query:
            raw = query.get(q.name)
            if raw is None:
                continue
            value, rejection = _query_value(q, raw)
            if rejection is not None:
                return values, rejection
            values[q.name] = value
        for obj in self.query_objects:
            given: dict[str, Any] = {}
            for prop in obj.properties:
                raw = query.get(prop.name)
                if raw is None:
                    continue
                value, rejection = _query_value(prop, raw)
                if rejection is not None:
                    return values, rejection
                given[prop.name] = value
            errors = sorted(obj.validator.iter_errors(given), key=_error_order)
            if errors:
                return values, _describe_query_object(errors[0], obj)
            values.update(given)
        if self.closed_query:
            extra = [key for key in query if key not in self.query_keys]
            if extra:
                return values, Rejection("40017", f"Parameter verification failed: unknown parameter {extra[0]!r}")
        return values, None

    def check_body(self, body: Any, raw: bytes | None = None) -> Rejection | None:
        """The first rejection of a parsed body, or None. `raw`: the bytes it was parsed from, if known:
        ASCII without a `\\u` escape cannot carry a lone surrogate, and the walk over every string is
        skipped (it was a third of the mock's time per batch cancel)."""
        if self._body is None:
            return None
        if isinstance(body, dict):
            for name, limit in self.list_limits.items():
                value = body.get(name)
                if isinstance(value, list) and len(value) > limit:
                    return Rejection(
                        "40017", f"Parameter verification failed: {name} has {len(value)} items, at most {limit}"
                    )
        errors = [] if self._accepts(body) else sorted(self._body.iter_errors(body), key=_error_order)
        if errors:
            return _describe(errors[0], body)
        if raw is not None and raw.isascii() and b"\\u" not in raw:
            return None
        where = first_invalid_text(body)
        if where is not None:
            return Rejection("40017", f"Parameter verification failed: {where or 'body'} is not valid Unicode text")
        return None


@dataclass(frozen=True)
class IpRateLimit:
    """The overall cap per IP address (the document's own `x-rate-limit`, scope ip): `limit` requests in
    any sliding `window_s`, then every request from the address is answered 429 for `penalty_s`."""

    limit: int
    window_s: float
    penalty_s: float


class Contract:
    """Every operation of the contract, by operationId, read from the shipped `openapi.yaml`, and the
    overall per-IP cap (`ip_rate_limit`)."""

    def __init__(self, spec: dict[str, Any] | None = None) -> None:
        spec = load_spec() if spec is None else spec
        cap = spec["x-rate-limit"]
        if cap.get("scope") != "ip":
            raise ValueError(f"the document's own x-rate-limit must have scope ip, not {cap.get('scope')!r}")
        self.ip_rate_limit = IpRateLimit(
            int(cap["limit"]), int(cap["window-ms"]) / 1000, int(cap.get("penalty-ms", cap["window-ms"])) / 1000
        )
        self.operations: dict[str, OperationContract] = {}
        for path, item in spec["paths"].items():
            for method, op in item.items():
                contract = OperationContract(path, method, op, spec)
                self.operations[contract.id] = contract

    def by_path(self) -> dict[str, dict[str, OperationContract]]:
        out: dict[str, dict[str, OperationContract]] = {}
        for op in self.operations.values():
            out.setdefault(op.path, {})[op.method] = op
        return out


def _error_order(err: ValidationError) -> tuple[int, str]:
    # Shallowest first, so that a missing orderList is reported before anything inside it.
    return (len(err.absolute_path), "/".join(map(str, err.absolute_path)))


def _field_name(path: list[Any]) -> str:
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _describe(err: ValidationError, body: Any) -> Rejection:
    path = list(err.absolute_path)
    where = _field_name(path)
    if err.validator == "required":
        missing = err.message.split("'")[1] if "'" in err.message else "?"
        if missing == "clientOid" and isinstance(err.instance, dict) and "orderId" not in err.instance:
            return Rejection("40019", f"Parameter {where}: either orderId or clientOid is required")
        full = f"{where}.{missing}" if where else missing
        return Rejection("40019", f"Parameter {full} cannot be empty")
    if err.validator == "additionalProperties":
        return Rejection("40017", f"Parameter verification failed: {err.message}" + (f" in {where}" if where else ""))
    return Rejection("40017", f"Parameter verification failed: {where or 'body'}: {err.message}")


def _query_value(q: QueryParam, raw: str) -> tuple[Any, Rejection | None]:
    """One query value converted to its schema's type (integer, or else string), or its rejection."""
    schema = q.schema
    if schema.get("type") == "integer":
        if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 19:
            return None, Rejection("40017", f"Parameter verification failed: {q.name} must be an integer")
        value = int(raw)
        bits = {"int32": 31, "int64": 63}.get(schema.get("format", ""), 63)
        if not -(2**bits) <= value < 2**bits:
            return None, Rejection("40017", f"Parameter verification failed: {q.name} is out of range")
        if ("minimum" in schema and value < schema["minimum"]) or ("maximum" in schema and value > schema["maximum"]):
            bounds = f"from {schema.get('minimum', '-inf')} to {schema.get('maximum', 'inf')}"
            return None, Rejection("40017", f"Parameter verification failed: {q.name} must be {bounds}")
        return value, None
    if len(raw) < schema.get("minLength", 0):
        return None, Rejection("40019", f"Parameter {q.name} cannot be empty")
    if len(raw) > schema.get("maxLength", len(raw)):
        return None, Rejection("40017", f"Parameter verification failed: {q.name} is too long")
    return raw, None


def _describe_query_object(err: ValidationError, obj: ObjectQueryParam) -> Rejection:
    """A query object's first schema error. A missing property is 40019, and one missing from an `else`
    branch names the alternatives of its `if` too: "Parameter orderId or clientOid cannot be empty"."""
    if err.validator == "required":
        missing = err.message.split("'")[1] if "'" in err.message else "?"
        names = [missing]
        if list(err.relative_schema_path)[:1] == ["else"]:
            names = [*obj.schema.get("if", {}).get("required", []), missing]
        return Rejection("40019", f"Parameter {' or '.join(names)} cannot be empty")
    return Rejection("40017", f"Parameter verification failed: {obj.name}: {err.message}")


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = node
    return schema


def first_invalid_text(value: Any) -> str | None:
    """The path of the first string (key or value) holding a lone surrogate, which JSON's "\\ud800" escapes
    can carry but no UTF-8 text can; None if there is none. Iterative: bodies may be deep."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if not node.isascii():
                try:
                    node.encode("utf-8")
                except UnicodeEncodeError:
                    return path
        elif isinstance(node, dict):
            for key, child in node.items():
                stack.append((f"{path}.{key}" if path else str(key), key))
                stack.append((f"{path}.{key}" if path else str(key), child))
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(node))
    return None
