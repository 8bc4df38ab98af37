"""`make bench`: run every benchmark script in bench/ in its own process and print its figures."""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["matching.py", "imports.py", "reminders.py", "dashboards.py"]


def main() -> int:
    scripts = [HERE / name for name in ORDER if (HERE / name).exists()]
    scripts += sorted(
        p
        for p in HERE.glob("*.py")
        if p.name not in {*ORDER, "run.py", "__init__.py", "loadtest.py", "locustfile.py"}
    )
    failed = 0
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        print(
            f"--- {script.name}: exit {result.returncode} in {time.perf_counter() - started:.1f} s"
        )
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
