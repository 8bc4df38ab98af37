"""core is the bottom layer: it imports Django and libraries, never a Tandem app."""

import ast

from django.apps import apps

from tests.conftest import ROOT


def _imported_modules(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_it_imports_no_other_tandem_app() -> None:
    ours = {c.name for c in apps.get_app_configs() if (ROOT / c.name).is_dir()} | {
        "mentorship_site",
        "tests",
    }
    offending = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / "core").rglob("*.py")
        for module in _imported_modules(path.read_text())
        if module.split(".")[0] in ours - {"core"}
    }
    assert "people" in ours and "core" in ours
    assert offending == set()
