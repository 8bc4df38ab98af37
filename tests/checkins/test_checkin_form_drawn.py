"""The check-in form's parts drawn in Python: hidden fields (core/drawn.py) as Django's form
templates drew them, the pulse buttons as the form's template loop did."""

import pytest
from django.template import Context, Template

from checkins.forms import ActionItemFormSet, CheckInForm
from checkins.models import CheckInTemplate
from checkins.templatetags.checkin_tags import hidden, pulse_radios

pytestmark = pytest.mark.django_db

POSTED = {"items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0", "items-MAX_NUM_FORMS": "10"}


@pytest.mark.parametrize("data", [None, POSTED, {"items-TOTAL_FORMS": "x"}])
def test_it_draws_a_management_form_as_django_did(data):
    items = ActionItemFormSet(data, prefix="items", form_kwargs={"owners": []})
    assert hidden(items.management_form) == str(items.management_form)


@pytest.mark.parametrize("chosen", [None, "first", 'a"b<c>'])
def test_it_draws_the_template_field_as_django_did(pairing, chosen):
    templates = CheckInTemplate.objects.all()
    initial = {"template": templates.first().pk} if chosen == "first" else {}
    data = {"template": chosen} if chosen not in (None, "first") else None
    form = CheckInForm(data, initial=initial, mentorship=pairing, templates=templates)
    assert hidden(form["template"]) == str(form["template"])


# The pulse loop of templates/checkins/checkin_form.html before it was drawn in Python.
RADIOS_BEFORE = Template(
    "{% for radio in form.pulse %}\n"
    '      <input class="btn-check" type="radio" name="{{ radio.data.name }}" '
    'id="{{ radio.id_for_label }}" value="{{ radio.data.value }}"'
    "{% if radio.data.selected %} checked{% endif %}>\n"
    '      <label class="btn btn-outline-primary" for="{{ radio.id_for_label }}">'
    "{{ radio.choice_label }}</label>\n"
    "      {% endfor %}"
)


@pytest.mark.parametrize("data", [None, {"pulse": "4"}, {"pulse": "9"}])
def test_it_draws_the_pulse_buttons_as_the_template_loop_did(pairing, data):
    form = CheckInForm(data, mentorship=pairing, templates=CheckInTemplate.objects.all())
    assert pulse_radios(form["pulse"]) == RADIOS_BEFORE.render(Context({"form": form}))
