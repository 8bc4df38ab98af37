"""The check-in templates library: defaults, add, edit, retire; coordinators only."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from checkins.default_templates import DEFAULT_TEMPLATES
from checkins.models import CheckInTemplate
from checkins.selectors import available_templates
from tests import factories
from tests.checkins.factories import TemplateFactory

pytestmark = pytest.mark.django_db


def test_it_seeds_the_global_defaults():
    migration = importlib.import_module("checkins.migrations.0002_seed_default_templates")
    CheckInTemplate.objects.filter(program=None).delete()
    migration.seed(django_apps, None)
    migration.seed(django_apps, None)  # twice: still one of each
    assert CheckInTemplate.objects.filter(program=None).count() == len(DEFAULT_TEMPLATES)
    names = set(CheckInTemplate.objects.filter(program=None).values_list("name", flat=True))
    assert names >= {name for name, _ in DEFAULT_TEMPLATES}
    debrief = CheckInTemplate.objects.get(program=None, name="Troubleshooting debrief")
    for phrase in (
        "symptom",
        "First point of failure",
        "One change at a time",
        "Validate with evidence",
        "blast radius",
        "fastest safe test",
    ):
        assert phrase.lower() in debrief.agenda.lower()


def test_it_lists_defaults_and_the_programs_own(client_for, program, hr_user):
    own = TemplateFactory(program=program, name="Our SRE onboarding")
    foreign = TemplateFactory(program=factories.ProgramFactory(), name="Someone else's")
    response = client_for(hr_user).get(reverse("checkins:templates", args=[program.slug]))
    names = {t.name for t in response.context["templates"]}
    assert own.name in names and "First meeting" in names
    assert foreign.name not in names


def test_it_adds_a_program_template(client_for, program, hr_user):
    response = client_for(hr_user).post(
        reverse("checkins:templates", args=[program.slug]),
        {"name": "Terraform review", "agenda": "- Plan output\n- Drift"},
    )
    assert response.status_code == 302
    assert CheckInTemplate.objects.get(name="Terraform review").program == program


def test_it_refuses_an_empty_agenda(client_for, program, hr_user):
    response = client_for(hr_user).post(
        reverse("checkins:templates", args=[program.slug]), {"name": "Empty", "agenda": "  "}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["agenda"]
    assert not CheckInTemplate.objects.filter(name="Empty").exists()


def test_it_edits_a_program_template(client_for, program, hr_user):
    template = TemplateFactory(program=program)
    client_for(hr_user).post(
        reverse("checkins:template_edit", args=[program.slug, template.pk]),
        {"name": "Renamed", "agenda": "New agenda"},
    )
    template.refresh_from_db()
    assert (template.name, template.agenda) == ("Renamed", "New agenda")


def test_it_leaves_global_defaults_to_the_admin(client_for, program, hr_user):
    default = CheckInTemplate.objects.get(program=None, name="First meeting")
    client = client_for(hr_user)
    edit = reverse("checkins:template_edit", args=[program.slug, default.pk])
    assert client.post(edit, {"name": "X", "agenda": "Y"}).status_code == 404
    retire = reverse("checkins:template_retire", args=[program.slug, default.pk])
    assert client.post(retire, {"retired": "1"}).status_code == 404
    default.refresh_from_db()
    assert (default.name, default.is_retired) == ("First meeting", False)


def test_it_retires_a_template_so_it_is_no_longer_offered(
    client_for, program, hr_user, pairing, mentee
):
    template = TemplateFactory(program=program, name="Old format")
    assert template in available_templates(program.pk)
    client_for(hr_user).post(
        reverse("checkins:template_retire", args=[program.slug, template.pk]), {"retired": "1"}
    )
    template.refresh_from_db()
    assert template.is_retired
    assert template not in available_templates(program.pk)
    form_page = client_for(mentee).get(reverse("checkins:create", args=[pairing.pk]))
    assert "Old format" not in form_page.content.decode()
    prefilled = client_for(mentee).get(
        reverse("checkins:create", args=[pairing.pk]), {"template": template.pk}
    )
    assert template.agenda not in prefilled.content.decode()


def test_it_restores_a_retired_template(client_for, program, hr_user):
    template = TemplateFactory(program=program, is_retired=True)
    client_for(hr_user).post(
        reverse("checkins:template_retire", args=[program.slug, template.pk]), {"retired": "0"}
    )
    template.refresh_from_db()
    assert not template.is_retired


def test_it_offers_the_programs_templates_in_the_check_in_form(
    client_for, program, pairing, mentee
):
    TemplateFactory(program=program, name="Our own agenda")
    TemplateFactory(program=factories.ProgramFactory(), name="Not ours")
    html = client_for(mentee).get(reverse("checkins:create", args=[pairing.pk])).content.decode()
    assert "Our own agenda" in html and "Code review walk-through" in html
    assert "Not ours" not in html


@pytest.mark.parametrize("who", ["other_hr", "employee", "stranger"])
def test_it_refuses_the_library_to_non_coordinators(request, client_for, program, who):
    template = TemplateFactory(program=program, name="Keep me")
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("checkins:templates", args=[program.slug])).status_code == 403
    assert (
        client.post(
            reverse("checkins:templates", args=[program.slug]), {"name": "Nope", "agenda": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("checkins:template_edit", args=[program.slug, template.pk]),
            {"name": "Hacked", "agenda": "x"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("checkins:template_retire", args=[program.slug, template.pk]), {"retired": "1"}
        ).status_code
        == 403
    )
    template.refresh_from_db()
    assert (template.name, template.is_retired) == ("Keep me", False)
    assert not CheckInTemplate.objects.filter(name="Nope").exists()


def test_it_links_the_library_and_board_from_the_program_manage_page(client_for, program, hr_user):
    html = client_for(hr_user).get(reverse("programs:manage", args=[program.slug])).content.decode()
    assert reverse("checkins:templates", args=[program.slug]) in html
    assert reverse("checkins:health_board", args=[program.slug]) in html


def test_it_opens_a_blank_form_without_a_warning(client_for, pairing, mentee):
    url = reverse("checkins:create", args=[pairing.pk])
    body = client_for(mentee).get(url, {"template": ""}).content.decode()
    assert "isn't available" not in body
    assert 'data-agenda="' in body  # each option carries its agenda: applied without a reload
