"""The app graph: imports go down the layers (the contracts in .importlinter)."""

import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_it_keeps_every_import_linter_contract():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_it_finds_no_cycle_between_apps():
    graph = runpy.run_path(str(ROOT / "scripts" / "app_graph.py"))
    module_level, function_level = graph["graph"]()
    both = {app: module_level[app] | function_level[app] for app in module_level}
    assert graph["cycles"](both) == []
