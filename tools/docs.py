"""The API reference page, rendered from the contract (`nox -s docs`): build/docs/index.html.

Redoc 2 (the `redoc` npm package, pinned in package.json) renders the contract's operations, schemas and
prose on one page, in the browser: the page is one self-contained file holding Redoc's standalone bundle
and the contract, so it works offline and from `file://`. (Redocly CLI's `build-docs` makes a Redoc 3
page instead: a routed app that shows each operation only on its own route, and that did not render its
routes here, offline.) Redoc does not render our extensions, so the page is made from a copy of the
contract whose `info.description` gains sections made from them: the error-code catalogue (`x-error-
codes`), each operation's rate limit (`x-rate-limit`) and the signing rules (`x-signing`); each
operation also gains code samples (Python, TypeScript, Go, made from the conformance scenarios by
tools/samples.py) as Redoc's `x-codeSamples`. They are read from the contract, never retyped; the
committed contract is not touched.

Usage: python tools/docs.py [--out build/docs/index.html]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script (`python tools/docs.py`)
    sys.path.insert(0, str(ROOT))

from tools import node_tools, samples  # noqa: E402

SPEC = ROOT / "openapi" / "openapi.yaml"
OUT = ROOT / "build" / "docs" / "index.html"
METHODS = ("get", "put", "post", "delete", "patch")


def error_codes(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every `x-error-codes` entry of the contract, in the order written."""
    found: list[dict[str, Any]] = []
    stack: list[Any] = [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            codes = node.get("x-error-codes")
            if isinstance(codes, list):
                found += [c for c in codes if isinstance(c, dict) and c not in found]
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return found


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in spec.get("paths", {}).items()
        for method, op in item.items()
        if method in METHODS and isinstance(op, dict)
    ]


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def extension_sections(spec: dict[str, Any]) -> str:
    """Markdown for what Redoc leaves out: error codes, rate limits, signing rules."""
    lines = ["", "## Error codes", "", "From the contract's `x-error-codes`.", ""]
    lines += ["| code | HTTP status | category | message | meaning |", "|---|---|---|---|---|"]
    for c in error_codes(spec):
        row = (c.get("code"), c.get("http-status"), c.get("category"), c.get("message"), c.get("meaning"))
        lines.append("| " + " | ".join(f"`{_cell(row[0])}`" if i == 0 else _cell(v) for i, v in enumerate(row)) + " |")
    lines += ["", "## Rate limits", "", "From each operation's `x-rate-limit`.", ""]
    lines += ["| operation | limit | window | scope |", "|---|---|---|---|"]
    for method, path, op in operations(spec):
        limit = op.get("x-rate-limit")
        if isinstance(limit, dict):
            name, scope = f"`{op.get('operationId')}` ({method} {path})", _cell(limit.get("scope"))
            lines.append(f"| {name} | {limit.get('limit')} requests | {limit.get('window-ms')} ms | {scope} |")
    signing = spec.get("x-signing")
    if isinstance(signing, dict):
        lines += ["", "## Signing rules (x-signing)", "", "From the contract's `x-signing`.", "", "```json"]
        lines += [json.dumps(signing, indent=2, ensure_ascii=False), "```"]
    return "\n".join(lines) + "\n"


def docs_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The contract with its extensions written out as prose, for rendering."""
    out = dict(spec)
    info = dict(out.get("info", {}))
    info["description"] = str(info.get("description", "")).rstrip() + "\n" + extension_sections(spec)
    out["info"] = info
    found = samples.code_samples(spec)
    paths: dict[str, Any] = {}
    for path, item in spec.get("paths", {}).items():
        paths[path] = {
            method: (
                {**op, "x-codeSamples": found[op["operationId"]]}
                if isinstance(op, dict) and op.get("operationId") in found
                else op
            )
            for method, op in item.items()
        }
    out["paths"] = paths
    return out


REDOC_BUNDLE = ROOT / "node_modules" / "redoc" / "bundles" / "redoc.standalone.js"
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body {{ margin: 0; padding: 0; }}</style>
</head>
<body>
<div id="redoc"></div>
<script>{bundle}</script>
<script>
Redoc.init({spec},
  {{ disableSearch: false, expandResponses: "200", hideDownloadButton: false, jsonSampleExpandLevel: 3 }},
  document.getElementById("redoc"));
</script>
</body>
</html>
"""


def _script_safe(text: str) -> str:
    """Script text placed inside <script>: only `</script` ends the element early, and `<\\/script` means the
    same in a JS string or regex (a blanket `</` rewrite would break regexes such as `/</g`)."""
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.I)


def build(out: Path = OUT) -> Path:
    node_tools.npm_ci()
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    out.parent.mkdir(parents=True, exist_ok=True)
    rendered = docs_spec(spec)
    (out.parent / "openapi.docs.json").write_text(json.dumps(rendered, indent=1, ensure_ascii=False), encoding="utf-8")
    title = html.escape(f"{spec['info']['title']} {spec['info']['version']}")
    page = PAGE.format(
        title=title,
        bundle=_script_safe(REDOC_BUNDLE.read_text(encoding="utf-8")),
        spec=json.dumps(rendered, ensure_ascii=False).replace("</", "<\\/"),  # `\\/` is `/` in JSON
    )
    out.write_text(page, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the API reference page from the contract.")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    print(f"docs: {build(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
