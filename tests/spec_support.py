"""Reading the contract in tests: one loader and one validator factory for every test that needs them."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi" / "openapi.yaml"
OPERATION = ("/api/v2/spot/trade/batch-cancel-order", "post")
_BASE = "urn:bitget-contract"


@cache
def load_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as f:
        spec: dict[str, Any] = yaml.safe_load(f)
    return spec


def validator_for(spec: dict[str, Any], pointer: str) -> Draft202012Validator:
    """A draft 2020-12 validator for the schema at `pointer` ("/components/schemas/X"), refs resolved."""
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_BASE, resource)
    return Draft202012Validator({"$ref": f"{_BASE}#{pointer}"}, registry=registry)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def deref(spec: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (responses, examples, parameters) to what they name."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def iter_examples(spec: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(where, schema pointer, example value) for every example in the document.

    Covers media-type `examples` maps (request bodies and responses, shared ones through `$ref`),
    parameter examples, and schema-level `examples` lists on component schemas and their properties.
    """
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            base = f"/paths/{_escape(path)}/{method}"
            body = op.get("requestBody", {}).get("content", {})
            for ctype, media in body.items():
                pointer = f"{base}/requestBody/content/{_escape(ctype)}/schema"
                for name, ex in media.get("examples", {}).items():
                    yield f"{method.upper()} {path} request {name}", pointer, deref(spec, ex)["value"]
            for i, param in enumerate(op.get("parameters", [])):
                for name, ex in deref(spec, param).get("examples", {}).items():
                    where = f"{method.upper()} {path} parameter {deref(spec, param)['name']} {name}"
                    yield where, f"{base}/parameters/{i}/schema", deref(spec, ex)["value"]
            for status, resp in op.get("responses", {}).items():
                resp_pointer = f"{base}/responses/{status}"
                if "$ref" in resp:
                    resp_pointer = resp["$ref"].removeprefix("#")
                for ctype, media in deref(spec, resp).get("content", {}).items():
                    pointer = f"{resp_pointer}/content/{_escape(ctype)}/schema"
                    for name, ex in media.get("examples", {}).items():
                        yield f"{method.upper()} {path} {status} {name}", pointer, deref(spec, ex)["value"]
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        pointer = f"/components/schemas/{name}"
        for i, value in enumerate(schema.get("examples", [])):
            yield f"schema {name} example {i}", pointer, value
        for prop, sub in schema.get("properties", {}).items():
            for i, value in enumerate(sub.get("examples", [])):
                yield f"schema {name}.{prop} example {i}", f"{pointer}/properties/{prop}", value


def example_errors(spec: dict[str, Any]) -> list[str]:
    """Every way in which an example disagrees with its schema; empty when all validate."""
    errors = []
    for where, pointer, value in iter_examples(spec):
        for err in validator_for(spec, pointer).iter_errors(value):
            errors.append(f"{where}: {err.message} (at {'/'.join(map(str, err.absolute_path)) or 'root'})")
    return errors


def examples_for(spec: dict[str, Any], status: str) -> dict[str, Any]:
    """Example values of one response status (or 'request') of the batch cancel operation."""
    op = spec["paths"][OPERATION[0]][OPERATION[1]]
    if status == "request":
        media = op["requestBody"]["content"]["application/json"]
    else:
        media = op["responses"][status]["content"]["application/json"]
    return {name: ex["value"] for name, ex in media["examples"].items()}
