"""A program's audit log page: for its coordinators only, in constant queries."""

import pytest

from audit.services import audit_record
from tests.factories import HRFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_program_log_to_its_coordinators(client_for):
    hr = HRFactory()
    program = ProgramFactory(coordinators=[hr])
    audit_record(actor=hr, action="program.updated", obj=program, program=program)
    response = client_for(hr).get(f"/audit/program/{program.slug}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"{hr.full_name} changed the program&#x27;s settings" in body
    assert "program.updated" not in body


def test_it_refuses_the_log_to_hr_of_another_program(client_for, other_hr):
    program = ProgramFactory(coordinators=[HRFactory()])
    assert client_for(other_hr).get(f"/audit/program/{program.slug}/").status_code == 403


def test_it_lists_the_log_in_constant_queries(client_for, django_assert_max_num_queries):
    hr = HRFactory()
    program = ProgramFactory(coordinators=[hr])
    client = client_for(hr)
    for n in (3, 30):
        for _ in range(n):
            audit_record(actor=hr, action="program.updated", obj=program, program=program)
        with django_assert_max_num_queries(8):
            assert client.get(f"/audit/program/{program.slug}/").status_code == 200


def test_it_describes_events_in_words():
    from audit.describe import describe

    hr = HRFactory(full_name="Ana Silva")
    program = ProgramFactory(coordinators=[hr])
    published = audit_record(
        actor=hr, action="matching.run_published", program=program, payload={"pairs": 12}
    )
    published.object_id = "3"
    changed = audit_record(
        actor=hr, action="program.updated", obj=program, payload={"fields": ["cadence_days"]}
    )
    unknown = audit_record(actor=None, action="some_app.thing_done")
    assert describe(published) == "Ana Silva published run 3 (12 pairs)"
    assert describe(changed) == "Ana Silva changed the program's cadence days"
    assert describe(unknown) == "The system some app thing done"
