"""Forms ignore fields the user may not set.

Each test posts a valid form plus a bundle of extra fields naming things the user must not
control (the mentorship's program, status and mentor, their own HR/staff flags, manager,
department, another person's rows...). The database is snapshotted before and after: only the
form's own fields of the user's own rows may change, and new rows belong where the URL says.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from checkins.models import CheckIn, Pulse
from mentorships.models import Goal, Mentorship, Milestone, ResetRequest
from people.models import Department, User
from programs.models import Enrolment
from reminders.models import NotificationPreference
from tests.factories import EnrolmentFactory
from tests.site.access_world import Diff, World, build_world, diff, fingerprint

TODAY = date.today()


@pytest.fixture
def world(db) -> World:
    return build_world()


def extras(w: World, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Fields a participant must never be able to set, pointing at someone else's rows."""
    other_department = Department.objects.create(name="Finance (hijacked)")
    data = {
        "program": w.q.pk,
        "program_id": w.q.pk,
        "status": "ended",
        "mentor": w.other_mentor.pk,
        "mentor_id": w.other_mentor.pk,
        "mentee": w.other_mentee.pk,
        "mentorship": w.m2.pk,
        "mentorship_id": w.m2.pk,
        "author": w.mentor.pk,
        "user": w.other_mentee.pk,
        "user_id": w.other_mentee.pk,
        "owner": w.mentor.pk,
        "role": "mentor",
        "capacity": "9",
        "is_hr_coordinator": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "",
        "can_view_leadership": "on",
        "manager": w.outside_manager.pk,
        "department": other_department.pk,
        "email": "hijack@evil.example",
        "full_name": "Hijacked",
        "job_title": "CEO",
        "end_reason": "withdrew",
        "source": "matching",
        "started_on": "2000-01-01",
        "ended_on": "2000-01-02",
        "decided_by": w.mentee.pk,
        "created_by": w.mentee.pk,
        "raised_by": w.mentee.pk,
        "resolved_at": "2020-01-01T00:00",
        "resolved_by": w.mentee.pk,
        "outcome": "reassigned",
        "done_at": "2020-01-01T00:00",
        "mentor_confirmed_at": "2020-01-01T00:00",
        "mentee_confirmed_at": "2020-01-01T00:00",
        "score": "5",
        "goal": w.goal2.pk,
        "checkin": w.checkin2.pk,
        "private_notes_visible_to_hr": "on",
        "created_at": "2000-01-01",
        "pk": w.m2.pk,
        "id": w.m2.pk,
    }
    return {k: str(v) for k, v in data.items() if k not in skip}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_only(
    changes: Diff, allowed: dict[tuple[str, object], set[str]], created: set[str] = frozenset()
) -> None:
    for key, fields in changes.changed.items():
        extra = fields - allowed.get(key, set())
        assert not extra, f"{key} changed fields the form doesn't have: {sorted(extra)}"
    unexpected = set(changes.created) - set(created)
    assert not unexpected, f"rows were created in {sorted(unexpected)}"
    assert not changes.deleted, f"rows were deleted from {sorted(changes.deleted)}"


def post(user: User, url: str, data: dict) -> Diff:
    before = fingerprint()
    response = client_for(user).post(url, data)
    context = getattr(response, "context", None)
    errors = context and context.get("form") and context["form"].errors
    assert response.status_code == 302, (
        f"the valid form was refused ({response.status_code}): {errors}"
    )
    return diff(before, fingerprint())


def goal_data(w: World, title: str) -> dict[str, str]:
    return {
        "title": title,
        "description": "d",
        "success_measure": "s",
        "target_date": str(TODAY + timedelta(days=30)),
        "status": "in_progress",
        "skills": str(w.goal.skills.get().pk),
    }


def test_it_ignores_extra_fields_on_the_goal_edit_form(world):
    url = reverse("mentorships:goal_edit", args=[world.goal.pk])
    changes = post(
        world.mentee, url, {**extras(world, skip=("status",)), **goal_data(world, "New title")}
    )
    fields = {"title", "description", "success_measure", "target_date", "status", "updated_at"}
    assert_only(changes, {("mentorships.Goal", world.goal.pk): fields})
    goal = Goal.objects.get(pk=world.goal.pk)
    assert (goal.title, goal.mentorship_id) == ("New title", world.m.pk)


def test_it_creates_a_goal_only_in_the_mentorship_of_the_url(world):
    url = reverse("mentorships:goal_create", args=[world.m.pk])
    changes = post(
        world.mentee, url, {**extras(world, skip=("status",)), **goal_data(world, "Second goal")}
    )
    assert_only(changes, {}, created={"mentorships.Goal"})
    created = Goal.objects.get(title="Second goal")
    assert created.mentorship_id == world.m.pk


def test_it_ignores_extra_fields_on_the_agreement_form(world):
    url = reverse("mentorships:agreement_edit", args=[world.m.pk])
    data = {
        "meeting_frequency": "Weekly",
        "channel": "Teams",
        "confidentiality": "Private",
        "mentor_owns": "Agenda",
        "mentee_owns": "Notes",
    }
    changes = post(world.mentee, url, {**extras(world), **data})
    fields = {*data, "mentor_confirmed_at", "mentee_confirmed_at", "updated_at"}
    assert_only(
        changes,
        {("mentorships.Agreement", world.agreement.pk): fields},
        created={"mentorships.MentorshipEvent", "audit.AuditEvent"},
    )
    agreement = world.m.__class__.objects.get(pk=world.m.pk).agreement
    assert agreement.channel == "Teams"
    # A confirmation can only be given through the confirm button, never posted as a date.
    assert agreement.mentee_confirmed_at is None or agreement.mentee_confirmed_at.year != 2020


def test_it_logs_a_checkin_only_for_the_mentorship_and_author_of_the_request(world):
    url = reverse("checkins:create", args=[world.m.pk])
    data = {
        "date": str(TODAY),
        "duration_minutes": "30",
        "activity": "pair_programming",
        "private_notes": "mine",
        "shared_summary": "s",
        "next_steps": "",
        "next_meeting_date": "",
        "pulse": "5",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "10",
    }
    changes = post(world.mentee, url, {**extras(world, skip=("goal", "checkin")), **data})
    assert_only(
        changes,
        {},
        created={
            "checkins.CheckIn",
            "checkins.Pulse",
            "checkins.ActionItem",
            "reminders.AtRiskFlag",
            "outbox.Event",  # "check-in logged", for the webhooks
        },
    )
    created = CheckIn.objects.get(private_notes="mine")
    assert (created.mentorship_id, created.author_id) == (world.m.pk, world.mentee.pk)
    assert Pulse.objects.get(checkin=created).user_id == world.mentee.pk


def test_it_ignores_extra_fields_on_the_enrolment_form(world):
    enrolment = world.pending_enrolment
    url = reverse("programs:enrolment_edit", args=[world.o.slug])
    data = {
        "career_track": "cloud",
        "career_goal": "Own the platform",
        "communication_style": "direct",
        "meeting_mode": "video",
        "years_experience": "3",
        "seniority": "junior",
        "hours_per_month": "6",
        "avoid_emails": "",
        "skills-TOTAL_FORMS": "1",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "12",
        "skills-0-skill": str(world.goal.skills.get().pk),
        "skills-0-level": "1",
        "skills-0-target_level": "3",
    }
    changes = post(world.mentee, url, {**extras(world), **data})
    form_fields = {
        "career_track",
        "career_goal",
        "communication_style",
        "meeting_mode",
        "years_experience",
        "seniority",
        "hours_per_month",
        "prefer_other_department",
        "updated_at",
        # The service sets a mentee's capacity to 1 itself (checked below: not 9).
        "capacity",
    }
    assert_only(
        changes,
        {("programs.Enrolment", enrolment.pk): form_fields},
        created={"programs.EnrolmentSkill", "audit.AuditEvent"},
    )
    enrolment.refresh_from_db()
    assert (
        enrolment.status,
        enrolment.role,
        enrolment.program_id,
        enrolment.user_id,
        enrolment.capacity,
        enrolment.career_goal,
    ) == ("pending", "mentee", world.o.pk, world.mentee.pk, 1, "Own the platform")


def test_it_enrols_the_requester_with_the_status_the_program_decides(world):
    newcomer = world.outside_report
    url = reverse("programs:enrol", args=[world.o.slug, "mentee"])
    data = {
        "career_track": "cloud",
        "career_goal": "Learn",
        "communication_style": "direct",
        "meeting_mode": "video",
        "years_experience": "1",
        "seniority": "junior",
        "hours_per_month": "4",
        "avoid_emails": "",
        "skills-TOTAL_FORMS": "1",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "12",
        "skills-0-skill": str(world.goal.skills.get().pk),
        "skills-0-level": "1",
        "skills-0-target_level": "3",
    }
    changes = post(newcomer, url, {**extras(world, skip=("status",)), "status": "approved", **data})
    assert_only(
        changes,
        {},
        created={
            "programs.Enrolment",
            "programs.EnrolmentSkill",
            "audit.AuditEvent",
            "outbox.OutboxMessage",
        },
    )
    created = Enrolment.objects.get(user=newcomer)
    # Program O needs the manager's approval: a posted "approved" status changes nothing.
    assert (created.program_id, created.role, created.status) == (world.o.pk, "mentee", "pending")


def test_it_ignores_role_and_reporting_line_fields_on_the_profile_form(world):
    url = reverse("people:profile_edit")
    changes = post(
        world.mentee, url, {**extras(world), "location": "Lisbon", "timezone": "Europe/Lisbon"}
    )
    assert_only(
        changes,
        {("people.User", world.mentee.pk): {"location", "timezone"}},
    )
    me = User.objects.get(pk=world.mentee.pk)
    assert (
        me.is_hr_coordinator,
        me.is_staff,
        me.is_superuser,
        me.can_view_leadership,
        me.is_active,
    ) == (False, False, False, False, True)
    assert (me.manager_id, me.email, me.location) == (
        world.line_manager.pk,
        world.mentee.email,
        "Lisbon",
    )


def test_it_saves_preferences_only_for_the_requester(world):
    url = reverse("reminders:preferences")
    changes = post(world.mentee, url, {**extras(world), "email_enabled": ""})
    assert_only(changes, {}, created={"reminders.NotificationPreference"})
    assert not NotificationPreference.objects.filter(user=world.other_mentee).exists()
    assert NotificationPreference.objects.get(user=world.mentee).email_enabled is False


def test_it_raises_a_reset_only_as_the_requester_on_the_url_mentorship(world):
    url = reverse("mentorships:reset_request", args=[world.m.pk])
    changes = post(world.mentor, url, {**extras(world), "reason": "We never meet"})
    assert_only(
        changes,
        {},
        created={
            "mentorships.ResetRequest",
            "mentorships.MentorshipEvent",
            "audit.AuditEvent",
            "outbox.OutboxMessage",
        },
    )
    created = ResetRequest.objects.get(reason="We never meet")
    assert (created.mentorship_id, created.raised_by_id, created.resolved_at, created.outcome) == (
        world.m.pk,
        world.mentor.pk,
        None,
        "",
    )


def test_it_adds_milestones_only_to_the_goal_of_the_url(world):
    url = reverse("mentorships:milestones_add", args=[world.goal.pk])
    data = {
        "ms-TOTAL_FORMS": "1",
        "ms-INITIAL_FORMS": "0",
        "ms-MIN_NUM_FORMS": "0",
        "ms-MAX_NUM_FORMS": "24",
        "ms-0-title": "Pass the exam",
        "ms-0-due_date": str(TODAY + timedelta(days=20)),
    }
    changes = post(world.mentee, url, {**extras(world), **data})
    assert_only(changes, {}, created={"mentorships.Milestone"})
    assert Milestone.objects.get(title="Pass the exam").goal_id == world.goal.pk


def test_it_marks_a_milestone_done_now_whatever_date_is_posted(world):
    url = reverse("mentorships:milestone_done", args=[world.milestone.pk])
    changes = post(world.mentee, url, {**extras(world), "evidence": "link", "title": "Renamed"})
    assert_only(
        changes,
        {("mentorships.Milestone", world.milestone.pk): {"done_at", "evidence"}},
        created={"mentorships.MentorshipEvent", "audit.AuditEvent"},
    )
    milestone = Milestone.objects.get(pk=world.milestone.pk)
    assert milestone.done_at.date() == TODAY
    assert milestone.title == "Deploy to staging"


def test_it_records_a_pulse_only_for_the_requester(world):
    url = reverse("checkins:pulse", args=[world.checkin.pk])
    mentee_pulse = Pulse.objects.get(checkin=world.checkin, user=world.mentee)
    changes = post(world.mentor, url, {**extras(world), "score": "2"})
    assert_only(changes, {}, created={"checkins.Pulse"})
    assert Pulse.objects.get(pk=mentee_pulse.pk).score == 4
    assert Pulse.objects.get(checkin=world.checkin, user=world.mentor).score == 2


def test_it_pairs_only_in_the_program_of_the_url_whatever_hr_posts(world):
    newcomer = world.outside_report
    EnrolmentFactory(program=world.p, user=newcomer, role="mentee")
    url = reverse("mentorships:pairing_create", args=[world.p.slug])
    data = {
        **extras(world, skip=("mentor", "mentee")),
        "mentor": str(world.mentor.pk),
        "mentee": str(newcomer.pk),
        "note": "HR pairing",
    }
    before = fingerprint()
    response = client_for(world.hr).post(url, data)
    assert response.status_code == 302
    changes = diff(before, fingerprint())
    assert_only(
        changes,
        {},
        created={
            "mentorships.Mentorship",
            "mentorships.Agreement",
            "mentorships.MentorshipEvent",
            "audit.AuditEvent",
            "outbox.OutboxMessage",
            "outbox.Event",  # "mentorship created", for the webhooks
        },
    )
    created = Mentorship.objects.get(mentee=newcomer)
    assert (
        created.program_id,
        created.mentor_id,
        created.status,
        created.source,
        created.created_by_id,
    ) == (world.p.pk, world.mentor.pk, "active", "manual", world.hr.pk)
    assert created.started_on == TODAY
