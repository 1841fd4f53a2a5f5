"""Code samples per operation (Python, TypeScript, Go) for the API reference page, made from the
conformance scenarios (tests/conformance/*.json): each operation's call as its first succeeding
scenario makes it, through each language's public client, so a sample shows a call that the suite
runs against the mock in all three languages. Redoc shows them from the `x-codeSamples` extension.

The scenario's `{orders.N.field}` placeholders become example values (`fill`): the page shows
`"1100000000001"`; the test that runs the Python samples passes the orders it seeded instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools import conformance

Fill = Callable[[int, str], Any]
_AVOID = ("unknown", "not-", "reserved", "wrong", "rsa")  # scenarios about an edge, not the plain call


def example_value(n: int, field: str) -> Any:
    return {"orderId": str(1100000000001 + n), "clientOid": f"my-order-{n + 1}"}.get(field, f"<{field}>")


def _fill(value: Any, fill: Fill) -> Any:
    if isinstance(value, str):
        m = re.fullmatch(r"\{orders\.(\d+)\.(\w+)\}", value)
        return fill(int(m[1]), m[2]) if m else value
    if isinstance(value, list):
        return [_fill(v, fill) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, fill) for k, v in value.items()}
    return value


def scenario_paths() -> dict[str, Path]:
    """operationId -> the scenario file whose call the samples show: the plainest succeeding one."""
    chosen: dict[str, tuple[tuple[bool, bool, str], Path]] = {}
    for path in conformance.scenario_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        op = data["call"]["operation"]
        plain = data.get("account", "hmac") == "hmac" and not any(w in path.name for w in _AVOID)
        rank = (data["expect"].get("code") != "00000", not plain, path.name)
        if op not in chosen or rank < chosen[op][0]:
            chosen[op] = (rank, path)
    return {op: path for op, (_, path) in chosen.items()}


def scenario_calls() -> dict[str, dict[str, Any]]:
    """operationId -> the chosen scenario (its parsed JSON)."""
    return {op: json.loads(path.read_text(encoding="utf-8")) for op, path in scenario_paths().items()}


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _py(value: Any) -> str:
    """A JSON value as Python source (double-quoted strings, as `ruff format` writes them)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_py(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_py(v) for v in value) + "]"
    if value is None or isinstance(value, bool):
        return {None: "None", True: "True", False: "False"}[value]
    return json.dumps(value, ensure_ascii=False)


def _exploded(op: dict[str, Any], spec: dict[str, Any]) -> dict[str, str]:
    """Query names that belong to an object parameter exploded into the query -> that parameter's name
    (the typed TypeScript and Go calls take `order: {orderId}` for `?orderId=`)."""
    out: dict[str, str] = {}
    for p in op.get("parameters", []):
        if "$ref" in p:
            p = _resolve(spec, p["$ref"])
        schema = p.get("schema", {})
        if "$ref" in schema:
            schema = _resolve(spec, schema["$ref"])
        if p.get("in") == "query" and schema.get("type") == "object":
            out |= {name: p["name"] for name in schema.get("properties", {})}
    return out


def _resolve(spec: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return dict(node)


def _grouped(query: dict[str, Any], exploded: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in query.items():
        if k in exploded:
            out.setdefault(exploded[k], {})[k] = v
        else:
            out[k] = v
    return out


def python(op_id: str, call: dict[str, Any]) -> str:
    args = {**call.get("query", {}), **call.get("body", {})}
    kwargs = ", ".join(f"{snake(k)}={_py(v)}" for k, v in args.items())
    return (
        "from bitget_sdk import BitgetClient\n\n"
        "with BitgetClient.from_env() as client:  # BITGET_API_KEY / SECRET_KEY / PASSPHRASE\n"
        f"    answer = client.{snake(op_id)}({kwargs})\n"
        "    print(answer.to_dict())\n"
    )


def typescript(method: str, path: str, call: dict[str, Any], exploded: dict[str, str]) -> str:
    if method == "GET":
        query = _grouped(call.get("query", {}), exploded)
        options = f"{{ params: {{ query: {json.dumps(query, ensure_ascii=False)} }} }}" if query else ""
    else:
        options = f"{{ body: {json.dumps(call.get('body', {}), ensure_ascii=False)} }}"
    args = f'"{path}"' + (f", {options}" if options else "")
    return (
        'import { createRawClient } from "@bitget-batch-cancel/client";\n\n'
        "const env = process.env as Record<string, string>;\n"
        "const client = createRawClient({\n"
        "  apiKey: env.BITGET_API_KEY, secretKey: env.BITGET_SECRET_KEY, passphrase: env.BITGET_PASSPHRASE,\n"
        "});\n"
        f"const {{ data, error }} = await client.{method}({args});\n"
    )


def _go_value(value: Any, schema: dict[str, Any]) -> str:
    if isinstance(value, bool):
        return f"ptr({str(value).lower()})"
    if isinstance(value, int):
        return f"ptr(int64({value}))" if schema.get("format") == "int64" else f"ptr({value})"
    return f"ptr({json.dumps(value, ensure_ascii=False)})"


def _go_field(name: str) -> str:
    return name[:1].upper() + name[1:]


def go(op_id: str, method: str, call: dict[str, Any], op: dict[str, Any], spec: dict[str, Any]) -> str:
    name = op_id[:1].upper() + op_id[1:]
    head = (
        "// ptr is func ptr[T any](v T) *T { return &v }\n"
        'creds := bitget.Credentials{APIKey: os.Getenv("BITGET_API_KEY"),\n'
        '\tSecretKey: os.Getenv("BITGET_SECRET_KEY"), Passphrase: os.Getenv("BITGET_PASSPHRASE")}\n'
        "client, _, err := bitget.NewClient(creds, bitget.Options{})\n"
        "if err != nil {\n\treturn err\n}\n"
    )
    has_params = bool(op.get("parameters"))
    if method != "GET":
        params = f"&bitgetapi.{name}Params{{}}, " if has_params else ""
        body = json.dumps(call.get("body", {}), ensure_ascii=False)
        line = (
            f'answer, err := client.{name}WithBodyWithResponse(ctx, {params}"application/json",\n'
            f"\tstrings.NewReader(`{body}`))\n"
        )
        return head + line
    schemas: dict[str, dict[str, Any]] = {}
    for p in op.get("parameters", []):
        p = _resolve(spec, p["$ref"]) if "$ref" in p else p
        schema = _resolve(spec, p["schema"]["$ref"]) if "$ref" in p.get("schema", {}) else p.get("schema", {})
        schemas[p["name"]] = schema
    exploded = _exploded(op, spec)
    fields = []
    for k, v in _grouped(call.get("query", {}), exploded).items():
        if isinstance(v, dict):  # an exploded object: a struct of its own
            inner = ", ".join(f"{_go_field(a)}: {_go_value(b, {})}" for a, b in v.items())
            type_name = _resolve(spec, _param(op, k, spec)["schema"]["$ref"]).get("title") or _ref_name(op, k, spec)
            fields.append(f"{_go_field(k)}: bitgetapi.{type_name}{{{inner}}}")
        else:
            fields.append(f"{_go_field(k)}: {_go_value(v, schemas.get(k, {}))}")
    args = f"&bitgetapi.{name}Params{{{', '.join(fields)}}}" if has_params else ""
    return head + f"answer, err := client.{name}WithResponse(ctx{', ' + args if args else ''})\n"


def _param(op: dict[str, Any], name: str, spec: dict[str, Any]) -> dict[str, Any]:
    for p in op.get("parameters", []):
        p = _resolve(spec, p["$ref"]) if "$ref" in p else p
        if p.get("name") == name:
            return p
    raise KeyError(name)


def _ref_name(op: dict[str, Any], name: str, spec: dict[str, Any]) -> str:
    return str(_param(op, name, spec)["schema"]["$ref"].rsplit("/", 1)[-1])


def code_samples(
    spec: dict[str, Any], fill: Fill = example_value, only: str | None = None
) -> dict[str, list[dict[str, str]]]:
    """operationId -> Redoc's `x-codeSamples` (Python, TypeScript, Go) for every operation a scenario calls
    (`only`: for that operation alone)."""
    calls = scenario_calls()
    out: dict[str, list[dict[str, str]]] = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or op.get("operationId") not in calls:
                continue
            if only is not None and op["operationId"] != only:
                continue
            op_id = op["operationId"]
            call = _fill(calls[op_id]["call"], fill)
            exploded = _exploded(op, spec)
            out[op_id] = [
                {"lang": "Python", "label": "Python", "source": python(op_id, call)},
                {
                    "lang": "TypeScript",
                    "label": "TypeScript",
                    "source": typescript(method.upper(), path, call, exploded),
                },
                {"lang": "Go", "label": "Go", "source": go(op_id, method.upper(), call, op, spec)},
            ]
    return out


def go_check_file(spec: dict[str, Any]) -> str:
    """Every Go sample as a function of one file of package `samples`, for `go vet` to compile."""
    funcs = []
    for k, (op_id, found) in enumerate(sorted(code_samples(spec).items())):
        source = next(x["source"] for x in found if x["lang"] == "Go")
        body = "\n".join("\t" + line for line in source.splitlines() if not line.startswith("//"))
        funcs.append(
            f"// {op_id}\nfunc sample{k}(ctx context.Context) error {{\n{body}\n\t_ = answer\n\treturn err\n}}\n"
        )
    head = (
        "// Code generated by tools/samples.py for a compile check; DO NOT EDIT.\n\npackage samples\n\n"
        'import (\n\t"context"\n\t"os"\n\t"strings"\n\n'
        '\t"github.com/bitget-batch-cancel/bitget-batch-cancel/clients/go/bitget"\n'
        '\t"github.com/bitget-batch-cancel/bitget-batch-cancel/clients/go/bitgetapi"\n)\n\n'
        "var _ = strings.NewReader\n\nfunc ptr[T any](v T) *T { return &v }\n\n"
    )
    return head + "\n".join(funcs)


def typescript_check_file(spec: dict[str, Any]) -> str:
    """Every TypeScript sample as a function of one module, for `tsc` to type-check against the package."""
    out = ['import { createRawClient } from "@bitget-batch-cancel/client";', ""]
    for k, (op_id, found) in enumerate(sorted(code_samples(spec).items())):
        source = next(x["source"] for x in found if x["lang"] == "TypeScript")
        body = [line for line in source.splitlines() if line and not line.startswith("import ")]
        out += [f"// {op_id}", f"export async function sample{k}(): Promise<unknown> {{"]
        out += ["  " + line for line in body] + ["  return data ?? error;", "}", ""]
    return "\n".join(out)
