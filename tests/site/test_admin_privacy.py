"""The admin shows none of the text the docs (docs/security.md) keep between the two
participants or with HR.

Every private field (core.admin_privacy.PRIVATE_TEXT) of every row holds a marker;
the tests walk every admin page and every lookup on those fields, as a superuser and as staff.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.sites import AdminSite
from django.contrib.auth.models import Permission
from django.core.checks import run_checks
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from chat.models import ChatMessage, TeamsChannel
from checkins.models import CheckIn
from core.admin_privacy import PRIVATE_TEXT, PrivateTextAdminMixin, reaches_private
from mentorships.models import Goal
from outbox.models import OutgoingEmail
from people.privacy import ERASE
from reminders.models import EmailLog
from tests.factories import UserFactory
from tests.feedback.factories import answered
from tests.site.access_world import World, build_world

MARK = "PRIVTXT"
NOTHING = "no-such-text-anywhere"


def marker(model: type[Model], field: str) -> str:
    return f"{MARK}-{model._meta.model_name}-{field}"


def private_models() -> list[tuple[type[Model], list[str]]]:
    """(model, its private text fields), relations (the avoid list) left out."""
    found = []
    for label, fields in sorted(PRIVATE_TEXT.items()):
        model = apps.get_model(label)
        text = sorted(f for f in fields if not model._meta.get_field(f).is_relation)
        found.append((model, text))
    return found


@pytest.fixture
def world(db) -> World:
    w = build_world()
    answered(w.survey, "mentee", (4, 4, 4), comment="a comment")
    EmailLog.objects.create(to=w.mentee.email, subject="Milestone due")
    OutgoingEmail.objects.create(kind="test", to=w.mentee.email, subject="Goal", body="A goal")
    channel = TeamsChannel.objects.create(program=w.p, webhook_url="https://example.com/hook")
    ChatMessage.objects.create(
        service="teams", channel=channel, kind="t", dedupe_key="t", next_attempt_at=timezone.now()
    )
    for model, fields in private_models():
        assert model.objects.exists(), f"the test world needs a {model._meta.label} row"
        model.objects.update(**{f: marker(model, f) for f in fields})
    return w


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@privacy.example", is_staff=True, is_superuser=True)


@pytest.fixture
def staff(db):
    """Staff who may view and change everything, without being a superuser."""
    user = UserFactory(email="staff@privacy.example", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__regex=r"^(view|change)_"))
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def log_every_private_row(user) -> None:
    """Admin log entries for each row, as the admin writes them (they show in history pages
    and in the index's recent actions)."""
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, _ in private_models():
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue
        for obj in model_admin.get_queryset(request):
            model_admin.log_change(request, obj, "Checked")


def admin_pages(w: World) -> list[str]:
    urls = ["/admin/"]
    for model in admin.site._registry:
        meta = model._meta
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        rows = list(model.objects.order_by("pk").values_list("pk", flat=True))
        rows = rows[:3] if meta.label in PRIVATE_TEXT else rows[:1]
        for pk in rows:
            urls += [
                reverse(f"{prefix}_{view}", args=[pk]) for view in ("change", "history", "delete")
            ]
    # Delete confirmations list everything that would go with the row.
    for name, obj in (
        ("programs_program", w.p),
        ("people_user", w.mentee),
        ("people_user", w.mentor),
        ("mentorships_mentorship", w.m),
    ):
        urls.append(reverse(f"admin:{name}_delete", args=[obj.pk]))
    return urls


@pytest.mark.slow
def test_it_shows_no_private_text_on_any_admin_page_even_to_a_superuser(world, superuser):
    log_every_private_row(superuser)
    client = client_for(superuser)
    pages = admin_pages(world)
    opened = 0
    for url in pages:
        response = client.get(url)
        # 403: no add page for rows the admin can't fill, no delete page for the audit log.
        assert response.status_code == 200 or (
            response.status_code == 403 and url.endswith(("/add/", "/delete/"))
        ), (url, response.status_code)
        assert MARK.encode() not in response.content, (
            f"{url} shows {response.content.decode()[response.content.find(MARK.encode()) :][:60]}"
        )
        opened += response.status_code == 200
    assert opened > 100


def test_it_has_no_form_field_for_the_avoid_list(world, superuser):
    enrolment = world.m.program.enrolments.get(user=world.mentee)
    response = client_for(superuser).get(
        reverse("admin:programs_enrolment_change", args=[enrolment.pk])
    )
    assert response.status_code == 200
    assert b'name="avoid"' not in response.content


def lookup_cases() -> list[tuple[type[Model], str, str]]:
    """(admin model, lookup, value): every private field of the model itself with several
    lookups, and every private field one or two relations away (by its shortest path)."""
    cases = []
    suffixes = {
        "": NOTHING,
        "__exact": NOTHING,
        "__icontains": NOTHING,
        "__startswith": NOTHING,
        "__regex": f"^{NOTHING}",
        "__gt": "~",
        "__in": NOTHING,
        "__isnull": "True",
    }
    for model in admin.site._registry:
        for private in sorted(PRIVATE_TEXT.get(model._meta.label, ())):
            cases += [(model, private + suffix, value) for suffix, value in suffixes.items()]
        shortest: dict[tuple[str, str], str] = {}
        for path, target in relation_paths(model, depth=2):
            for private in PRIVATE_TEXT.get(target._meta.label, ()):
                shortest.setdefault((target._meta.label, private), f"{path}__{private}")
        cases += [(model, f"{path}__startswith", NOTHING) for path in sorted(shortest.values())]
    return cases


def relation_paths(model: type[Model], depth: int) -> list[tuple[str, type[Model]]]:
    """Relation paths from a model, shortest first."""
    first = [
        (field.name, field.related_model)
        for field in model._meta.get_fields()
        if field.is_relation and field.related_model is not None
    ]
    if depth == 1:
        return first
    return first + [
        (f"{name}__{sub}", target)
        for name, related in first
        for sub, target in relation_paths(related, depth - 1)
    ]


def changelist_count(model_admin, user, params: dict[str, str]) -> int | str:
    """What the changelist view does with URL parameters before rendering: the number of
    rows it lists, or "400" when it refuses the lookup."""
    request = RequestFactory().get("/admin/", params)
    request.user = user
    try:
        return model_admin.get_changelist_instance(request).result_count
    except DisallowedModelAdminLookup:
        return "400"
    except IncorrectLookupParameters:
        return "error page"  # the view shows "?e=1" without rows: no effect either


@pytest.mark.parametrize("who", ["superuser", "staff"])
def test_it_refuses_every_lookup_on_private_text(world, who, request):
    user = request.getfixturevalue(who)
    cases = lookup_cases()
    assert len(cases) > 300
    baseline: dict[type[Model], int | str] = {}
    allowed = []
    for model, lookup, value in cases:
        model_admin = admin.site._registry[model]
        if model not in baseline:
            baseline[model] = changelist_count(model_admin, user, {})
        outcome = changelist_count(model_admin, user, {lookup: value})
        if outcome != "400":
            # Listed with the rows it leaves (all rows before): any accepted lookup is a way
            # to guess private text one character at a time.
            allowed.append(f"{model._meta.label}?{lookup}: {outcome} of {baseline[model]} rows")
    assert not allowed, "lookups on private text accepted:\n" + "\n".join(allowed)


@pytest.mark.parametrize("who", ["superuser", "staff"])
def test_it_answers_400_to_a_url_filter_on_private_notes(world, who, request):
    client = client_for(request.getfixturevalue(who))
    for url, lookup in (
        ("/admin/checkins/checkin/", "private_notes__icontains"),
        ("/admin/checkins/checkin/", "private_notes__startswith"),
        ("/admin/mentorships/mentorship/", "checkins__private_notes__startswith"),
        ("/admin/mentorships/goal/", "description__regex"),
        ("/admin/mentorships/resetrequest/", "reason__icontains"),
    ):
        assert client.get(url, {lookup: "T"}).status_code == 400, (url, lookup)


def test_it_neither_sorts_nor_searches_by_private_text(world, superuser):
    client = client_for(superuser)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, {"q": MARK})
        changelist = response.context["cl"]
        # ?o=<n> sorts by the n-th column: none of them sorts by private text.
        for column in changelist.list_display:
            order = changelist.get_ordering_field(column)
            assert not (isinstance(order, str) and reaches_private(model, order.lstrip("-"))), (
                model,
                column,
                order,
            )
        for order in changelist.get_ordering(response.wsgi_request, changelist.root_queryset):
            assert not (isinstance(order, str) and reaches_private(model, order.lstrip("-?")))
        if changelist.search_fields:
            assert changelist.result_count == 0, f"{url}?q= finds private text"


def test_it_keeps_private_text_out_of_every_models_str(world):
    for model, _ in private_models():
        for obj in model.objects.all():
            assert MARK not in str(obj), (model._meta.label, str(obj))
    assert str(Goal.objects.first()) == f"Goal {Goal.objects.first().pk}"


def test_it_wraps_every_registered_admin_and_its_inlines(world, superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, PrivateTextAdminMixin), model
        for inline in model_admin.get_inline_instances(request, model.objects.first()):
            assert PRIVATE_TEXT.get(inline.model._meta.label, set()).isdisjoint(
                inline.get_formset(request).form.base_fields
            ), inline


def test_it_fails_the_system_check_for_an_admin_that_names_private_text(db):
    assert not [e for e in run_checks() if e.id.startswith("tandem.")]

    class LeakyCheckInAdmin(admin.ModelAdmin):
        list_display = ["date", "private_notes"]
        search_fields = ["mentorship__checkins__next_steps"]

    other_site = AdminSite(name="elsewhere")
    other_site.register(CheckIn, LeakyCheckInAdmin)
    try:
        ids = sorted(e.id for e in run_checks() if e.id.startswith("tandem."))
    finally:
        other_site.unregister(CheckIn)
    # Not wrapped (a site of its own), and two options name private text.
    assert ids == ["tandem.A001", "tandem.A002", "tandem.A002"]


def test_it_treats_every_text_erasure_blanks_as_private_in_the_admin():
    # What erasure blanks is a person's own private text: the admin must not show it either.
    for label, _, blanked in ERASE:
        assert set(blanked) <= PRIVATE_TEXT.get(label, frozenset()), label


def test_it_names_pulses_and_ratings_without_their_scores() -> None:
    from checkins.models import Pulse
    from feedback.models import SkillRating
    from programs.models import Skill

    assert "4" not in str(Pulse(pk=1, score=4, checkin_id=2))
    assert "4" not in str(SkillRating(pk=1, level=4, skill=Skill(name="Kubernetes")))


def test_it_rewrites_old_admin_log_names_of_private_rows(world, superuser):
    from django.apps import apps as registry
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    goal = Goal.objects.first()
    LogEntry.objects.create(
        user=superuser,
        content_type=ContentType.objects.get_for_model(Goal),
        object_id=str(goal.pk),
        object_repr="Leave for a startup",
        action_flag=CHANGE,
    )
    importlib.import_module("audit.migrations.0002_neutral_admin_log_names").neutralise(
        registry, None
    )
    assert LogEntry.objects.get(object_id=str(goal.pk)).object_repr == f"Goal {goal.pk}"
