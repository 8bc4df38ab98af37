"""Screenshots of each demo role's home page on a phone, for docs/screenshots.md.

Needs a running Tandem with the demo data and Debian's Chromium (scripts/browser.sh):

    DATABASE_URL=sqlite:////tmp/shots.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/shots.sqlite3 .venv/bin/python manage.py seed_demo
    DATABASE_URL=sqlite:////tmp/shots.sqlite3 .venv/bin/python manage.py runserver 8000 &
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8000

It signs in as each demo login at 390 x 844 px and saves the first screen of the home page as
docs/img/home-<role>.png (a viewport, not the whole page, so each file stays well under 150 KB).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "tandem-demo"  # people.demo.DEMO_PASSWORD, published in the README

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
ROLES = {
    "mentee": "mentee@tandem.example",
    "mentor": "mentor@tandem.example",
    "manager": "manager@tandem.example",
    "hr": "hr@tandem.example",
}
MAX_BYTES = 150_000


def shoot(base_url: str, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for role, email in ROLES.items():
            context = browser.new_context(
                base_url=base_url, viewport=PHONE, is_mobile=True, has_touch=True
            )
            context.set_default_timeout(60_000)
            page = context.new_page()
            page.goto("/accounts/login/")
            page.fill("input[name=username]", email)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base_url.rstrip('/')}/")
            page.get_by_test_id("todo").wait_for()
            path = out / f"home-{role}.png"
            page.screenshot(path=str(path))
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise SystemExit(f"{path} is {size} bytes, over {MAX_BYTES}")
            print(f"{path.relative_to(ROOT)}  {size // 1024} KB")
            saved.append(path)
            context.close()
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    shoot(args.base_url, args.out)


if __name__ == "__main__":
    main()
