"""Regenerate `generated/bitget_api` from the contract, or check that it is up to date.

One implementation for `nox -s generate`, `nox -s check_generated` and the tests that prove the
drift check catches a hand edit, so all three agree on what "up to date" means.

Also the SDK's per-operation surface (`overlays/bitget_sdk/_surface.py`): every operation's methods on
both clients and their raw twins, from the same contract.

Usage: python tools/regen.py generate | check [--generated DIR]
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "openapi.yaml"
CONFIG = ROOT / "generator-config.yml"
PACKAGE = "bitget_api"
GENERATED = ROOT / "generated" / PACKAGE
# The SDK's per-operation surface (methods of both clients and their raw twins), generated from the
# contract like the package above and drift-checked with it.
SURFACE = ROOT / "overlays" / "bitget_sdk" / "_surface.py"
# Caches are not output: a post hook that forgot --no-cache must not make the check flaky.
IGNORED_PARTS = {"__pycache__", ".ruff_cache", ".mypy_cache"}


def generate(out: Path, spec_path: Path = SPEC) -> None:
    """Run the pinned generator into `out` (replaced), failing on any generator warning, then write the
    contract's run-time facts next to it (`facts.py`). `spec_path`: another contract (tests)."""
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    # The post hooks call `ruff` from PATH: make it the one pinned in this interpreter's environment.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["RUFF_NO_CACHE"] = "true"
    cmd = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(spec_path),
        "--config",
        str(CONFIG),
        "--meta",
        "none",
        "--output-path",
        str(out),
        "--fail-on-warning",
    ]
    templates = _config().get("custom_template_path")
    if templates:
        cmd += ["--custom-template-path", str(ROOT / templates)]
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)
    facts = out / "facts.py"
    facts.write_text(facts_module(yaml.safe_load(spec_path.read_text(encoding="utf-8"))), encoding="utf-8")
    ruff = [sys.executable, "-m", "ruff", "format", "--isolated", "--no-cache", "--quiet", str(facts)]
    subprocess.run(ruff, check=True, env=env, cwd=ROOT)


def _config() -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load(CONFIG.read_text(encoding="utf-8")) or {}
    return config


def _resolve(node: Any, spec: dict[str, Any]) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


_CONSTRAINTS = ("type", "minLength", "maxLength", "minimum", "maximum")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _query_params(op: dict[str, Any], spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Query parameters by their Python name (the generator's snake_case), with name and constraints.

    An object parameter exploded into the query (`style: form, explode: true`, e.g. orderInfo's
    `order`) contributes its properties, each naming the parameter (`object`) and the generated
    model (`model`) that carries it, which is what the generated `build_request` takes.
    """
    out: dict[str, dict[str, Any]] = {}
    for param in op.get("parameters", []):
        ref = param.get("schema", {}).get("$ref", "") if "$ref" not in param else ""
        param = _resolve(param, spec)
        if param["in"] != "query":
            continue
        schema = _resolve(param["schema"], spec)
        if schema.get("type") == "object":
            model = ref.rsplit("/", 1)[-1]
            for name, prop in schema["properties"].items():
                prop = _resolve(prop, spec)
                out[_snake(name)] = {
                    "name": name,
                    "object": _snake(param["name"]),
                    "model": model,
                    **{k: prop[k] for k in _CONSTRAINTS if k in prop},
                }
            continue
        out[_snake(param["name"])] = {"name": param["name"], **{k: schema[k] for k in _CONSTRAINTS if k in schema}}
    return out


def _either(schema: dict[str, Any]) -> list[str]:
    """An object schema's "one of these is required", written as `if: required [a]` / `else: required [b]`."""
    if "if" not in schema or "else" not in schema or "then" in schema:
        return []
    if any(rule != {} for rule in schema["if"].get("properties", {}).values()):
        return []  # the `if` tests a value, not only presence: not a "one of these"
    return [_snake(n) for n in (*schema["if"].get("required", []), *schema["else"].get("required", []))]


def _condition(schema: dict[str, Any]) -> dict[str, Any] | None:
    """ "When a field has this value, these are required, else those": `if: {required: [f], properties:
    {f: {const: v}}}` with `then`/`else` lists of required fields (cancelOrder's tpslType rule)."""
    test = schema.get("if", {})
    consts = {k: v["const"] for k, v in test.get("properties", {}).items() if isinstance(v, dict) and "const" in v}
    if not consts or ("then" not in schema and "else" not in schema):
        return None
    return {
        "if": {_snake(k): v for k, v in consts.items()},
        "then": [_snake(n) for n in schema.get("then", {}).get("required", [])],
        "else": [_snake(n) for n in schema.get("else", {}).get("required", [])],
    }


def _json_types(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, str]:
    """The required properties of an object schema and their JSON types (what a complete `data` holds)."""
    props = schema.get("properties", {})
    out = {}
    for name in schema.get("required", []):
        kind = _resolve(props.get(name, {}), spec).get("type", "any")
        out[name] = kind if isinstance(kind, str) else "any"
    return out


def _call_facts(op: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """How the SDK calls an operation: the generated module (`api.<tag>.<operation>`), the response model,
    what a complete `data` is, and the body's fields with their constraints (snake_case names), its
    required fields, its "one of these" groups (also the query's object parameters'), and whether it
    carries `x-batch-rules` (checked by the SDK's batch validator)."""
    tag = _snake(op["tags"][0]).replace("-", "_")
    ok = _resolve(op["responses"]["200"], spec)["content"]["application/json"]["schema"]
    response = ok["$ref"].rsplit("/", 1)[-1]
    data = _resolve(_resolve(ok, spec)["properties"]["data"], spec)
    data_facts: dict[str, Any] = {"type": data.get("type", "any")}
    if data_facts["type"] == "object":
        data_facts["required"] = _json_types(data, spec)
    either: list[list[str]] = []
    required: list[str] = []
    for param in op.get("parameters", []):
        param = _resolve(param, spec)
        if param["in"] != "query":
            continue
        if _resolve(param["schema"], spec).get("type") == "object":
            group = _either(_resolve(param["schema"], spec))
            if group:
                either.append(group)
        elif param.get("required"):
            required.append(_snake(param["name"]))
    body: dict[str, dict[str, Any]] | None = None
    conditions: list[dict[str, Any]] = []
    batch_rules = False
    if "requestBody" in op:
        schema = _resolve(op["requestBody"]["content"]["application/json"]["schema"], spec)
        body = {}
        for name, prop in schema["properties"].items():
            prop = _resolve(prop, spec)
            rule = {"name": name, **{k: prop[k] for k in _CONSTRAINTS if k in prop}}
            if "enum" in prop:
                rule["enum"] = list(prop["enum"])
            if prop.get("type") == "array":  # a list of plain values: its bounds and each item's rule
                items = _resolve(prop.get("items", {}), spec)
                rule.update({k: prop[k] for k in ("minItems", "maxItems") if k in prop})
                rule["items"] = {k: items[k] for k in _CONSTRAINTS if k in items}
            body[_snake(name)] = rule
        required += [_snake(n) for n in schema.get("required", [])]
        for part in (schema, *schema.get("allOf", [])):
            group = _either(part)
            if group:
                either.append(group)
            condition = _condition(part)
            if condition:
                conditions.append(condition)
        batch_rules = "x-batch-rules" in schema
    return {
        "module": f"{tag}.{_snake(op['operationId'])}",
        "response": response,
        "data": data_facts,
        "body": body,
        "required": required,
        "either": either,
        "conditions": conditions,
        "batch_rules": batch_rules,
    }


def facts_module(spec: dict[str, Any]) -> str:
    """The facts of the contract that code needs at run time, as a Python module (no YAML parser needed).

    Operations (method, path, signed or not, x-rate-limit), the batch size limit, the page size limit,
    enums and the error-code catalogue: the overlay reads these instead of retyping them.
    """
    operations: dict[str, dict[str, Any]] = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            limit = op["x-rate-limit"]
            operations[op["operationId"]] = {
                "method": method.upper(),
                "path": path,
                "signed": op.get("security", spec.get("security")) != [],
                "rate_limit": int(limit["limit"]),
                "rate_window_ms": int(limit["window-ms"]),
                "rate_scope": str(limit["scope"]),
                "query": _query_params(op, spec),
                **_call_facts(op, spec),
            }
    schemas = spec["components"]["schemas"]
    params = spec["components"]["parameters"]
    codes = [
        (str(e["code"]), str(e["category"]), int(e["http-status"])) for e in schemas["ErrorResponse"]["x-error-codes"]
    ]
    values = {
        "CONTRACT_VERSION": spec["info"]["version"],
        "OPERATIONS": operations,
        "BATCH_MAX_ORDERS": int(_resolve(schemas["BatchCancelRequest"], spec)["properties"]["orderList"]["maxItems"]),
        "PAGE_MAX_LIMIT": int(params["PageLimit"]["schema"]["maximum"]),
        "BATCH_MODES": tuple(schemas["BatchMode"]["enum"]),
        "ORDER_STATUSES": tuple(schemas["OrderStatus"]["enum"]),
        "LOCALES": tuple(_resolve(params["Locale"]["schema"], spec)["enum"]),
        "ERROR_CODES": tuple(codes),
        "IP_RATE_LIMIT": {
            "limit": int(spec["x-rate-limit"]["limit"]),
            "window_ms": int(spec["x-rate-limit"]["window-ms"]),
            "penalty_ms": int(spec["x-rate-limit"]["penalty-ms"]),
        },
    }
    types = {
        "CONTRACT_VERSION": "str",
        "OPERATIONS": "dict[str, Operation]",
        "BATCH_MAX_ORDERS": "int",
        "PAGE_MAX_LIMIT": "int",
        "BATCH_MODES": "tuple[str, ...]",
        "ORDER_STATUSES": "tuple[str, ...]",
        "LOCALES": "tuple[str, ...]",
        "ERROR_CODES": "tuple[tuple[str, str, int], ...]",
        "IP_RATE_LIMIT": "dict[str, int]",
    }
    lines = [
        '"""Facts of the contract (openapi/openapi.yaml) that code needs at run time: generated by',
        "tools/regen.py from the contract, drift-checked with the rest of this package; never edit.",
        "",
        "ERROR_CODES: (code, category, HTTP status) from `x-error-codes`. IP_RATE_LIMIT: the overall per-IP cap",
        "(the document's own `x-rate-limit`): limit per window_ms, then 429 to everything for penalty_ms.",
        '"""',
        "",
        "from typing import Any, Final, TypedDict",
        "",
        "",
        "class Operation(TypedDict):",
        "    method: str",
        "    path: str",
        "    signed: bool",
        "    rate_limit: int",
        "    rate_window_ms: int",
        "    rate_scope: str",
        "    query: dict[str, dict[str, Any]]",
        "    module: str",
        "    response: str",
        "    data: dict[str, Any]",
        "    body: dict[str, dict[str, Any]] | None",
        "    required: list[str]",
        "    either: list[list[str]]",
        "    conditions: list[dict[str, Any]]",
        "    batch_rules: bool",
        "",
        "",
    ]
    for name, value in values.items():
        lines.append(f"{name}: Final[{types[name]}] = {value!r}")
    return "\n".join(lines) + "\n"


_PY_TYPES = {"string": "str", "integer": "int", "boolean": "bool", "number": "float"}


def _py_type(schema: dict[str, Any], spec: dict[str, Any], models: set[str]) -> str:
    """A parameter's Python type, as the SDK takes it: enums as Literal, arrays of models as sequences of
    the model or its JSON mapping."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        target = _resolve(schema, spec)
        if "enum" in target:
            return "Literal[" + ", ".join(repr(v) for v in target["enum"]) + "]"
        models.add(name)
        return f"{name} | Mapping[str, Any]"
    if "enum" in schema:
        return "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]"
    if schema.get("type") == "array":
        return f"Sequence[{_py_type(schema.get('items', {}), spec, models)}]"
    kind = schema.get("type")
    return _PY_TYPES.get(kind, "Any") if isinstance(kind, str) else "Any"


def _arguments(op: dict[str, Any], spec: dict[str, Any], models: set[str]) -> list[tuple[str, str, bool]]:
    """(python name, type, required) of an operation's arguments: its query parameters (an exploded
    object parameter's properties one by one), then its JSON body's properties; header parameters are
    the client's (locale, demo trading)."""
    out: list[tuple[str, str, bool]] = []
    for param in op.get("parameters", []):
        param = _resolve(param, spec)
        if param["in"] != "query":
            continue
        schema = _resolve(param["schema"], spec)
        if schema.get("type") == "object":
            out += [(_snake(n), _py_type(p, spec, models), False) for n, p in schema["properties"].items()]
        else:
            out.append((_snake(param["name"]), _py_type(param["schema"], spec, models), bool(param.get("required"))))
    if "requestBody" in op:
        schema = _resolve(op["requestBody"]["content"]["application/json"]["schema"], spec)
        need = set(schema.get("required", []))
        out += [(_snake(n), _py_type(p, spec, models), n in need) for n, p in schema["properties"].items()]
    return sorted(out, key=lambda a: not a[2])  # required first (all keyword-only)


def _doc(op: dict[str, Any], method: str, path: str, indent: str) -> str:
    """The method's docstring: the operation's summary, its method, path and rate limit, and the first
    paragraph of its description, from the contract."""
    limit = op["x-rate-limit"]
    per = f"{limit['limit']} per {int(limit['window-ms']) / 1000:g} s per {str(limit['scope']).upper()}"
    first = op.get("description", "").strip().split("\n\n")[0].replace("\n", " ")
    lines, line = [], f"`{method} {path}` ({per})."
    for word in first.split():
        if len(line) + len(word) + 1 > 110 - len(indent):
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}"
    lines.append(line)
    body = "\n".join(indent + x for x in lines)
    return f'{indent}"""{op["summary"].rstrip(".")}.\n\n{body}\n{indent}"""'


def surface_module(spec: dict[str, Any]) -> str:
    """`_surface.py`: every operation of the contract as a method of `BitgetClient` and
    `AsyncBitgetClient` and of their `with_raw_response`, each checking its arguments against the
    contract (through the core's `_op`) before any I/O."""
    models: set[str] = set()
    ops = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            response = _resolve(op["responses"]["200"], spec)["content"]["application/json"]["schema"]
            returns = response["$ref"].rsplit("/", 1)[-1]
            models.add(returns)
            ops.append((op, method.upper(), path, returns, _arguments(op, spec, models)))
    ops.sort(key=lambda o: o[0]["operationId"])

    def methods(kind: str) -> list[str]:
        is_async = kind.startswith("async")
        raw = kind.endswith("raw")
        out = []
        for op, method, path, returns, args in ops:
            name = _snake(op["operationId"])
            params = ["self", "*"] if args else ["self"]
            params += [f"{a}: {t}" if req else f"{a}: {t} | None = None" for a, t, req in args]
            params.append("**options: Unpack[RequestOptions]")
            result = f"RawResponse[{returns}]" if raw else returns
            head = "async def" if is_async else "def"
            call = "self._client._op" if raw else "self._op"
            flag = ", raw=True" if raw else ""
            await_ = "await " if is_async else ""
            given = "{" + ", ".join(f'"{a}": {a}' for a, _, _ in args) + "}"
            out.append(f"    {head} {name}(" + ", ".join(params) + f") -> {result}:")
            out.append(_doc(op, method, path, "        "))
            out.append(f'        result: {result} = {await_}{call}("{op["operationId"]}", options, {given}{flag})')
            out.append("        return result")
            out.append("")
        return out

    lines = [
        '"""The contract\'s operations as methods: generated by tools/regen.py from openapi/openapi.yaml',
        "(`nox -s generate`), drift-checked with generated/; never edit.",
        "",
        "One method per operation on each client (`Operations`, `AsyncOperations`) and on each",
        "`with_raw_response` (`RawOperations`, `AsyncRawOperations`): snake_case keyword arguments for the",
        "query parameters and body fields, checked against the contract by the core's `_op` before any I/O,",
        "and the generated response model back. Adding an operation to the contract adds it here.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Mapping, Sequence",
        "from typing import TYPE_CHECKING, Any, Literal, Unpack",
        "",
        "from ._core.params import RequestOptions",
        "from ._core.raw import RawResponse",
        "",
        "if TYPE_CHECKING:  # annotations only: the models are imported when an answer is parsed",
        "    from bitget_api.models import " + ", ".join(sorted(models)),
        "    from ._async.client import AsyncBitgetClient",
        "    from ._sync.client import BitgetClient",
        "",
        "",
        "class Operations:",
        '    """The contract\'s operations on `BitgetClient`."""',
        "",
        "    def _op(",
        "        self, operation_id: str, given: Mapping[str, Any], args: dict[str, Any], raw: bool = False",
        "    ) -> Any:",
        "        raise NotImplementedError",
        "",
        *methods("sync"),
        "",
        "class AsyncOperations:",
        '    """The contract\'s operations on `AsyncBitgetClient`."""',
        "",
        "    async def _op(",
        "        self, operation_id: str, given: Mapping[str, Any], args: dict[str, Any], raw: bool = False",
        "    ) -> Any:",
        "        raise NotImplementedError",
        "",
        *methods("async"),
        "",
        "class RawOperations:",
        '    """`BitgetClient.with_raw_response`: every operation, answered as a `RawResponse`."""',
        "",
        "    def __init__(self, client: BitgetClient) -> None:",
        "        self._client = client",
        "",
        *methods("sync raw"),
        "",
        "class AsyncRawOperations:",
        '    """`AsyncBitgetClient.with_raw_response`: see `RawOperations`."""',
        "",
        "    def __init__(self, client: AsyncBitgetClient) -> None:",
        "        self._client = client",
        "",
        *methods("async raw"),
    ]
    return "\n".join(lines).rstrip() + "\n"


def write_surface(spec: dict[str, Any], out: Path) -> None:
    out.write_text(surface_module(spec), encoding="utf-8")
    env = {**os.environ, "RUFF_NO_CACHE": "true"}
    for cmd in (["check", "--fix-only", "--quiet"], ["format", "--quiet"]):
        subprocess.run([sys.executable, "-m", "ruff", *cmd, "--no-cache", str(out)], check=True, env=env, cwd=ROOT)


def _files(tree: Path) -> dict[str, Path]:
    return {
        p.relative_to(tree).as_posix(): p
        for p in sorted(tree.rglob("*"))
        if p.is_file() and not IGNORED_PARTS.intersection(p.relative_to(tree).parts)
    }


def diff_trees(expected: Path, actual: Path) -> list[str]:
    """A readable unified diff of `actual` against `expected`; empty when byte-identical."""
    want, have = _files(expected), _files(actual)
    out: list[str] = []
    for name in sorted(want.keys() | have.keys()):
        if name not in have:
            out.append(f"missing from {actual}: {name}\n")
            continue
        if name not in want:
            out.append(f"not produced by the generator (stray file): {name}\n")
            continue
        a, b = want[name].read_bytes(), have[name].read_bytes()
        if a == b:
            continue
        try:
            lines = list(
                difflib.unified_diff(
                    a.decode().splitlines(keepends=True),
                    b.decode().splitlines(keepends=True),
                    fromfile=f"regenerated/{name}",
                    tofile=f"committed/{name}",
                )
            )
        except UnicodeDecodeError:
            lines = []
        out.extend(line if line.endswith("\n") else line + "\n" for line in lines)
        if not lines:
            out.append(f"byte difference (encoding or line endings): {name}\n")
    return out


def check(committed: Path, surface: Path = SURFACE) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / PACKAGE
        generate(fresh)
        diff = diff_trees(fresh, committed)
        fresh_surface = Path(tmp) / "surface" / surface.name
        fresh_surface.parent.mkdir()
        write_surface(yaml.safe_load(SPEC.read_text(encoding="utf-8")), fresh_surface)
        diff += diff_trees(fresh_surface.parent, _alone(surface, Path(tmp) / "committed-surface"))
    if diff:
        sys.stdout.writelines(diff)
        print(
            f"\n{committed} differs from what the generator makes from {SPEC.name}.\n"
            "Never edit generated code: change the contract, generator-config.yml or the templates,"
            " then run `nox -s generate` and commit the result.",
            file=sys.stderr,
        )
        return 1
    print(f"{committed} and {surface.relative_to(ROOT)} are up to date with {SPEC.relative_to(ROOT)}")
    return 0


def _alone(file: Path, folder: Path) -> Path:
    """A folder holding only a copy of `file` (or nothing, if it is missing), to diff like a tree."""
    folder.mkdir()
    if file.exists():
        shutil.copyfile(file, folder / file.name)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["generate", "check"])
    parser.add_argument("--generated", type=Path, default=GENERATED, help="the committed package to check")
    args = parser.parse_args(argv)
    if args.command == "generate":
        generate(GENERATED)
        write_surface(yaml.safe_load(SPEC.read_text(encoding="utf-8")), SURFACE)
        print(f"regenerated {GENERATED.relative_to(ROOT)} and {SURFACE.relative_to(ROOT)}")
        return 0
    return check(args.generated)


if __name__ == "__main__":
    sys.exit(main())
