"""Breaking-change check of the contract against its committed baseline (`nox -s breaking`).

Two differs, and the union of what they call breaking:

* oasdiff (pinned `OASDIFF_VERSION`, a Go tool installed from the Go module proxy into `.tools/bin`
  on first use), the maintained differ: security scheme and header renames, `allOf`/`const`
  additions, nullable responses, limits, enums, parameters, ... Its findings inside cross-field rules
  (`if`/`then`/`else`, `anyOf`, `oneOf`, `not`) are settled by the witness search below instead:
  a rule rewritten without rejecting any request the old contract accepted is not a break.
* our own comparison over the resolved schemas (`allOf` merged), for what oasdiff does not know or
  does not call breaking: operationId renamed, response field removed, cross-field rules (a witness
  search: a request the old contract accepts and the new rejects), a request field's `default`
  changed, `const` added, any change to a header parameter, security requirements and schemes,
  a documented response removed (e.g. the 429), our extensions (`x-signing` changed at all, a lower
  `x-rate-limit`, an `x-error-codes` entry removed or re-classified).

Safe changes (new optional request field, new response field, new operation, wider request enum,
looser limit, prose) are listed but do not fail. The baseline is the newest committed release of the
contract, `openapi/baseline/openapi-<version>.yaml` (never HEAD~1): a break fails unless the contract's
major version is above the baseline's (an intended break); `--move-baseline` records the contract as
the new baseline at a release. Usage:
  python tools/breaking.py                 compare openapi/openapi.yaml with the baseline
  python tools/breaking.py REF             compare with the contract at a git ref instead
  python tools/breaking.py --old A --new B compare two files
  python tools/breaking.py --move-baseline copy the contract to openapi/baseline/ (at a release)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
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
OASDIFF_MODULE = "github.com/oasdiff/oasdiff"
OASDIFF_VERSION = "v1.36.0"
TOOLS_BIN = ROOT / ".tools" / "bin"
BASELINE_DIR = ROOT / "openapi" / "baseline"
# A property path through one of these is inside a cross-field rule (oasdiff writes `a/if/b`).
_RULE_PATH = re.compile(r"(^|/)(if|then|else|not|anyOf|oneOf|dependentSchemas)(/|$)")


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


def merge_all_of(node: Any) -> Any:
    """`allOf` of object schemas merged into one (properties joined, `required` united), recursively, so
    that a field moved into an `allOf` member is compared as the field it is."""
    if isinstance(node, list):
        return [merge_all_of(v) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: merge_all_of(v) for k, v in node.items()}
    members = node.get("allOf")
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        return node
    merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
    for member in members:
        for key, value in member.items():
            if key == "properties":
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required":
                merged["required"] = list(dict.fromkeys([*merged.get("required", []), *value]))
            else:
                merged.setdefault(key, value)
    return merged


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
        if ("default" in old or "default" in new) and old.get("default") != new.get("default"):
            out.append(
                Change(
                    True,
                    where,
                    f"default changed: {old.get('default', 'none')!r} -> {new.get('default', 'none')!r} "
                    "(a client that omits the field now gets another behaviour)",
                )
            )
        if "const" in new and ("const" not in old or old["const"] != new["const"]):
            out.append(Change(True, where, f"const {new['const']!r} added: every other value is now rejected"))
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


def compare(old_spec: dict[str, Any], new_spec: dict[str, Any], *, use_oasdiff: bool = True) -> list[Change]:
    """Every change between two contracts, breaking or safe: ours, and oasdiff's (see the module doc)."""
    ours = compare_own(old_spec, new_spec)
    if not use_oasdiff:
        return ours
    return ours + oasdiff_changes(run_oasdiff(old_spec, new_spec), ours)


def compare_own(old_spec: dict[str, Any], new_spec: dict[str, Any]) -> list[Change]:
    raw_old, raw_new = old_spec, new_spec
    old_spec = merge_all_of(resolve(old_spec, old_spec))
    new_spec = merge_all_of(resolve(new_spec, new_spec))
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
    out += compare_extensions(raw_old, raw_new)
    return out


def _error_codes(node: Any) -> dict[str, tuple[Any, Any]]:
    """Every `x-error-codes` entry in the contract: code -> (category, http-status)."""
    found: dict[str, tuple[Any, Any]] = {}
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for entry in item.get("x-error-codes", []) if isinstance(item.get("x-error-codes"), list) else []:
                if isinstance(entry, dict) and "code" in entry:
                    found[str(entry["code"])] = (entry.get("category"), entry.get("http-status"))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


SCHEME_KEYS = ("type", "in", "name", "scheme", "bearerFormat")


def compare_extensions(old_spec: dict[str, Any], new_spec: dict[str, Any]) -> list[Change]:
    """What the contract says beyond schemas, that every generated client and signer depends on."""
    out: list[Change] = []
    if old_spec.get("x-signing") != new_spec.get("x-signing"):
        out.append(Change(True, "x-signing", "signing rules changed: every client's signer must change with them"))
    old_codes, new_codes = _error_codes(old_spec), _error_codes(new_spec)
    for code in sorted(old_codes.keys() - new_codes.keys()):
        out.append(
            Change(True, f"x-error-codes {code}", "error code no longer documented (clients map codes to errors)")
        )
    for code in sorted(old_codes.keys() & new_codes.keys()):
        if old_codes[code] != new_codes[code]:
            out.append(
                Change(True, f"x-error-codes {code}", f"category/http-status {old_codes[code]} -> {new_codes[code]}")
            )
    for code in sorted(new_codes.keys() - old_codes.keys()):
        out.append(Change(False, f"x-error-codes {code}", "new error code documented"))
    old_schemes = old_spec.get("components", {}).get("securitySchemes", {})
    new_schemes = new_spec.get("components", {}).get("securitySchemes", {})
    for name in sorted(old_schemes):
        if name not in new_schemes:
            out.append(Change(True, f"securitySchemes {name}", "security scheme removed"))
            continue
        before = {k: old_schemes[name].get(k) for k in SCHEME_KEYS}
        after = {k: new_schemes[name].get(k) for k in SCHEME_KEYS}
        if before != after:
            changed = {k: f"{before[k]} -> {after[k]}" for k in SCHEME_KEYS if before[k] != after[k]}
            out.append(Change(True, f"securitySchemes {name}", f"security scheme changed: {changed}"))
    old_global = {tuple(sorted(r)) for r in old_spec.get("security", [])}
    new_global = {tuple(sorted(r)) for r in new_spec.get("security", [])}
    if old_global != new_global:
        out.append(
            Change(True, "security", f"global security requirements {sorted(old_global)} -> {sorted(new_global)}")
        )
    return out


def oasdiff_bin() -> str:
    """The pinned oasdiff: $OASDIFF, or .tools/bin/oasdiff, installed with `go install` when missing."""
    given = os.environ.get("OASDIFF")
    if given:
        return given
    binary, stamp = TOOLS_BIN / "oasdiff", TOOLS_BIN / "oasdiff.version"
    if binary.exists() and stamp.exists() and stamp.read_text().strip() == OASDIFF_VERSION:
        return str(binary)
    go = shutil.which("go")
    if go is None:
        raise SystemExit(f"breaking: oasdiff {OASDIFF_VERSION} is needed, and Go (to install it) is not on PATH")
    TOOLS_BIN.mkdir(parents=True, exist_ok=True)
    print(f"+ go install {OASDIFF_MODULE}@{OASDIFF_VERSION} (into {TOOLS_BIN})", file=sys.stderr, flush=True)
    env = {**os.environ, "GOBIN": str(TOOLS_BIN), "GOFLAGS": "-mod=mod"}
    subprocess.run([go, "install", f"{OASDIFF_MODULE}@{OASDIFF_VERSION}"], env=env, check=True)
    stamp.write_text(OASDIFF_VERSION)
    return str(binary)


def run_oasdiff(old_spec: dict[str, Any], new_spec: dict[str, Any]) -> list[dict[str, Any]]:
    """oasdiff's breaking-change findings (`oasdiff breaking --format json`) for two contracts."""
    with tempfile.TemporaryDirectory() as tmp:
        old_file, new_file = Path(tmp) / "base.json", Path(tmp) / "revision.json"
        old_file.write_text(json.dumps(old_spec))
        new_file.write_text(json.dumps(new_spec))
        result = subprocess.run(
            [oasdiff_bin(), "breaking", str(old_file), str(new_file), "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"oasdiff failed ({result.returncode}): {result.stderr.strip()[:500]}")
    items: list[dict[str, Any]] = json.loads(result.stdout or "[]") or []
    return items


def oasdiff_changes(items: list[dict[str, Any]], ours: list[Change]) -> list[Change]:
    """oasdiff's findings as changes: errors break, warnings are listed. A finding inside a cross-field
    rule is settled by our witness search when it ran on that operation and found nothing newly rejected."""
    out: list[Change] = []
    for item in items:
        where = f"{item.get('operation', '')} {item.get('path', '')}".strip() or str(item.get("section", "spec"))
        text = f"[oasdiff {item.get('id')}] {item.get('text', '')}"
        if int(item.get("level", 1)) < 3:
            out.append(Change(False, where, f"warning: {text}"))
            continue
        paths = re.findall(r"`([^`]*)`", str(item.get("text", "")))
        if paths and _RULE_PATH.search(paths[0]):
            settled = any(
                not c.breaking and c.where.startswith(where + " ") and "cross-field rules rewritten" in c.message
                for c in ours
            )
            if settled:
                out.append(Change(False, where, f"{text}: inside a cross-field rule, and no request is newly rejected"))
                continue
        out.append(Change(True, where, text))
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
            if key[0] == "header" and _strip_prose(old_params[key]) != _strip_prose(new_params[key]):
                out.append(Change(True, pw, "header parameter changed (headers are signed and sent by every client)"))
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
    if new_sec != old_sec:
        out.append(Change(True, where, f"security requirements changed: {sorted(old_sec)} -> {sorted(new_sec)}"))
    old_resp, new_resp = old_op.get("responses", {}), new_op.get("responses", {})
    for status in sorted(old_resp.keys() & new_resp.keys()):
        old_c, new_c = old_resp[status].get("content", {}), new_resp[status].get("content", {})
        for ctype in sorted(old_c.keys() & new_c.keys()):
            rw = f"{where} response {status}"
            compare_schema(old_c[ctype].get("schema", {}), new_c[ctype].get("schema", {}), rw, "response", out)
    for status in sorted(new_resp.keys() - old_resp.keys()):
        out.append(Change(False, f"{where} response {status}", "new response status documented"))
    for status in sorted(old_resp.keys() - new_resp.keys()):
        out.append(Change(True, f"{where} response {status}", "documented response removed (clients handle it)"))


def _git(*args: str) -> str | None:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return result.stdout if result.returncode == 0 else None


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def baselines() -> list[Path]:
    """The committed release contracts, oldest first."""
    return sorted(BASELINE_DIR.glob("openapi-*.yaml"), key=lambda p: _version(p.stem))


def move_baseline(spec_path: Path) -> Path:
    """Record the contract as the baseline of its version (at a release)."""
    version = str(yaml.safe_load(spec_path.read_text(encoding="utf-8"))["info"]["version"])
    BASELINE_DIR.mkdir(parents=True, exist_ok=True)
    target = BASELINE_DIR / f"openapi-{version}.yaml"
    shutil.copyfile(spec_path, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fail on breaking changes to the contract.")
    parser.add_argument("ref", nargs="?", help="a git ref to compare with instead of the committed baseline")
    parser.add_argument("--old", type=Path, help="old contract file (instead of the baseline)")
    parser.add_argument("--new", type=Path, default=ROOT / SPEC, help="new contract file (default: the working tree's)")
    parser.add_argument("--move-baseline", action="store_true", help="record the contract as the new baseline")
    args = parser.parse_args(argv)
    if args.move_baseline:
        print(f"baseline: {move_baseline(args.new).relative_to(ROOT)}")
        return 0
    if args.old is not None:
        old_text, label = args.old.read_text(encoding="utf-8"), str(args.old)
    elif args.ref is not None:
        text = _git("show", f"{args.ref}:{SPEC}")
        if text is None:
            print(f"breaking: {SPEC} does not exist at {args.ref!r} (or the ref is unknown)")
            return 2
        old_text, label = text, args.ref
    else:
        found = baselines()
        if not found:
            print(f"breaking: no baseline in {BASELINE_DIR.relative_to(ROOT)}/ (make one: --move-baseline)")
            return 2
        old_text, label = found[-1].read_text(encoding="utf-8"), str(found[-1].relative_to(ROOT))
    old, new = yaml.safe_load(old_text), yaml.safe_load(args.new.read_text(encoding="utf-8"))
    changes = compare(old, new)
    breaking = [c for c in changes if c.breaking]
    print(f"contract changes against {label}: {len(breaking)} breaking, {len(changes) - len(breaking)} safe")
    for change in sorted(changes, key=lambda c: (not c.breaking, c.where)):
        print(f"  {change}")
    old_v, new_v = _version(str(old["info"]["version"])), _version(str(new["info"]["version"]))
    if new_v < old_v:
        print(f"breaking: the contract's version {new['info']['version']} is below the baseline's")
        return 1
    if breaking and new_v[:1] > old_v[:1]:
        print(
            f"intended: the major version moved ({old['info']['version']} -> {new['info']['version']}), so these "
            "breaks are allowed; record the new baseline at the release (--move-baseline)"
        )
        return 0
    if breaking:
        print("to make an intended break: raise the contract's major version (info.version), see README")
    return 1 if breaking else 0


if __name__ == "__main__":
    sys.exit(main())
