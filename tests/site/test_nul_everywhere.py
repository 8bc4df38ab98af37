"""A NUL (U+0000) in every URL parameter, query parameter, form field and upload: never a 5xx.

PostgreSQL can't store or compare text containing NUL; psycopg raises before the query is sent,
so a NUL that reaches the database is a 500. The URL patterns come from the resolver (the
admin's too), so a view added later is covered without editing this file. For each role that
can reach a view (anonymous, a participant, an HR coordinator, a superuser for the admin):

- each path parameter is replaced by a NUL-containing value (others pointing at real rows);
- the page is requested with NUL in every common query parameter, and with a NUL key;
- every GET form's fields get NUL one at a time;
- every POST form found on the page is sent with NUL in its text fields, then in every field;
- every upload field gets files with NUL bytes (in the header, in a cell, UTF-16 text);
- each URL also gets a POST with NUL in a generic set of field names (POST-only endpoints).
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse

from people.models import User
from tests.factories import UserFactory
from tests.resilience.pages import QUERY_PARAMS, HtmlForm, html_forms, url_kwargs, url_names
from tests.site.access_world import ANONYMOUS, HR, MENTEE, World

NUL = "nul\x00here"
SUPERUSER = "superuser"
ROLES = (ANONYMOUS, MENTEE, HR, SUPERUSER)
# Only staff reach the admin; everyone else is sent to its sign-in page (see test_admin.py).
ADMIN_ROLES = frozenset({SUPERUSER})
# The admin's pages for ~30 models are alike: each model's list and change form get every
# request; its add, delete and history pages get the NUL path and query (keeps this < 90 s).
ADMIN_FULL = ("_changelist", "_change")
# Signing out would end the session the rest of the walk needs.
SKIPPED_NAMES = frozenset({"logout", "admin:logout"})
SKIPPED_ACTIONS = ("/logout/",)
GENERIC_FIELDS = (
    "q",
    "email",
    "name",
    "full_name",
    "title",
    "description",
    "note",
    "message",
    "reason",
    "status",
    "action",
    "role",
    "text",
    "comment",
    "answer",
    "score",
    "pk",
    "id",
    "next",
    "confirm_email",
    "username",
    "password",
    "date",
)
NUL_FILES = {
    "header": b"email,full_name\x00\nnul.person@example.com,Nul Person\n",
    "cell": b"email,full_name\nnul.person@example.com,Nul\x00Person\n",
    "utf-16": "email,full_name\nnul.person@example.com,Nul Person\n".encode("utf-16-le"),
}
# Path parameter stand-ins that every converter accepts; the NUL goes in their middle.
MARKERS = ("nulmarker", "987654321")


def _admin_kwargs(name: str, params: list[str], w: World) -> dict:
    short = name.split(":", 1)[1]
    if short == "app_list":
        return {"app_label": "people"}
    if short == "view_on_site":
        return {
            "content_type_id": ContentType.objects.get_for_model(User).pk,
            "object_id": str(w.mentee.pk),
        }
    for model in admin.site._registry:
        if short.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
            row = model.objects.order_by("pk").first()
            return {p: str(row.pk if row else 1) for p in params}
    return {p: str(w.mentee.pk) for p in params}


def _valid_kwargs(name: str, params: list[str], w: World) -> dict:
    if name.startswith("admin:"):
        return _admin_kwargs(name, params, w)
    return url_kwargs(name, params, w)


def _admin_model_prefixes() -> tuple[str, ...]:
    return tuple(f"admin:{m._meta.app_label}_{m._meta.model_name}_" for m in admin.site._registry)


def _full(name: str) -> bool:
    """Whether `name` gets every request, or only the NUL path and query (admin model pages)."""
    return not name.startswith(_admin_model_prefixes()) or name.endswith(ADMIN_FULL)


def _nul_paths(name: str, kwargs: dict) -> list[str]:
    """The URL with each parameter in turn replaced by a value containing NUL."""
    paths = []
    for param in kwargs:
        for marker in MARKERS:
            try:
                url = reverse(name, kwargs={**kwargs, param: marker})
            except NoReverseMatch:
                continue
            paths.append(url.replace(marker, marker[:4] + "%00" + marker[4:], 1))
            break
    return paths


def _browser_value(kind: str, value: str) -> str:
    return value or "on" if kind in {"checkbox", "radio"} else value


class Walk:
    """Sends the requests for one role and records every 5xx."""

    def __init__(self, client: Client, role: str) -> None:
        self.client = client
        self.role = role
        self.statuses: Counter[int] = Counter()
        self.failures: list[tuple] = []
        self.seen_forms: set[tuple] = set()
        self.forms = self.uploads = 0

    def send(self, method: str, path: str, data=None, what: str = "") -> object:
        if method == "GET":
            response = self.client.get(path, data)
        else:
            response = self.client.post(path, data or {})
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.failures.append((self.role, method, path, what, response.status_code))
        return response

    def url(self, name: str, params: list[str], w: World) -> None:
        kwargs = _valid_kwargs(name, params, w)
        try:
            path = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            path = None
        for bad in _nul_paths(name, kwargs):
            self.send("GET", bad, what="NUL in the path")
        if path is None:
            return
        query = urlencode({**{p: NUL for p in QUERY_PARAMS}, NUL: "1"})
        self.send("GET", f"{path}?{query}", what="NUL in every query parameter and as a key")
        if not _full(name):
            return
        self.send(
            "POST",
            path,
            {**{f: NUL for f in GENERIC_FIELDS}, NUL: "1"},
            what="NUL in generic form fields",
        )
        page = self.send("GET", path)
        if page.status_code == 200 and "text/html" in page.get("Content-Type", ""):
            for form in html_forms(page.content.decode()):
                self.form(form, path)

    def form(self, form: HtmlForm, page_path: str) -> None:
        target = form.action or page_path
        key = (form.method, target.split("?")[0], tuple(f.name for f in form.fields))
        if target.startswith(("http", "#")) or key in self.seen_forms:
            return
        if any(skip in target for skip in SKIPPED_ACTIONS):
            return
        self.seen_forms.add(key)
        self.forms += 1
        names = sorted({f.name for f in form.fields if f.name != "csrfmiddlewaretoken"})
        if form.method == "get":
            for field in names:
                self.send("GET", target, {field: NUL}, what=f"NUL in GET field {field}")
            return
        typed = {"text", "textarea"}
        text_nul = {
            f.name: NUL if f.kind in typed else _browser_value(f.kind, f.value)
            for f in form.fields
            if f.kind != "file"
        }
        if not any(f.kind in typed for f in form.fields):
            text_nul[NUL] = "1"  # every POST carries a NUL, so none of them can succeed
        self.send("POST", target, text_nul, what="NUL in every text field")
        all_nul = {
            f.name: NUL for f in form.fields if f.kind != "file" and f.name != "csrfmiddlewaretoken"
        }
        self.send("POST", target, all_nul or {NUL: "1"}, what="NUL in every field")
        files = [f.name for f in form.fields if f.kind == "file"]
        if files:
            self.upload(form, target, files)

    def upload(self, form: HtmlForm, target: str, files: list[str]) -> None:
        fields = {f.name: _browser_value(f.kind, f.value) for f in form.fields if f.kind != "file"}
        for variant, content in NUL_FILES.items():
            self.uploads += 1
            data = {
                **fields,
                **{name: SimpleUploadedFile("nul.csv", content, "text/csv") for name in files},
            }
            self.send("POST", target, data, what=f"upload with NUL ({variant})")


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_it_never_answers_a_nul_with_a_5xx(world: World, role: str, capsys) -> None:
    client = Client(raise_request_exception=False)
    if role == SUPERUSER:
        client.force_login(UserFactory(email="root@nul.example", is_staff=True, is_superuser=True))
    elif role != ANONYMOUS:
        client.force_login(world.user(role))
    walk = Walk(client, role)
    names = [(n, p) for n, p in url_names(admin=role in ADMIN_ROLES) if n not in SKIPPED_NAMES]
    for name, params in names:
        walk.url(name, params, world)
    with capsys.disabled():
        print(
            f"\nNUL everywhere as {role}: {walk.statuses.total()} requests over {len(names)} "
            f"URLs, {walk.forms} forms, {walk.uploads} uploads; statuses "
            f"{dict(sorted(walk.statuses.items()))}"
        )
    assert not walk.failures, "\n".join(map(str, walk.failures))
    if role == HR:
        assert walk.forms > 20 and walk.uploads >= 6
    if role == SUPERUSER:
        assert walk.forms > 50
