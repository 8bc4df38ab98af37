"""Every page of the project, with arguments pointing at the access-control world's rows,
and the forms a browser would find on a page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.site.access_world import World

# Signing out would end the session the rest of the walk needs.
SKIPPED_NAMES = frozenset({"logout"})
# Query parameters the site's views (and the admin's) read, for sending bad values to all.
QUERY_PARAMS = (
    "q",
    "page",
    "status",
    "role",
    "department",
    "metric",
    "format",
    "template",
    "download",
    "spage",
    "apage",
    "next",
    "program",
    "kind",
    "mentor",
    "mentee",
    "cohort",
    "from",
    "to",
    "date_from",
    "date_to",
    "sort",
    "o",
    "p",
    "e",
    "term",
    "app_label",
    "model_name",
    "field_name",
    "_changelist_filters",
    "_to_field",
)


def _walk(
    patterns, namespace: str | None = None, *, admin: bool = False
) -> Iterator[tuple[str, list[str]]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin" and not admin:
                continue
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern.url_patterns, full, admin=admin)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, list(pattern.pattern.regex.groupindex)


def url_names(*, admin: bool = False) -> list[tuple[str, list[str]]]:
    """(name, parameters) of every named URL, the admin's too if asked."""
    unique = sorted(set((n, tuple(p)) for n, p in _walk(get_resolver().url_patterns, admin=admin)))
    return [(name, list(params)) for name, params in unique]


def url_kwargs(name: str, params: list[str], w: World) -> dict:
    """Arguments that point at the world's own rows, so most pages render for real."""
    by_name = {
        "people:profile": {"pk": w.mentee.pk},
        "people:erase": {"pk": w.mentee.pk},
        "people:privacy_officer_revoke": {"pk": w.privacy_officer.pk},
        "programs:skill_edit": {"pk": w.goal.skills.get().pk},
        "programs:approval_decide": {"pk": w.pending_enrolment.pk},
        "programs:enrol": {"slug": w.o.slug, "role": "mentor"},
        "programs:enrolment_edit": {"slug": w.o.slug},
        "programs:enrolment_withdraw": {"slug": w.o.slug},
        "mentorships:goal_edit": {"pk": w.goal.pk},
        "mentorships:milestones_add": {"pk": w.goal.pk},
        "mentorships:milestone_done": {"pk": w.milestone.pk},
        "mentorships:milestone_undo": {"pk": w.milestone.pk},
        "mentorships:reset_resolve": {"pk": w.reset.pk},
        "checkins:pulse": {"pk": w.checkin.pk},
        "checkins:action_toggle": {"pk": w.action_item.pk},
        "checkins:template_edit": {"slug": w.p.slug, "pk": w.template.pk},
        "checkins:template_retire": {"slug": w.p.slug, "pk": w.template.pk},
        "imports:batch": {"pk": w.batch.pk},
        "imports:confirm": {"pk": w.batch.pk},
        "feedback:answer": {"pk": w.invitation.pk},
        "feedback:assessment": {"pk": w.assessment.pk},
        "matching:run": {"pk": w.run.pk},
        "matching:run_status": {"pk": w.run.pk},
        "matching:accept": {"pk": w.run.pk},
        "matching:publish": {"pk": w.run.pk},
        "matching:swap": {"pk": w.proposal.pk},
        "reminders:ics": {"token": w.calendar_token.token},
        "learning:resource_done": {"pk": w.m.pk, "resource_pk": w.resource.pk},
        "learning:resource_undo": {"pk": w.m.pk, "resource_pk": w.resource.pk},
        "metrics:certification_exam": {"pk": w.cert_goal.pk},
    }
    if name in by_name:
        return by_name[name]
    generic = {
        "slug": w.p.slug,
        "pk": w.m.pk,
        "user_id": w.mentor.pk,
        "role": "mentor",
        "action": "pause",
        "token": "not-a-token",
        "uidb64": "x",
    }
    return {param: generic.get(param, "x") for param in params}


def page_paths(w: World) -> list[str]:
    """One path per named URL outside the admin, so a new page is covered automatically."""
    return [
        reverse(name, kwargs=url_kwargs(name, params, w))
        for name, params in url_names()
        if name not in SKIPPED_NAMES
    ]


# --- forms on a page ---------------------------------------------------------------------

TEXT_TYPES = frozenset({"text", "email", "search", "url", "tel", "password", "number", "date", ""})
BUTTON_TYPES = frozenset({"submit", "button", "reset", "image"})


@dataclass
class FormField:
    name: str
    kind: str  # "text" (any typed input), "textarea", "select", "checkbox", "radio", "file", other
    value: str  # the value a browser would send untouched (a select's first non-empty option)


@dataclass
class HtmlForm:
    method: str
    action: str
    multipart: bool
    fields: list[FormField] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = HtmlForm(
                a.get("method", "get").lower() or "get",
                a.get("action", ""),
                "multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif self._form is None or not a.get("name") and tag != "option":
            return
        elif tag == "input" and a.get("type", "").lower() not in BUTTON_TYPES:
            kind = a.get("type", "").lower()
            kind = "text" if kind in TEXT_TYPES else kind
            self._form.fields.append(FormField(a["name"], kind, a.get("value", "")))
        elif tag == "textarea":
            self._form.fields.append(FormField(a["name"], "textarea", ""))
        elif tag == "select":
            self._select = FormField(a["name"], "select", "")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None and not self._select.value:
            self._select.value = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def html_forms(html: str) -> list[HtmlForm]:
    """Every form of a page: method, action and the fields a browser would submit."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms
