"""Every page each demo role reaches passes axe-core, on a desktop and on a phone.

One crawl per role from its home page, following same-site links. A page is checked once per
(role, URL name): `/mentorships/3/` and `/mentorships/7/` are one page (django.urls.resolve),
so the crawl stays small however much demo data there is. Each page is then checked at 1280 px
and at 390 px with axe-core (the copy bundled with axe-playwright-python, injected into the
page), plus two checks the Nu HTML checker makes and axe doesn't: duplicate ids and aria-* or
`for` references to an id that isn't on the page.

Zero critical and zero serious violations are allowed. The test prints how many pages and
rules it checked, and where its time went, even when pytest captures output. PostgreSQL lane
only (marked `postgres`): the pages are the same on both databases, so the SQLite lane would
only repeat a slow test.
"""

from __future__ import annotations

import os
import time
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import axe_playwright_python
import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from people.demo import DEMO_PASSWORD
from people.models import User
from tests.conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LEADER = "cio@tandem.example"
ROLES = [
    "hr@tandem.example",
    "mentee@tandem.example",
    "mentor@tandem.example",
    "manager@tandem.example",
    LEADER,
]
# Not pages: machine endpoints, downloads and the admin (its own, Django's, markup).
SKIP_PREFIXES = ("/api/", "/scim/", "/admin/", "/static/", "/media/", "/sso/", "/accounts/logout")
SKIP_SUFFIXES = (".csv", ".ics", ".json", ".txt")
BLOCKING = {"critical", "serious"}
NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"

AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  const ruleIds = (kind) => results[kind].map((rule) => rule.id);
  return {
    applied: [].concat(ruleIds("passes"), ruleIds("violations"), ruleIds("incomplete")),
    violations: results.violations.map((rule) => ({
      id: rule.id,
      impact: rule.impact,
      help: rule.help,
      nodes: rule.nodes.slice(0, 3).map((node) => node.target.join(" ")),
    })),
  };
}"""

# What the Nu HTML checker reports and axe-core (4.x) no longer does.
ID_CHECKS = """() => {
  const problems = [];
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) {
    seen.set(el.id, (seen.get(el.id) || 0) + 1);
  }
  for (const [id, count] of seen) {
    if (count > 1) problems.push(`duplicate id "${id}" (${count} times)`);
  }
  const refs = ["aria-describedby", "aria-labelledby", "aria-controls", "aria-owns", "for"];
  for (const attr of refs) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      if (attr === "for" && el.tagName !== "LABEL") continue;
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) problems.push(`${attr}="${id}" points at no element`);
      }
    }
  }
  return problems;
}"""


def page_key(href: str, origin: str) -> tuple[str, str] | None:
    """(path with query, URL name) of a same-site page worth checking, else None."""
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path
    if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    target = path + (f"?{parts.query}" if parts.query else "")
    return target, match.view_name


class Crawl:
    """What the crawl found, and where its time went."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.applied: set[str] = set()
        self.pages: dict[str, int] = {}
        self.seconds = {"load": 0.0, "axe": 0.0}

    def axe(self, page, where: str) -> None:
        started = time.monotonic()
        result = page.evaluate(AXE_RUN)
        self.seconds["axe"] += time.monotonic() - started
        self.applied.update(result["applied"])
        for rule in result["violations"]:
            if rule["impact"] in BLOCKING:
                problem = f"[{rule['impact']}] {rule['id']} ({rule['help']}) at {rule['nodes']}"
                self.found.append(f"{where}: {problem}")

    def check(self, page, url: str, role: str) -> bool:
        """One page at both widths; False when it isn't an HTML page."""
        started = time.monotonic()
        page.set_viewport_size(WIDTHS["desktop"])
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # a download ("Download is starting")
            if "Download" in str(error):
                return False
            raise
        self.seconds["load"] += time.monotonic() - started
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            return False
        self.axe(page, f"{role} at 1280 px {url}")
        self.found.extend(f"{role} {url}: {problem}" for problem in page.evaluate(ID_CHECKS))
        # The same document at a phone's width: media queries and app.js's resize handler
        # (scrollable tables) apply before axe runs again.
        page.set_viewport_size(WIDTHS["phone"])
        page.evaluate(NEXT_FRAME)
        self.axe(page, f"{role} at 390 px {url}")
        return True

    def role(self, context, role: str) -> None:
        """Breadth-first from the role's home page, one URL per URL name."""
        page = context.new_page()
        login(page, role, DEMO_PASSWORD)
        page.wait_for_url("**/")
        seen_names: set[str] = set()
        origin = context_origin(page)
        queue = deque([page_key(origin + "/", origin)])
        checked = 0
        while queue:
            url, name = queue.popleft()
            if name in seen_names:
                continue
            seen_names.add(name)
            if not self.check(page, url, role):
                continue
            checked += 1
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)")
            for href in hrefs:
                key = page_key(href, origin)
                if key and key[1] not in seen_names:
                    queue.append(key)
        page.close()
        self.pages[role.split("@")[0]] = checked


def cpu_seconds() -> float:
    """CPU time of this process and all its descendants (the browser, its finished renderers
    included), from /proc: the test's cost whatever else shares the machine. 0 off Linux."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = sum(int(value) for value in fields[11:15])
    mine = {os.getpid()}
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in mine} - mine
        grew = bool(more)
        mine |= more
    return sum(times.get(pid, 0) for pid in mine) / tick


def context_origin(page) -> str:
    parts = urlsplit(page.url)
    return f"{parts.scheme}://{parts.netloc}"


def test_it_finds_no_serious_accessibility_problem_on_any_page_of_any_demo_role(
    browser, live_server, capsys
):
    started, cpu_started = time.monotonic(), cpu_seconds()
    call_command("seed_demo")
    User.objects.filter(email=LEADER).update(can_view_leadership=True)
    seeded = time.monotonic()
    crawl = Crawl()
    for role in ROLES:
        context = browser.new_context(base_url=live_server.url, viewport=WIDTHS["desktop"])
        context.set_default_timeout(30_000)
        context.add_init_script(path=str(AXE_SCRIPT))
        crawl.role(context, role)
        if role == ROLES[0]:
            page = context.new_page()
            page.goto("/")
            rules, version = page.evaluate("() => [axe.getRules().length, axe.version]")
        context.close()
    cpu = cpu_seconds() - cpu_started
    pages = sum(crawl.pages.values())
    with capsys.disabled():
        print(
            f"\nAccessibility: {pages} pages {crawl.pages} checked at 1280 px and 390 px, "
            f"{pages * 2} axe runs; axe-core {version}: {rules} rules, {len(crawl.applied)} of "
            f"them applied to these pages; seeding {seeded - started:.0f} s, page loads "
            f"{crawl.seconds['load']:.0f} s, axe {crawl.seconds['axe']:.0f} s, in all "
            f"{time.monotonic() - started:.0f} s ({cpu:.0f} s of CPU, the browser's included)"
        )
    # The crawl really went round: every role reaches a score of pages (169 in all today).
    assert all(count >= 20 for count in crawl.pages.values()), crawl.pages
    assert not crawl.found, "\n".join(crawl.found)
