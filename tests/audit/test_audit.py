import pytest
from django.contrib.admin.sites import site

from audit.models import AuditEvent
from audit.services import audit_record
from tests.factories import HRFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_it_records_who_did_what_on_which_object():
    hr = HRFactory()
    program = ProgramFactory(coordinators=[hr])
    event = audit_record(
        actor=hr, action="program.updated", obj=program, program=program, payload={"field": "name"}
    )
    event.refresh_from_db()
    assert (event.actor_label, event.object_type, event.object_id) == (
        hr.email,
        "programs.program",
        str(program.pk),
    )


def test_it_never_stores_note_content():
    event = audit_record(
        actor=None,
        action="checkin.logged",
        payload={"private_notes": "secret", "shared_summary": "x", "count": 1},
    )
    assert event.payload == {"count": 1}


def test_it_lets_nobody_edit_the_log_in_the_admin(rf):
    admin = site._registry[AuditEvent]
    request = rf.get("/")
    assert not admin.has_change_permission(request) and not admin.has_delete_permission(request)
    assert not admin.has_add_permission(request)


def test_it_logs_a_program_status_change(client_for):
    hr = HRFactory()
    program = ProgramFactory(coordinators=[hr], status="draft")
    client_for(hr).post(f"/programs/{program.slug}/status/", {"status": "enrolling"})
    event = AuditEvent.objects.get(action="program.status_changed")
    assert (event.program_id, event.payload) == (program.pk, {"status": "enrolling"})


def test_it_logs_a_manual_pairing_by_hr():
    from mentorships.services import mentorship_end
    from tests.factories import MentorshipFactory

    hr = HRFactory()
    mentorship = MentorshipFactory()
    mentorship_end(mentorship=mentorship, reason="not_working", by=hr)
    assert AuditEvent.objects.filter(action="mentorship.ended", actor=hr).exists()


def test_it_keeps_participants_own_actions_out_of_the_audit_log():
    from mentorships.services import mentorship_end
    from tests.factories import MentorshipFactory

    mentorship = MentorshipFactory()
    mentorship_end(mentorship=mentorship, reason="withdrew", by=mentorship.mentee)
    assert not AuditEvent.objects.filter(action="mentorship.ended").exists()


def test_it_logs_an_applied_import():
    from imports.services import batch_apply, batch_preview
    from tests.imports.helpers import people_csv, person

    hr = HRFactory()
    batch = batch_preview(
        kind="people",
        content=people_csv(person("new.joiner@example.com")),
        filename="people.csv",
        uploaded_by=hr,
    )
    assert batch_apply(batch_id=batch.pk, actor=hr).applied
    event = AuditEvent.objects.get(action="import.people.applied")
    assert (event.actor_id, event.payload["create"]) == (hr.pk, 1)


def test_it_logs_a_dashboard_export(client_for):
    hr = HRFactory()
    ProgramFactory(coordinators=[hr])
    response = client_for(hr).get("/metrics/?format=zip")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="dashboard.exported")
    assert (event.actor_id, event.payload["dashboard"]) == (hr.pk, "programs")


def test_it_logs_a_leadership_grant():
    from metrics.services import leadership_access_set
    from tests.factories import UserFactory

    hr, person = HRFactory(), UserFactory()
    leadership_access_set(user=person, granted=True, by=hr)
    leadership_access_set(user=person, granted=True, by=hr)
    assert AuditEvent.objects.filter(action="role.leadership_granted").count() == 1
