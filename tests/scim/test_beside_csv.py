"""The CSV import of the directory keeps working beside SCIM, on the same people."""

import pytest
from django.contrib.auth import get_user_model

from imports.models import ImportKind
from imports.services import batch_apply, batch_preview
from tests import factories
from tests.scim.conftest import user_payload

User = get_user_model()
pytestmark = pytest.mark.django_db


def test_it_lets_the_csv_import_update_a_person_scim_created(scim):
    body = scim.post("Users", user_payload("ada@example.com", department="Platform")).json()
    hr = factories.HRFactory()
    content = (
        "email,full_name,job_title,department\n"
        "ada@example.com,Ada Lovelace,Head of Platform,Platform\n"
        "new@example.com,New Person,Engineer,Research\n"
    )
    batch = batch_preview(
        kind=ImportKind.PEOPLE, content=content, filename="people.csv", uploaded_by=hr
    )
    assert batch_apply(batch_id=batch.pk, actor=hr).applied
    ada = User.objects.get(pk=int(body["id"]))
    assert ada.job_title == "Head of Platform"
    # The imported newcomer is visible to the directory, under their email.
    found = scim.get("Users", {"filter": 'userName eq "new@example.com"'}).json()
    assert found["totalResults"] == 1
    assert scim.get(f"Users/{ada.pk}").json()["title"] == "Head of Platform"
