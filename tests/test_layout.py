"""The SDK's layout shows its layers: no import cycles, each layer imports only the ones below it,
and no private name of httpx is used."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "overlays" / "bitget_sdk"
# A layer may import itself and what is listed for it (module-level imports; TYPE_CHECKING ones aside).
ALLOWED = {
    "_core": {"_core", "_version"},
    "_limits": {"_limits", "_core"},
    "_http": {"_http", "_core", "_limits"},
    "_runs": {"_runs", "_core"},
    "_base_client": {"_core", "_limits", "_http", "_runs", "_version"},
    "_async": {"_async", "_base_client", "_core", "_limits", "_http", "_runs", "_surface"},
    "_sync": {"_sync", "_base_client", "_core", "_limits", "_http", "_runs", "_surface"},
    "_surface": {"_core"},
}


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The bitget_sdk modules `path` imports when it is imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                module = [*base, *(node.module.split(".") if node.module else [])]
                if module[0] != "bitget_sdk":
                    continue
                for alias in node.names:  # `from . import backend` imports a module
                    candidate = PACKAGE.parent.joinpath(*module, alias.name)
                    is_module = candidate.with_suffix(".py").exists() or candidate.is_dir()
                    out.add(".".join([*module, alias.name]) if is_module else ".".join(module))
            elif isinstance(node, ast.Import):
                out.update(a.name for a in node.names if a.name.startswith("bitget_sdk"))
            elif isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                continue  # imports inside functions run later, not at import time
            elif hasattr(node, "body"):
                visit([n for n in ast.iter_child_nodes(node) if isinstance(n, ast.stmt)])

    visit(tree.body)
    return out


def _graph() -> dict[str, set[str]]:
    return {_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_no_import_cycles() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, set())):
            nxt = nxt if nxt in graph else nxt.rsplit(".", 1)[0]
            if nxt not in graph or nxt == node:
                continue
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                walk(nxt, [*path, nxt])
        state[node] = 2

    for node in graph:
        if node not in state:
            walk(node, [node])
    assert cycles == []


def test_each_layer_imports_only_the_layers_below_it() -> None:
    wrong = []
    for module, imported in _graph().items():
        parts = module.split(".")
        if len(parts) < 2 or parts[1] not in ALLOWED:
            continue
        for target in imported:
            layer = target.split(".")[1] if "." in target else ""
            if layer and layer not in ALLOWED[parts[1]]:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_the_layout_is_what_the_test_knows() -> None:
    layers = {
        p.name.removesuffix(".py") for p in PACKAGE.iterdir() if p.name.startswith("_") and p.name != "__init__.py"
    }
    assert layers - {"__pycache__"} <= set(ALLOWED) | {"_version"}


def test_no_private_httpx_or_httpcore_names() -> None:
    used = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                root = node.value
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name) and root.id in {"httpx", "httpcore"}:
                    used.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {ast.unparse(node)}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in {"httpx", "httpcore"}:
                used += [
                    f"{path.relative_to(PACKAGE)}:{node.lineno} {a.name}" for a in node.names if a.name.startswith("_")
                ]
                if any(part.startswith("_") for part in (node.module or "").split(".")):
                    used.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.module}")
    assert used == []
