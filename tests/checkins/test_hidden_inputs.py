"""Hidden fields drawn in Python (core/drawn.py): the markup Django's form templates drew."""

import pytest

from checkins.forms import ActionItemFormSet, CheckInForm
from checkins.models import CheckInTemplate
from checkins.templatetags.checkin_tags import hidden

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
