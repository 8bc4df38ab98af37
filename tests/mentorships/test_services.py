from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mentorships import services
from mentorships.models import Agreement, Mentorship, MentorshipEvent, ResetRequest
from tests import factories
from tests.mentorships.conftest import enrol

pytestmark = pytest.mark.django_db


def test_it_creates_an_active_mentorship_with_a_prefilled_agreement(
    program, mentor, mentee, hr_user
):
    m = services.mentorship_create(program=program, mentor=mentor, mentee=mentee, by=hr_user)
    m.refresh_from_db()
    assert m.status == "active" and m.started_on == date.today() and m.created_by == hr_user
    agreement = Agreement.objects.get(mentorship=m)
    assert agreement.meeting_frequency == "Every two weeks, 45 minutes."
    assert MentorshipEvent.objects.filter(mentorship=m, kind="created").exists()


def test_it_uses_the_cadence_when_the_program_has_no_meeting_text(hr_user):
    program = factories.ProgramFactory(
        status="active", meeting_cadence="weekly", meeting_expectations=""
    )
    m = services.mentorship_create(
        program=program, mentor=enrol(program, role="mentor"), mentee=enrol(program), by=hr_user
    )
    assert m.agreement.meeting_frequency == "Weekly"


def test_it_keeps_matching_details_on_a_proposed_mentorship(program, mentor, mentee):
    m = services.mentorship_create(
        program=program,
        mentor=mentor,
        mentee=mentee,
        by=None,
        source="matching",
        status="proposed",
        score=87,
        explanation=[{"factor": "skills", "points": 40}],
    )
    m.refresh_from_db()
    assert (m.status, m.source, m.score, m.started_on) == ("proposed", "matching", 87, None)
    assert m.explanation == [{"factor": "skills", "points": 40}]


def test_it_refuses_pairing_someone_with_themselves(program, mentor):
    with pytest.raises(ValidationError, match="themselves"):
        services.mentorship_create(program=program, mentor=mentor, mentee=mentor, by=None)
    assert not Mentorship.objects.exists()


def test_it_refuses_a_mentor_over_capacity(program, hr_user):
    mentor = enrol(program, role="mentor", capacity=1)
    services.mentorship_create(program=program, mentor=mentor, mentee=enrol(program), by=hr_user)
    with pytest.raises(ValidationError, match="capacity"):
        services.mentorship_create(
            program=program, mentor=mentor, mentee=enrol(program), by=hr_user
        )
    assert Mentorship.objects.count() == 1


def test_it_frees_capacity_when_a_mentorship_ends(program, hr_user):
    mentor = enrol(program, role="mentor", capacity=1)
    first = services.mentorship_create(
        program=program, mentor=mentor, mentee=enrol(program), by=hr_user
    )
    services.mentorship_end(mentorship=first, reason="other", note="moved team", by=hr_user)
    services.mentorship_create(program=program, mentor=mentor, mentee=enrol(program), by=hr_user)
    assert Mentorship.objects.filter(status="active").count() == 1


def test_it_refuses_a_group_beyond_the_maximum_size(hr_user):
    program = factories.ProgramFactory(
        status="active", format="group", min_group_size=2, max_group_size=2
    )
    mentor = enrol(program, role="mentor", capacity=5)
    for _ in range(2):
        services.mentorship_create(
            program=program, mentor=mentor, mentee=enrol(program), by=hr_user
        )
    with pytest.raises(ValidationError, match="group is full"):
        services.mentorship_create(
            program=program, mentor=mentor, mentee=enrol(program), by=hr_user
        )


def test_it_refuses_a_second_live_mentorship_for_a_mentee(program, mentor, mentee, hr_user):
    other_mentor = enrol(program, role="mentor")
    services.mentorship_create(program=program, mentor=mentor, mentee=mentee, by=hr_user)
    with pytest.raises(ValidationError, match="already has a live mentorship"):
        services.mentorship_create(program=program, mentor=other_mentor, mentee=mentee, by=hr_user)


def test_it_refuses_people_without_an_approved_enrolment(program, mentor, hr_user):
    pending = enrol(program, status="pending")
    outsider = factories.UserFactory()
    for person in (pending, outsider):
        with pytest.raises(ValidationError, match="no approved enrolment"):
            services.mentorship_create(program=program, mentor=mentor, mentee=person, by=hr_user)


def test_it_refuses_swapped_roles(program, mentor, mentee, hr_user):
    with pytest.raises(ValidationError, match="not as a mentor"):
        services.mentorship_create(program=program, mentor=mentee, mentee=mentor, by=hr_user)


def test_it_refuses_a_mentor_in_the_mentees_reporting_line(program, hr_user):
    boss = enrol(program, role="mentor")
    middle = factories.UserFactory(manager=boss)
    report = enrol(program, factories.UserFactory(manager=middle))
    with pytest.raises(ValidationError, match="reporting line"):
        services.mentorship_create(program=program, mentor=boss, mentee=report, by=hr_user)


def test_it_refuses_pairings_in_a_closed_program(hr_user):
    program = factories.ProgramFactory(status="closed")
    with pytest.raises(ValidationError, match="closed"):
        services.mentorship_create(
            program=program, mentor=enrol(program, role="mentor"), mentee=enrol(program), by=hr_user
        )


def test_it_keeps_each_peer_in_one_pairing(hr_user):
    program = factories.ProgramFactory(status="active", format="peer")
    a, b, c = (enrol(program, role="peer", capacity=3) for _ in range(3))
    services.mentorship_create(program=program, mentor=a, mentee=b, by=hr_user)
    with pytest.raises(ValidationError, match="peer pairing"):
        services.mentorship_create(program=program, mentor=c, mentee=a, by=hr_user)
    with pytest.raises(ValidationError, match="peer pairing"):
        services.mentorship_create(program=program, mentor=b, mentee=c, by=hr_user)


def test_it_refuses_mentor_and_mentee_roles_in_a_peer_program(hr_user):
    program = factories.ProgramFactory(status="active", format="peer")
    with pytest.raises(ValidationError, match="peers"):
        services.mentorship_create(
            program=program,
            mentor=enrol(program, role="mentor"),
            mentee=enrol(program, role="peer"),
            by=hr_user,
        )


def test_it_activates_a_proposed_mentorship_once(program, mentor, mentee, hr_user):
    m = services.mentorship_create(
        program=program, mentor=mentor, mentee=mentee, by=None, status="proposed"
    )
    services.mentorship_activate(mentorship=m, by=hr_user)
    assert Mentorship.objects.get(pk=m.pk).started_on == date.today()
    with pytest.raises(ValidationError, match="it is active"):
        services.mentorship_activate(mentorship=m, by=hr_user)


def test_it_pauses_and_resumes_with_a_recorded_reason(pairing, hr_user):
    services.mentorship_pause(mentorship=pairing, reason="Mentor on parental leave", by=hr_user)
    assert Mentorship.objects.get(pk=pairing.pk).status == "paused"
    assert MentorshipEvent.objects.get(mentorship=pairing, kind="paused").reason == (
        "Mentor on parental leave"
    )
    services.mentorship_resume(mentorship=pairing, by=hr_user)
    assert Mentorship.objects.get(pk=pairing.pk).status == "active"


def test_it_refuses_a_pause_without_reason(pairing, hr_user):
    with pytest.raises(ValidationError, match="reason"):
        services.mentorship_pause(mentorship=pairing, reason="  ", by=hr_user)
    assert Mentorship.objects.get(pk=pairing.pk).status == "active"


def test_it_applies_a_transition_only_once_from_a_stale_copy(pairing, hr_user):
    stale = Mentorship.objects.get(pk=pairing.pk)
    services.mentorship_pause(mentorship=pairing, reason="leave", by=hr_user)
    with pytest.raises(ValidationError, match="it is paused"):
        services.mentorship_pause(mentorship=stale, reason="leave", by=hr_user)
    assert MentorshipEvent.objects.filter(kind="paused").count() == 1


def test_it_ends_early_with_a_reason(pairing, hr_user):
    services.mentorship_end(
        mentorship=pairing, reason="left_company", note="Left in May", by=hr_user
    )
    m = Mentorship.objects.get(pk=pairing.pk)
    assert (m.status, m.end_reason, m.end_note, m.ended_on) == (
        "ended",
        "left_company",
        "Left in May",
        date.today(),
    )


def test_it_refuses_an_unknown_end_reason(pairing, hr_user):
    with pytest.raises(ValidationError, match="why"):
        services.mentorship_end(mentorship=pairing, reason="bored", by=hr_user)
    assert Mentorship.objects.get(pk=pairing.pk).status == "active"


def test_it_completes_a_mentorship(pairing, hr_user):
    services.mentorship_complete(mentorship=pairing, by=hr_user)
    m = Mentorship.objects.get(pk=pairing.pk)
    assert (m.status, m.ended_on) == ("completed", date.today())
    with pytest.raises(ValidationError):
        services.mentorship_resume(mentorship=m, by=hr_user)


def test_it_reassigns_and_links_the_new_mentorship(program, pairing, hr_user):
    new_mentor = enrol(program, role="mentor")
    new = services.mentorship_reassign(
        mentorship=pairing, new_mentor=new_mentor, reason="Different time zones", by=hr_user
    )
    old = Mentorship.objects.get(pk=pairing.pk)
    assert (old.status, old.end_reason, old.replaced_by_id) == ("ended", "reassigned", new.pk)
    assert (new.mentor, new.mentee, new.status) == (new_mentor, pairing.mentee, "active")
    assert "Different time zones" in old.end_note


def _goals(pairing):
    from django.utils import timezone

    from mentorships.models import Goal, Milestone

    skill = factories.SkillFactory(name="Carried skill")
    open_goal = Goal.objects.create(
        mentorship=pairing,
        title="Run the on-call rota",
        status="in_progress",
        description="Own one week",
    )
    open_goal.skills.add(skill)
    Milestone.objects.create(
        goal=open_goal,
        title="Shadow a week",
        due_date=date.today(),
        done_at=timezone.now(),
        evidence="Did it",
    )
    Milestone.objects.create(goal=open_goal, title="Lead a week", due_date=date.today())
    Goal.objects.create(mentorship=pairing, title="Finished goal", status="achieved")
    Goal.objects.create(mentorship=pairing, title="Dropped goal", status="dropped")
    return skill


def test_it_carries_open_goals_with_skills_and_milestones_to_the_new_pairing(
    program, pairing, hr_user
):
    skill = _goals(pairing)
    new = services.mentorship_reassign(
        mentorship=pairing,
        new_mentor=enrol(program, role="mentor"),
        reason="Different time zones",
        by=hr_user,
    )
    (goal,) = Mentorship.objects.get(pk=new.pk).goals.all()
    assert (goal.title, goal.status, goal.description) == (
        "Run the on-call rota",
        "in_progress",
        "Own one week",
    )
    assert list(goal.skills.all()) == [skill]
    assert [(m.title, m.is_done, m.evidence) for m in goal.milestones.all()] == [
        ("Shadow a week", True, "Did it"),
        ("Lead a week", False, ""),
    ]


def test_it_keeps_every_goal_on_the_old_pairing_as_its_record(program, pairing, hr_user):
    _goals(pairing)
    services.mentorship_reassign(
        mentorship=pairing,
        new_mentor=enrol(program, role="mentor"),
        reason="Different time zones",
        by=hr_user,
    )
    old = Mentorship.objects.get(pk=pairing.pk)
    assert sorted(g.title for g in old.goals.all()) == [
        "Dropped goal",
        "Finished goal",
        "Run the on-call rota",
    ]
    assert old.goals.get(title="Run the on-call rota").milestones.count() == 2
    event = MentorshipEvent.objects.get(mentorship=old, kind="reassigned")
    assert "1 open goal(s) carried over" in event.reason


def test_it_rolls_back_a_reassign_to_a_full_mentor(program, pairing, hr_user):
    full = enrol(program, role="mentor", capacity=1)
    services.mentorship_create(program=program, mentor=full, mentee=enrol(program), by=hr_user)
    with pytest.raises(ValidationError, match="capacity"):
        services.mentorship_reassign(mentorship=pairing, new_mentor=full, reason="x", by=hr_user)
    assert Mentorship.objects.get(pk=pairing.pk).status == "active"
    assert Mentorship.objects.filter(mentee=pairing.mentee).count() == 1


def test_it_refuses_a_reassign_without_reason(program, pairing, hr_user):
    with pytest.raises(ValidationError, match="reason"):
        services.mentorship_reassign(
            mentorship=pairing, new_mentor=enrol(program, role="mentor"), reason="", by=hr_user
        )


def test_it_lets_a_participant_raise_one_open_reset_request(pairing):
    services.reset_request_create(mentorship=pairing, raised_by=pairing.mentee, reason="No time")
    with pytest.raises(ValidationError, match="already have an open request"):
        services.reset_request_create(mentorship=pairing, raised_by=pairing.mentee, reason="x")
    assert ResetRequest.objects.count() == 1


def test_it_refuses_a_reset_request_from_an_outsider(pairing, stranger):
    with pytest.raises(PermissionDenied, match="Only the two people"):
        services.reset_request_create(mentorship=pairing, raised_by=stranger, reason="x")
    assert not ResetRequest.objects.exists()


def test_it_resets_a_pairing_by_ending_it(pairing, hr_user):
    req = services.reset_request_create(
        mentorship=pairing, raised_by=pairing.mentor, reason="We never meet"
    )
    services.reset_request_resolve(request=req, by=hr_user, action="reset", note="Ending it")
    m = Mentorship.objects.get(pk=pairing.pk)
    req.refresh_from_db()
    assert (m.status, m.end_reason) == ("ended", "not_working")
    assert (req.outcome, req.resolved_by) == ("ended", hr_user)


def test_it_resets_a_pairing_by_reassigning(program, pairing, hr_user):
    new_mentor = enrol(program, role="mentor")
    req = services.reset_request_create(
        mentorship=pairing, raised_by=pairing.mentee, reason="Clash"
    )
    services.reset_request_resolve(request=req, by=hr_user, action="reset", new_mentor=new_mentor)
    assert Mentorship.objects.get(pk=pairing.pk).replaced_by.mentor == new_mentor
    assert ResetRequest.objects.get(pk=req.pk).outcome == "reassigned"


def test_it_dismisses_a_request_once(pairing, hr_user):
    req = services.reset_request_create(
        mentorship=pairing, raised_by=pairing.mentee, reason="Clash"
    )
    services.reset_request_resolve(request=req, by=hr_user, action="dismiss", note="Talked")
    with pytest.raises(ValidationError, match="already resolved"):
        services.reset_request_resolve(request=req, by=hr_user, action="reset")
    assert Mentorship.objects.get(pk=pairing.pk).status == "active"


def test_it_clears_confirmations_when_the_agreement_changes(pairing):
    agreement = pairing.agreement
    services.agreement_confirm(agreement=agreement, by=pairing.mentor)
    services.agreement_update(agreement=agreement, by=pairing.mentee, data={"channel": "Teams"})
    agreement.refresh_from_db()
    assert agreement.channel == "Teams" and agreement.mentor_confirmed_at is None


def test_it_locks_the_agreement_once_both_confirm(pairing):
    agreement = pairing.agreement
    services.agreement_confirm(agreement=agreement, by=pairing.mentor)
    services.agreement_confirm(agreement=agreement, by=pairing.mentee)
    with pytest.raises(ValidationError, match="can't be edited"):
        services.agreement_update(agreement=agreement, by=pairing.mentee, data={"channel": "x"})
    with pytest.raises(ValidationError, match="already confirmed"):
        services.agreement_confirm(agreement=agreement, by=pairing.mentee)


def test_it_lets_only_the_mentee_create_goals(pairing):
    skill = factories.SkillFactory()
    with pytest.raises(ValidationError, match="only they"):
        services.goal_create(
            mentorship=pairing, by=pairing.mentor, data={"title": "x"}, skills=[skill]
        )
    goal = services.goal_create(
        mentorship=pairing, by=pairing.mentee, data={"title": "Pass AWS SAA"}, skills=[skill]
    )
    assert list(goal.skills.all()) == [skill]


def test_it_marks_a_milestone_done_with_evidence_and_undoes_it(pairing):
    milestone = factories.MilestoneFactory(goal=factories.GoalFactory(mentorship=pairing))
    services.milestone_mark_done(milestone=milestone, by=pairing.mentor, evidence="PR #42")
    milestone.refresh_from_db()
    assert milestone.is_done and milestone.evidence == "PR #42"
    with pytest.raises(ValidationError, match="already done"):
        services.milestone_mark_done(milestone=milestone, by=pairing.mentee)
    services.milestone_undo(milestone=milestone, by=pairing.mentee)
    milestone.refresh_from_db()
    assert not milestone.is_done


def test_it_refuses_goal_changes_after_the_mentorship_ended(pairing, hr_user):
    goal = factories.GoalFactory(mentorship=pairing)
    services.mentorship_end(mentorship=pairing, reason="other", by=hr_user)
    goal.refresh_from_db()
    with pytest.raises(ValidationError, match="finished"):
        services.goal_update(goal=goal, by=pairing.mentee, data={"title": "y"}, skills=[])


def test_it_refuses_a_milestone_change_from_an_outsider_with_the_shared_participant_rule(
    pairing, stranger
):
    goal = factories.GoalFactory(mentorship=pairing)
    milestone = factories.MilestoneFactory(goal=goal)
    with pytest.raises(PermissionDenied, match="Only the two people in this mentorship"):
        services.milestone_mark_done(milestone=milestone, by=stranger)
    milestone.refresh_from_db()
    assert milestone.done_at is None
