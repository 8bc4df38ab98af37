"""Print the app dependency graph: which of our apps each app imports, and the cycles.

Reads every app's .py files with `ast` (tests and migrations left out) and sorts imports into
module level (run when the module loads) and function level (inside a function or method).
Usage: python scripts/app_graph.py  (from the repository root)
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {"tests", "migrations", ".venv", "site", "static", "templates", "bench", "docs"}


def apps() -> list[str]:
    """Every top-level package of the repository (a folder with an __init__.py)."""
    return sorted(
        p.name
        for p in ROOT.iterdir()
        if p.is_dir() and p.name not in SKIP_DIRS and (p / "__init__.py").exists()
    )


def _imported_modules(node: ast.AST, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: stays inside the package
            return [package]
        return [node.module or ""]
    return []


def imports_of(path: Path, package: str) -> tuple[set[str], set[str]]:
    """(module-level, function-level) top-level packages imported by one file."""
    tree = ast.parse(path.read_text(), str(path))
    module_level: set[str] = set()
    function_level: set[str] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            for module in _imported_modules(child, package):
                (function_level if in_function else module_level).add(module.split(".")[0])
            visit(child, inner)

    visit(tree, False)
    return module_level, function_level


def graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    names = apps()
    module_edges: dict[str, set[str]] = {a: set() for a in names}
    function_edges: dict[str, set[str]] = {a: set() for a in names}
    for app in names:
        for path in (ROOT / app).rglob("*.py"):
            if set(path.relative_to(ROOT).parts) & {"tests", "migrations"}:
                continue
            mod, fn = imports_of(path, app)
            module_edges[app] |= {m for m in mod if m in names and m != app}
            function_edges[app] |= {m for m in fn if m in names and m != app}
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
        print(f"  {app:16} -> {', '.join(sorted(deps)) or '-'}")
    print("\nFunction-level imports only (not also at module level):")
    for app, deps in function_edges.items():
        extra = deps - module_edges[app]
        if extra:
            print(f"  {app:16} -> {', '.join(sorted(extra))}")
    print("\nCycles, module level:")
    for component in cycles(module_edges) or [["none"]]:
        print("  " + " <-> ".join(component))
    print("\nCycles, module and function level together:")
    for component in cycles(both) or [["none"]]:
        print("  " + " <-> ".join(component))
    return 0


if __name__ == "__main__":
    sys.exit(main())
