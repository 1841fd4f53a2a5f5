"""Regenerate `generated/bitget_api` from the contract, or check that it is up to date.

One implementation for `nox -s generate`, `nox -s check_generated` and the tests that prove the
drift check catches a hand edit, so all three agree on what "up to date" means.

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
# Caches are not output: a post hook that forgot --no-cache must not make the check flaky.
IGNORED_PARTS = {"__pycache__", ".ruff_cache", ".mypy_cache"}


def generate(out: Path) -> None:
    """Run the pinned generator into `out` (replaced), failing on any generator warning, then write the
    contract's run-time facts next to it (`facts.py`)."""
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
        str(SPEC),
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
    facts.write_text(facts_module(yaml.safe_load(SPEC.read_text(encoding="utf-8"))), encoding="utf-8")
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
        "",
        "",
    ]
    for name, value in values.items():
        lines.append(f"{name}: Final[{types[name]}] = {value!r}")
    return "\n".join(lines) + "\n"


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


def check(committed: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / PACKAGE
        generate(fresh)
        diff = diff_trees(fresh, committed)
    if diff:
        sys.stdout.writelines(diff)
        print(
            f"\n{committed} differs from what the generator makes from {SPEC.name}.\n"
            "Never edit generated code: change the contract, generator-config.yml or the templates,"
            " then run `nox -s generate` and commit the result.",
            file=sys.stderr,
        )
        return 1
    print(f"{committed} is up to date with {SPEC.relative_to(ROOT)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["generate", "check"])
    parser.add_argument("--generated", type=Path, default=GENERATED, help="the committed package to check")
    args = parser.parse_args(argv)
    if args.command == "generate":
        generate(GENERATED)
        print(f"regenerated {GENERATED.relative_to(ROOT)}")
        return 0
    return check(args.generated)


if __name__ == "__main__":
    sys.exit(main())
