"""Short text (names, titles, program names) is a single line without control characters."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from core.validators import _project_app, validate_single_line
from people.models import User


@pytest.mark.parametrize(
    "value", ["a\nb", "a\rb", "a\u2028b", "a\u2029b", "a\x85b", "a\tb", "a\x00b", "a\x1bb"]
)
def test_it_refuses_line_breaks_and_control_characters(value):
    with pytest.raises(ValidationError):
        validate_single_line(value)


@pytest.mark.parametrize(
    "value", ["", "Zoë O’Brien-Łukasiewicz", "程序 · 指导", "Ops & SRE (EMEA)"]
)
def test_it_accepts_ordinary_names(value):
    validate_single_line(value)


def test_it_guards_every_short_text_field_of_every_model():
    unguarded = [
        f"{model._meta.label}.{field.name}"
        for config in apps.get_app_configs()
        if _project_app(config)
        for model in config.get_models()
        for field in model._meta.local_fields
        if isinstance(field, models.CharField) and validate_single_line not in field.validators
    ]
    assert unguarded == []
    assert validate_single_line in User._meta.get_field("full_name").validators


@pytest.mark.django_db
def test_it_refuses_a_line_break_in_my_location(client_for, employee):
    response = client_for(employee).post(
        "/people/me/edit/", {"location": "London\nUK", "timezone": "Europe/London"}
    )
    assert response.status_code == 200
    assert "single line" in response.content.decode()
    assert User.objects.get(pk=employee.pk).location != "London\nUK"


def test_it_refuses_a_line_break_in_a_check_in_template_name():
    from checkins.forms import TemplateForm

    form = TemplateForm(data={"name": "Weekly\r\nsync", "agenda": "First line\nSecond line"})
    assert not form.is_valid()
    assert list(form.errors) == ["name"]


def test_it_refuses_a_line_break_in_a_milestone_title():
    from mentorships.forms import MilestoneRowForm

    form = MilestoneRowForm(data={"title": "Ship\nit", "due_date": ""})
    assert not form.is_valid()
    assert "title" in form.errors
