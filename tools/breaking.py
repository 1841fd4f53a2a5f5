"""Breaking-change check of the contract against a git ref (`nox -s breaking -- REF`).

oasdiff, the usual tool, is a Go binary that cannot be installed here; this is a focused
comparison over the resolved schemas of what breaks a generated client or its users:

* removed operation, changed operationId, removed or newly required parameter, narrowed parameter enum
* request body: new required field, removed field, narrowed type or enum, tighter limit
  (maxItems, maxLength, maximum down; minItems, minLength, minimum up; new pattern),
  additionalProperties closed, cross-field rules (if/then/else, anyOf, oneOf, not) changed
* responses: removed or renamed field, field no longer required, widened type, enum gained a value
* a lower `x-rate-limit`

Safe changes (new optional request field, new response field, new operation, wider request
enum, looser limit, prose) are listed but do not fail. Usage:
  python tools/breaking.py [REF]           compare openapi/openapi.yaml with REF (default: last tag, else HEAD~1)
  python tools/breaking.py --old A --new B compare two files
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = "openapi/openapi.yaml"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
TIGHTER_IF_LOWER = ("maxItems", "maxLength", "maximum", "exclusiveMaximum", "maxProperties")
TIGHTER_IF_HIGHER = ("minItems", "minLength", "minimum", "exclusiveMinimum", "minProperties")
RULE_KEYWORDS = ("if", "then", "else", "anyOf", "oneOf", "not", "dependentRequired", "dependentSchemas")
RULE_MARK = "cross-field rule"
MAX_CANDIDATES = 20_000


@dataclass(frozen=True)
class Change:
    breaking: bool
    where: str
    message: str

    def __str__(self) -> str:
        return f"{'BREAKING' if self.breaking else 'safe    '}  {self.where}: {self.message}"


def resolve(node: Any, root: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """Inline local $refs (a cycle is left as its $ref)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            if ref in seen:
                return node
            target: Any = root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return resolve(target, root, (*seen, ref))
        return {k: resolve(v, root, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, root, seen) for v in node]
    return node


def _types(schema: dict[str, Any]) -> set[str]:
    t = schema.get("type")
    if t is None:
        return set()
    types = {t} if isinstance(t, str) else set(t)
    return types


def _strip_prose(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _strip_prose(v)
            for k, v in node.items()
            if k not in ("description", "summary", "examples", "example", "title")
        }
    if isinstance(node, list):
        return [_strip_prose(v) for v in node]
    return node


def compare_schema(old: Any, new: Any, where: str, direction: str, out: list[Change]) -> None:
    """direction: 'request' (what clients send) or 'response' (what clients read)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return
    old_t, new_t = _types(old), _types(new)
    if old_t and new_t and old_t != new_t:
        if direction == "request" and not old_t <= new_t:
            out.append(Change(True, where, f"type narrowed from {sorted(old_t)} to {sorted(new_t)}"))
        elif direction == "response" and not new_t <= old_t:
            out.append(Change(True, where, f"type widened from {sorted(old_t)} to {sorted(new_t)}"))
        else:
            out.append(Change(False, where, f"type {sorted(old_t)} -> {sorted(new_t)}"))
    if "enum" in old or "enum" in new:
        old_e, new_e = set(map(repr, old.get("enum", []))), set(map(repr, new.get("enum", [])))
        if direction == "request" and "enum" in new and (old_e - new_e or "enum" not in old):
            out.append(Change(True, where, f"enum narrowed: {sorted(old_e - new_e) or 'now restricted'}"))
        elif direction == "response" and "enum" in old and (new_e - old_e or "enum" not in new):
            out.append(Change(True, where, f"response enum gained values: {sorted(new_e - old_e) or 'unrestricted'}"))
        elif old_e != new_e:
            out.append(Change(False, where, f"enum {sorted(old_e)} -> {sorted(new_e)}"))
    if direction == "request":
        for key in TIGHTER_IF_LOWER:
            if key in new and (key not in old or new[key] < old[key]):
                out.append(Change(True, where, f"{key} tightened: {old.get(key, 'none')} -> {new[key]}"))
            elif key in old and (key not in new or new[key] > old[key]):
                out.append(Change(False, where, f"{key} loosened: {old[key]} -> {new.get(key, 'none')}"))
        for key in TIGHTER_IF_HIGHER:
            if key in new and (key not in old or new[key] > old[key]):
                out.append(Change(True, where, f"{key} tightened: {old.get(key, 'none')} -> {new[key]}"))
            elif key in old and (key not in new or new[key] < old[key]):
                out.append(Change(False, where, f"{key} loosened: {old[key]} -> {new.get(key, 'none')}"))
        if new.get("pattern") != old.get("pattern") and "pattern" in new:
            out.append(Change(True, where, f"pattern changed to {new['pattern']!r}"))
        if old.get("additionalProperties", True) is not False and new.get("additionalProperties", True) is False:
            out.append(Change(True, where, "additionalProperties closed: extra fields now rejected"))
        changed = [key for key in RULE_KEYWORDS if _strip_prose(old.get(key)) != _strip_prose(new.get(key))]
        if changed:
            out.append(Change(True, where, f"{RULE_MARK} {', '.join(f'`{k}`' for k in changed)} changed"))
    old_p, new_p = old.get("properties", {}), new.get("properties", {})
    old_r, new_r = set(old.get("required", [])), set(new.get("required", []))
    for name in sorted(old_p.keys() | new_p.keys()):
        path = f"{where}.{name}"
        if name not in new_p:
            out.append(Change(True, path, f"{direction} field removed or renamed"))
        elif name not in old_p:
            if direction == "request" and name in new_r:
                out.append(Change(True, path, "new required request field"))
            else:
                out.append(
                    Change(
                        False,
                        path,
                        f"new optional {direction} field" if direction == "request" else "new response field",
                    )
                )
        else:
            compare_schema(old_p[name], new_p[name], path, direction, out)
    if direction == "request":
        for name in sorted((new_r - old_r) & old_p.keys()):
            out.append(Change(True, f"{where}.{name}", "request field became required"))
    else:
        for name in sorted((old_r - new_r) & new_p.keys()):
            out.append(Change(True, f"{where}.{name}", "response field no longer required (may be absent)"))
    if "items" in old or "items" in new:
        compare_schema(old.get("items", {}), new.get("items", {}), f"{where}[]", direction, out)


def _strings_and_enums(schema: Any) -> list[Any]:
    """Values worth trying: every enum value in the schema, and strings of the lengths limits care about."""
    values: list[Any] = ["", "X", "XY", "XYZ", "X" * 10, "X" * 64, 0, None, True]
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            values.extend(v for v in node.get("enum", []) if v not in values)
            if "const" in node and node["const"] not in values:
                values.append(node["const"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return values


def _property_names(schema: Any) -> list[str]:
    names: list[str] = []
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            names.extend(k for k in node.get("properties", {}) if k not in names)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return names


def _mutations(value: Any, values: list[Any], names: list[str]) -> Any:
    """Every instance one edit away from `value`: drop, add or change a key, or resize an array (recursively)."""
    if isinstance(value, dict):
        for key in value:
            yield {k: v for k, v in value.items() if k != key}
            for v in values:
                yield {**value, key: v}
            for inner in _mutations(value[key], values, names):
                yield {**value, key: inner}
        for name in names:
            if name not in value:
                for v in values:
                    yield {**value, name: v}
    elif isinstance(value, list) and value:
        yield value[:1]
        yield value + value[-1:]
        yield (value * (50 // len(value) + 1))[:50]
        for i, item in enumerate(value[:3]):
            for inner in _mutations(item, values, names):
                yield [*value[:i], inner, *value[i + 1 :]]


def find_witness(old_schema: Any, new_schema: Any, examples: list[Any]) -> tuple[Any, int]:
    """An instance the old schema accepts and the new rejects (or None), and how many were tried.

    Candidates are the examples and every instance one or two edits away from them, using the
    schemas' own property names, enum values and boundary-length strings.
    """
    from jsonschema import Draft202012Validator

    old_v, new_v = Draft202012Validator(old_schema), Draft202012Validator(new_schema)
    values = _strings_and_enums(old_schema)
    values += [v for v in _strings_and_enums(new_schema) if v not in values]
    names = list(dict.fromkeys(_property_names(old_schema) + _property_names(new_schema)))
    tried = 0
    seen: set[str] = set()
    frontier = list(examples)
    for depth in range(3):
        next_frontier = []
        for base in frontier:
            for candidate in [base] if depth == 0 else _mutations(base, values, names):
                key = json.dumps(candidate, sort_keys=True, default=str)
                if key in seen:
                    continue
                seen.add(key)
                tried += 1
                if old_v.is_valid(candidate):
                    if not new_v.is_valid(candidate):
                        return candidate, tried
                    next_frontier.append(candidate)
                if tried >= MAX_CANDIDATES:
                    return None, tried
        frontier = next_frontier if depth else list(examples)
    return None, tried


def settle_rules(rules: list[Change], old_schema: Any, new_schema: Any, examples: list[Any]) -> list[Change]:
    """A changed cross-field rule is breaking if something the old contract accepted is now rejected."""
    witness, tried = find_witness(old_schema, new_schema, examples)
    where = ", ".join(sorted({c.where for c in rules}))
    if witness is not None:
        return [
            Change(
                True, where, f"cross-field rules now reject a request the old contract accepted: {json.dumps(witness)}"
            )
        ]
    return [
        Change(
            False, where, f"cross-field rules rewritten; none of {tried} requests near the examples is newly rejected"
        )
    ]


def _params(op: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(p["in"], p["name"]): p for p in op.get("parameters", [])}


def compare(old_spec: dict[str, Any], new_spec: dict[str, Any]) -> list[Change]:
    old_spec, new_spec = resolve(old_spec, old_spec), resolve(new_spec, new_spec)
    out: list[Change] = []
    old_paths, new_paths = old_spec.get("paths", {}), new_spec.get("paths", {})
    for path in sorted(old_paths.keys() | new_paths.keys()):
        for method in METHODS:
            old_op = old_paths.get(path, {}).get(method)
            new_op = new_paths.get(path, {}).get(method)
            where = f"{method.upper()} {path}"
            if old_op is None and new_op is None:
                continue
            if new_op is None:
                out.append(Change(True, where, "operation removed"))
                continue
            if old_op is None:
                out.append(Change(False, where, "new operation"))
                continue
            if old_op.get("operationId") != new_op.get("operationId"):
                out.append(
                    Change(True, where, f"operationId {old_op.get('operationId')} -> {new_op.get('operationId')}")
                )
            compare_operation(old_op, new_op, where, out)
    old_limit = _rate_limit(old_spec)
    new_limit = _rate_limit(new_spec)
    for key in old_limit.keys() | new_limit.keys():
        o, n = old_limit.get(key), new_limit.get(key)
        if o is not None and n is not None and n < o:
            out.append(Change(True, key, f"x-rate-limit lowered from {o} to {n}"))
    return out


def _rate_limit(spec: dict[str, Any]) -> dict[str, int]:
    return {
        f"{m.upper()} {p} x-rate-limit": op["x-rate-limit"]["limit"]
        for p, item in spec.get("paths", {}).items()
        for m, op in item.items()
        if isinstance(op, dict) and "x-rate-limit" in op
    }


def compare_operation(old_op: dict[str, Any], new_op: dict[str, Any], where: str, out: list[Change]) -> None:
    old_params, new_params = _params(old_op), _params(new_op)
    for key in sorted(old_params.keys() | new_params.keys()):
        pw = f"{where} {key[0]} parameter {key[1]}"
        if key not in new_params:
            out.append(Change(True, pw, "parameter removed"))
        elif key not in old_params:
            out.append(Change(new_params[key].get("required", False), pw, "new parameter"))
        else:
            if new_params[key].get("required") and not old_params[key].get("required"):
                out.append(Change(True, pw, "parameter became required"))
            compare_schema(old_params[key].get("schema", {}), new_params[key].get("schema", {}), pw, "request", out)
    old_body = old_op.get("requestBody", {}).get("content", {})
    new_body = new_op.get("requestBody", {}).get("content", {})
    for ctype in sorted(old_body.keys() | new_body.keys()):
        bw = f"{where} request {ctype}"
        if ctype not in new_body:
            out.append(Change(True, bw, "request content type removed"))
        elif ctype in old_body:
            old_schema, new_schema = old_body[ctype].get("schema", {}), new_body[ctype].get("schema", {})
            found: list[Change] = []
            compare_schema(old_schema, new_schema, f"{bw} body", "request", found)
            rules = [c for c in found if RULE_MARK in c.message]
            if rules:
                examples = [e["value"] for e in old_body[ctype].get("examples", {}).values() if "value" in e]
                found = [c for c in found if c not in rules] + settle_rules(rules, old_schema, new_schema, examples)
            out.extend(found)
    old_sec = {tuple(sorted(r)) for r in old_op.get("security", [])}
    new_sec = {tuple(sorted(r)) for r in new_op.get("security", [])}
    if new_sec - old_sec and old_sec:
        out.append(Change(True, where, f"security requirements changed: {sorted(new_sec - old_sec)}"))
    old_resp, new_resp = old_op.get("responses", {}), new_op.get("responses", {})
    for status in sorted(old_resp.keys() & new_resp.keys()):
        old_c, new_c = old_resp[status].get("content", {}), new_resp[status].get("content", {})
        for ctype in sorted(old_c.keys() & new_c.keys()):
            rw = f"{where} response {status}"
            compare_schema(old_c[ctype].get("schema", {}), new_c[ctype].get("schema", {}), rw, "response", out)
    for status in sorted(new_resp.keys() - old_resp.keys()):
        out.append(Change(False, f"{where} response {status}", "new response status documented"))


def _git(*args: str) -> str | None:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return result.stdout if result.returncode == 0 else None


def default_base() -> str:
    tag = _git("describe", "--tags", "--abbrev=0")
    return tag.strip() if tag else "HEAD~1"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fail on breaking changes to the contract.")
    parser.add_argument("ref", nargs="?", help="git ref to compare with (default: last tag, else HEAD~1)")
    parser.add_argument("--old", type=Path, help="old contract file (instead of a git ref)")
    parser.add_argument("--new", type=Path, default=ROOT / SPEC, help="new contract file (default: the working tree's)")
    args = parser.parse_args(argv)
    if args.old is not None:
        old_text, label = args.old.read_text(encoding="utf-8"), str(args.old)
    else:
        ref = args.ref or default_base()
        text = _git("show", f"{ref}:{SPEC}")
        if text is None:
            print(f"breaking: {SPEC} does not exist at {ref!r} (or the ref is unknown); nothing to compare")
            return 0 if _git("rev-parse", "--verify", "--quiet", ref) else 2
        old_text, label = text, ref
    changes = compare(yaml.safe_load(old_text), yaml.safe_load(args.new.read_text(encoding="utf-8")))
    breaking = [c for c in changes if c.breaking]
    print(f"contract changes against {label}: {len(breaking)} breaking, {len(changes) - len(breaking)} safe")
    for change in sorted(changes, key=lambda c: (not c.breaking, c.where)):
        print(f"  {change}")
    return 1 if breaking else 0


if __name__ == "__main__":
    sys.exit(main())
