"""Request validation read from the contract itself (openapi.yaml), not from a hand-copied schema.

The wheel ships the contract inside this package; a source checkout reads `openapi/openapi.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

PATH = "/api/v2/spot/trade/batch-cancel-order"
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


class RequestContract:
    """Validates the JSON body and optional header parameters of the batch cancel operation."""

    def __init__(self, spec: dict[str, Any] | None = None) -> None:
        spec = load_spec() if spec is None else spec
        op = spec["paths"][PATH]["post"]
        registry: Registry[Any] = Registry().with_resource(
            _BASE, Resource.from_contents(spec, default_specification=DRAFT202012)
        )
        pointer = "/paths/" + PATH.replace("/", "~1") + "/post/requestBody/content/application~1json/schema"
        self._body = Draft202012Validator({"$ref": f"{_BASE}#{pointer}"}, registry=registry)
        self.headers = [self._header(p, spec) for p in op.get("parameters", [])]
        self.rate_limit = int(op["x-rate-limit"]["limit"])
        # Checked before the schema, so that an oversized list costs a len() and not a validation per item.
        body_schema = _resolve(op["requestBody"]["content"]["application/json"]["schema"], spec)
        self.list_limits = {
            name: int(prop["maxItems"])
            for name, prop in body_schema.get("properties", {}).items()
            if isinstance(prop, dict) and "maxItems" in prop
        }

    @staticmethod
    def _header(param: dict[str, Any], spec: dict[str, Any]) -> HeaderParam:
        if "$ref" in param:
            name = param["$ref"].rsplit("/", 1)[-1]
            param = spec["components"]["parameters"][name]
        enum = param.get("schema", {}).get("enum")
        return HeaderParam(param["name"], tuple(enum) if enum else None)

    def check_headers(self, headers: Any) -> Rejection | None:
        for h in self.headers:
            value = headers.get(h.name)
            if value is not None and h.allowed is not None and value not in h.allowed:
                return Rejection(
                    "40017",
                    f"Parameter verification failed: header {h.name} must be one of {list(h.allowed)}",
                )
        return None

    def check_body(self, body: Any) -> Rejection | None:
        if isinstance(body, dict):
            for name, limit in self.list_limits.items():
                value = body.get(name)
                if isinstance(value, list) and len(value) > limit:
                    return Rejection(
                        "40017", f"Parameter verification failed: {name} has {len(value)} items, at most {limit}"
                    )
        errors = sorted(self._body.iter_errors(body), key=_error_order)
        if errors:
            return _describe(errors[0], body)
        where = first_invalid_text(body)
        if where is not None:
            return Rejection("40017", f"Parameter verification failed: {where or 'body'} is not valid Unicode text")
        return None


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
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
