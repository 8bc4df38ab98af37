"""A mentee's target role, the plan proposed from the gap, evidence and its confirmation."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from careers import selectors, services
from careers.gap import propose_plan
from careers.models import ChecklistItem, Evidence, TargetRole
from core.dates import add_months
from mentorships.models import Goal, Milestone
from programs.models import Enrolment, EnrolmentSkill, Skill
from tests import factories

pytestmark = pytest.mark.django_db


def _enrolment(pair) -> Enrolment:
    return Enrolment.objects.get(program=pair.program, user=pair.mentee)


def _declare(pair, **levels) -> None:
    enrolment = _enrolment(pair)
    for name, level in levels.items():
        EnrolmentSkill.objects.create(
            enrolment=enrolment, skill=Skill.objects.get(name=name), level=level
        )


def test_it_keeps_the_share_met_when_the_target_is_chosen(pair, cloud_ops):
    _declare(pair, AWS=3, Terraform=1)
    target = services.target_role_set(enrolment=_enrolment(pair), role=cloud_ops, by=pair.mentee)
    target = TargetRole.objects.get(pk=target.pk)
    assert (target.met_at_start, target.required_at_start) == (1, 7)


def test_it_refuses_a_target_set_by_the_mentor_or_a_stranger(pair, cloud_ops):
    for who in (pair.mentor, factories.UserFactory()):
        with pytest.raises(PermissionDenied):
            services.target_role_set(enrolment=_enrolment(pair), role=cloud_ops, by=who)
    assert not TargetRole.objects.exists()


def test_it_reads_the_mentor_rating_before_the_declared_level(pair, cloud_ops):
    from django.utils import timezone

    from feedback.models import AssessmentRequest, AssessmentRound, SkillRating

    _declare(pair, AWS=1)
    round_ = AssessmentRound.objects.create(
        program=pair.program, kind="baseline", due_on=date.today()
    )
    request = AssessmentRequest.objects.create(
        round=round_,
        mentee=pair.mentee,
        rater=pair.mentor,
        rater_role="mentor",
        completed_at=timezone.now(),
    )
    SkillRating.objects.create(request=request, skill=Skill.objects.get(name="AWS"), level=3)
    assert (
        selectors.current_levels([pair.mentee_id])[pair.mentee_id][Skill.objects.get(name="AWS").pk]
        == 3
    )


def test_it_proposes_milestones_on_the_programs_monthly_cadence(pair, cloud_ops):
    _declare(pair, AWS=2, Terraform=3, **{"Linux administration": 3})
    gap = selectors.person_gap(pair.mentee_id, cloud_ops)
    dates = selectors.plan_dates(pair)
    start = pair.started_on
    assert dates[:3] == [add_months(start, 1), add_months(start, 2), add_months(start, 3)]
    plan = propose_plan(gap, dates, role_title=cloud_ops.title)
    # Docker 0 -> 3 is the largest shortfall: its three levels take the first three months.
    assert plan[0].title.startswith("Docker and containers")
    assert [due for _t, due in plan[0].milestones] == dates[:3]
    aws = next(p for p in plan if p.title.startswith("AWS"))
    assert len(aws.milestones) == 1


def test_it_proposes_quarterly_milestones_for_a_quarterly_program(pair, cloud_ops):
    pair.program.milestone_cadence = "quarterly"
    pair.program.save()
    dates = selectors.plan_dates(pair)
    assert dates[:2] == [add_months(pair.started_on, 3), add_months(pair.started_on, 6)]


def test_it_creates_the_accepted_goals_with_their_milestones_once(client_for, pair, cloud_ops):
    services.target_role_set(enrolment=_enrolment(pair), role=cloud_ops, by=pair.mentee)
    client = client_for(pair.mentee)
    page = client.get(reverse("careers:plan", args=[pair.pk]))
    assert "Cloud operations engineer" in page.content.decode()
    aws = Skill.objects.get(name="AWS")
    terraform = Skill.objects.get(name="Terraform")
    data = {
        f"take_{aws.pk}": "1",
        f"title_{aws.pk}": "Get good at AWS",
        f"take_{terraform.pk}": "1",
    }
    client.post(reverse("careers:plan_accept", args=[pair.pk]), data)
    goals = Goal.objects.filter(mentorship=pair).order_by("title")
    assert sorted(goals.values_list("title", flat=True)) == [
        "Get good at AWS",
        "Terraform: reach level 3 for Cloud operations engineer",
    ]
    assert Milestone.objects.filter(goal__title="Get good at AWS").count() == 3
    assert list(goals.get(title="Get good at AWS").skills.all()) == [aws]
    client.post(reverse("careers:plan_accept", args=[pair.pk]), data)
    assert Goal.objects.filter(mentorship=pair).count() == 2


def test_it_refuses_the_plan_to_the_mentor(client_for, pair, cloud_ops):
    services.target_role_set(enrolment=_enrolment(pair), role=cloud_ops, by=pair.mentee)
    aws = Skill.objects.get(name="AWS")
    response = client_for(pair.mentor).post(
        reverse("careers:plan_accept", args=[pair.pk]), {f"take_{aws.pk}": "1"}
    )
    assert response.status_code == 404
    assert not Goal.objects.exists()


def test_it_uses_the_programs_default_target_role(client_for, hr, pair, cloud_ops):
    services.program_careers_save(
        program=pair.program, by=hr, default_role=cloud_ops, gap_as_sought_skills=False
    )
    page = client_for(pair.mentor).get(reverse("careers:plan", args=[pair.pk]))
    assert "set for the program" in page.content.decode()


# --- evidence --------------------------------------------------------------------------------


@pytest.fixture
def item(cloud_ops):
    return ChecklistItem.objects.get(text__startswith="Rotates a leaked credential")


def test_it_counts_a_checklist_item_once_the_mentor_confirms_it(pair, cloud_ops, item):
    services.target_role_set(enrolment=_enrolment(pair), role=cloud_ops, by=pair.mentee)
    evidence = services.evidence_submit(
        mentorship=pair, by=pair.mentee, item=item, link="https://wiki.example/rotation"
    )
    assert item.pk in {i.id for i in selectors.person_gap(pair.mentee_id, cloud_ops).open_items}
    services.evidence_confirm(evidence=evidence, by=pair.mentor)
    assert Evidence.objects.get(pk=evidence.pk).confirmed_by == pair.mentor
    gap = selectors.person_gap(pair.mentee_id, cloud_ops)
    assert item.pk not in {i.id for i in gap.open_items}


def test_it_refuses_confirmation_by_anyone_but_the_mentor(pair, hr, item):
    evidence = services.evidence_submit(mentorship=pair, by=pair.mentee, item=item, note="done")
    other_pair = factories.MentorshipFactory()
    for who in (pair.mentee, hr, factories.UserFactory(), other_pair.mentor):
        with pytest.raises(PermissionDenied):
            services.evidence_confirm(evidence=evidence, by=who)
    assert Evidence.objects.get(pk=evidence.pk).confirmed_at is None


def test_it_refuses_evidence_from_the_mentor_or_a_stranger(pair, item):
    for who in (pair.mentor, factories.UserFactory()):
        with pytest.raises(PermissionDenied):
            services.evidence_submit(mentorship=pair, by=who, item=item, note="x")
    assert not Evidence.objects.exists()


def test_it_refuses_evidence_without_a_link_note_or_check_in(pair, item):
    with pytest.raises(ValidationError):
        services.evidence_submit(mentorship=pair, by=pair.mentee, item=item)


def test_it_refuses_another_pairs_milestone(pair):
    other = factories.MilestoneFactory()
    with pytest.raises(PermissionDenied):
        services.evidence_submit(mentorship=pair, by=pair.mentee, milestone=other, note="x")
    assert Milestone.objects.get(pk=other.pk).done_at is None


def test_it_marks_a_milestone_done_with_its_evidence(pair):
    goal = factories.GoalFactory(mentorship=pair)
    milestone = factories.MilestoneFactory(goal=goal)
    services.evidence_submit(
        mentorship=pair, by=pair.mentee, milestone=milestone, link="https://x.example/pr/1"
    )
    milestone = Milestone.objects.get(pk=milestone.pk)
    assert milestone.done_at is not None and milestone.evidence == "https://x.example/pr/1"


def test_it_answers_404_to_a_third_user_confirming(client_for, pair, item):
    evidence = services.evidence_submit(mentorship=pair, by=pair.mentee, item=item, note="x")
    stranger = factories.UserFactory()
    response = client_for(stranger).post(reverse("careers:evidence_confirm", args=[evidence.pk]))
    assert response.status_code == 404
    response = client_for(pair.mentee).post(reverse("careers:evidence_confirm", args=[evidence.pk]))
    assert response.status_code == 404
    assert Evidence.objects.get(pk=evidence.pk).confirmed_at is None


def test_it_keeps_the_plan_page_queries_constant(
    client_for, pair, cloud_ops, item, django_assert_max_num_queries
):
    services.target_role_set(enrolment=_enrolment(pair), role=cloud_ops, by=pair.mentee)
    client = client_for(pair.mentee)
    with django_assert_max_num_queries(22) as few:
        client.get(reverse("careers:plan", args=[pair.pk]))
    for n in range(5):
        goal = factories.GoalFactory(mentorship=pair)
        milestone = factories.MilestoneFactory(goal=goal)
        services.evidence_submit(mentorship=pair, by=pair.mentee, milestone=milestone, note=f"{n}")
    services.evidence_submit(mentorship=pair, by=pair.mentee, item=item, note="x")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("careers:plan", args=[pair.pk]))


def test_it_counts_a_checklist_item_the_mentor_ticked_in_an_assessment(
    client_for, pair, cloud_ops, item
):
    from django.utils import timezone

    from feedback.models import AssessmentRequest, AssessmentRound

    services.target_role_set(enrolment=_enrolment(pair), role=cloud_ops, by=pair.mentee)
    _declare(pair, AWS=2)
    round_ = AssessmentRound.objects.create(
        program=pair.program, kind="follow_up", due_on=date.today(), status="sent"
    )
    request = AssessmentRequest.objects.create(
        round=round_,
        mentorship=pair,
        mentee=pair.mentee,
        rater=pair.mentor,
        rater_role="mentor",
        sent_at=timezone.now(),
    )
    url = reverse("feedback:assessment", args=[request.pk])
    page = client_for(pair.mentor).get(url).content.decode()
    assert item.text in page
    aws = Skill.objects.get(name="AWS")
    response = client_for(pair.mentor).post(url, {f"skill_{aws.pk}": "3", f"check_{item.pk}": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    gap = selectors.person_gap(pair.mentee_id, cloud_ops)
    assert item.pk not in {i.id for i in gap.open_items}


def test_it_logs_evidence_from_the_plan_page_form(client_for, pair, cloud_ops, item):
    services.target_role_set(enrolment=_enrolment(pair), role=cloud_ops, by=pair.mentee)
    client = client_for(pair.mentee)
    page = client.get(reverse("careers:plan", args=[pair.pk])).content.decode()
    assert f'name="item" value="{item.pk}"' in page
    response = client.post(
        reverse("careers:evidence_add", args=[pair.pk]),
        {"item": item.pk, "link": "wiki.example.com/rotation", "note": "Done in staging"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.item, evidence.link) == (item, "https://wiki.example.com/rotation")


def test_it_answers_a_bad_link_with_a_message_not_an_error(client_for, pair, item):
    response = client_for(pair.mentee).post(
        reverse("careers:evidence_add", args=[pair.pk]), {"item": item.pk, "link": "not a url"}
    )
    assert response.status_code == 302
    assert not Evidence.objects.exists()
