"""The README is the front door: short, and every relative link in it points at a file that exists.

Links inside docs/ are checked by `mkdocs build --strict` (run by `make test` and `make docs`).
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
LINK = re.compile(r"\]\(([^)\s]+)\)")


def relative_links(text: str) -> list[str]:
    return [t for t in LINK.findall(text) if not re.match(r"^[a-z][a-z0-9+.-]*:|^#", t)]


def test_it_keeps_the_readme_short():
    lines = README.read_text().count("\n")
    assert lines <= 160, f"README.md has {lines} lines; the manual belongs in docs/"


def test_it_points_every_readme_link_at_an_existing_file():
    links = relative_links(README.read_text())
    assert links, "README.md links to no page of docs/"
    missing = [t for t in links if not (ROOT / t.split("#", 1)[0]).is_file()]
    assert not missing, f"README.md links to missing files: {missing}"


def test_it_links_every_docs_page_from_the_readme():
    linked = {t.split("#", 1)[0] for t in relative_links(README.read_text())}
    pages = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert pages <= linked, f"docs pages the README doesn't link: {sorted(pages - linked)}"
