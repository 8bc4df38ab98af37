"""Print the app dependency graph: which of our apps each app imports, and the cycles.

Reads every app's .py files with `ast` (tests and migrations left out) and sorts imports into
module level (run when the module loads) and function level (inside a function or method).
`mentorship_site` is two nodes: its shared modules (mail, privacy, validators, health, the
Celery app), which apps import, and `mentorship_site.urls` (root URLconf, settings, WSGI),
which wires every app together and which no app imports.
Usage: python scripts/app_graph.py [--where]  (from the repository root; --where also lists
each function-level import of another app, file and line)
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {"tests", "migrations", ".venv", "site", "static", "templates", "bench", "docs"}
PROJECT = "mentorship_site"
ROOT_NODE = "mentorship_site.urls"
ROOT_MODULES = ("urls", "wsgi", "settings")  # mentorship_site.<these> form ROOT_NODE


def apps() -> list[str]:
    """Every top-level package of the repository (a folder with an __init__.py)."""
    return sorted(
        p.name
        for p in ROOT.iterdir()
        if p.is_dir() and p.name not in SKIP_DIRS and (p / "__init__.py").exists()
    )


def node_of(module: str) -> str:
    """The graph node of a dotted module name: its top-level package, or ROOT_NODE."""
    parts = module.split(".")
    if parts[0] == PROJECT and len(parts) > 1 and parts[1] in ROOT_MODULES:
        return ROOT_NODE
    return parts[0]


def _imported_modules(node: ast.AST, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: stays inside the package
            return [package]
        module = node.module or ""
        # `from mentorship_site import urls` names the module in the alias.
        return [f"{module}.{alias.name}" for alias in node.names] if module == PROJECT else [module]
    return []


WHERE: list[str] = []  # "file:line module" of each function-level import (filled by graph())


def imports_of(path: Path, package: str) -> tuple[set[str], set[str]]:
    """(module-level, function-level) top-level packages imported by one file."""
    tree = ast.parse(path.read_text(), str(path))
    module_level: set[str] = set()
    function_level: set[str] = set()
    where = path.relative_to(ROOT)

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            for module in _imported_modules(child, package):
                (function_level if in_function else module_level).add(node_of(module))
                if in_function and node_of(module) not in (package, node_of(str(where))):
                    WHERE.append(f"{where}:{child.lineno} {module}")
            visit(child, inner)

    visit(tree, False)
    return module_level, function_level


def graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    names = sorted([*apps(), ROOT_NODE])
    module_edges: dict[str, set[str]] = {a: set() for a in names}
    function_edges: dict[str, set[str]] = {a: set() for a in names}
    for app in apps():
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if set(parts) & {"tests", "migrations"}:
                continue
            node = node_of(".".join(parts))
            mod, fn = imports_of(path, node if node == ROOT_NODE else app)
            module_edges[node] |= {m for m in mod if m in names and m != node}
            function_edges[node] |= {m for m in fn if m in names and m != node}
    return module_edges, function_edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one app (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strongconnect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            strongconnect(v)
    return found


def main() -> int:
    module_edges, function_edges = graph()
    both = {a: module_edges[a] | function_edges[a] for a in module_edges}
    print("Module-level imports (app -> apps):")
    for app, deps in module_edges.items():
        print(f"  {app:20} -> {', '.join(sorted(deps)) or '-'}")
    print("\nFunction-level imports only (not also at module level):")
    for app, deps in function_edges.items():
        extra = deps - module_edges[app]
        if extra:
            print(f"  {app:20} -> {', '.join(sorted(extra))}")
    print("\nCycles, module level:")
    for component in cycles(module_edges) or [["none"]]:
        print("  " + " <-> ".join(component))
    print("\nCycles, module and function level together:")
    for component in cycles(both) or [["none"]]:
        print("  " + " <-> ".join(component))
    if "--where" in sys.argv:
        names = set(module_edges)
        print("\nFunction-level imports of another app:")
        for line in sorted(w for w in WHERE if node_of(w.split()[1]) in names):
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
