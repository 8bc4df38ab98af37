from datetime import timedelta

from django.utils import timezone

from feedback.models import SkillRating
from feedback.selectors import (
    skill_changes,
    skill_growth_rows,
    survey_results,
    survey_results_by_program,
)
from tests.factories import ProgramFactory, SkillFactory, UserFactory
from tests.feedback.factories import answered, request_for, sent_round, sent_survey


def _group(program, role: str) -> dict:
    return next(g for g in survey_results(program)[0]["groups"] if g["role"] == role)


def test_it_hides_a_group_of_exactly_two_answers(program) -> None:
    survey = sent_survey(program)
    answered(survey, "mentor", (5, 4, 3), comment="secret")
    answered(survey, "mentor", (5, 4, 3))
    group = _group(program, "mentor")
    assert group == {
        "role": "mentor",
        "role_label": "Mentors",
        "hidden": True,
        "answers": None,
        "questions": [],
        "comments": [],
    }


def test_it_shows_a_group_of_three_with_averages_and_distribution(program) -> None:
    survey = sent_survey(program)
    answered(survey, "mentee", (5, 4, 1), comment="b")
    answered(survey, "mentee", (4, 4, 2), comment="a")
    answered(survey, "mentee", (3, 4, 3))
    group = _group(program, "mentee")
    assert group["hidden"] is False and group["answers"] == 3
    first = group["questions"][0]
    assert first["average"] == 4.0
    assert first["distribution"] == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    assert [q["average"] for q in group["questions"]] == [4.0, 4.0, 2.0]
    assert group["comments"] == ["a", "b"]


def test_it_counts_invited_and_answered_per_survey(program) -> None:
    survey = sent_survey(program)
    answered(survey, "mentee", (3, 3, 3))
    from tests.feedback.factories import invite

    invite(survey, role="manager")
    result = survey_results(program)[0]
    # Both groups are under 3 answers: the total would give their sizes away.
    assert (result["invited"], result["answered"]) == (2, None)
    assert [g["role"] for g in result["groups"]] == ["mentee", "manager"]


def test_it_honours_a_custom_minimum_group(program) -> None:
    survey = sent_survey(program)
    answered(survey, "mentee", (3, 3, 3))
    assert survey_results(program, min_group=1)[0]["groups"][0]["answers"] == 1


def _rate(round_, mentee, rater, role, levels: dict) -> None:
    req = request_for(round_, mentee, rater, role)
    SkillRating.objects.bulk_create(
        [SkillRating(request=req, skill=s, level=lvl) for s, lvl in levels.items()]
    )
    req.completed_at = timezone.now()
    req.save()


def test_it_pairs_baseline_with_the_latest_follow_up(program) -> None:
    mentee, mentor = UserFactory(), UserFactory()
    k8s, tf = SkillFactory(name="Kubernetes"), SkillFactory(name="Terraform")
    base = sent_round(program, "baseline", program.start_date)
    early = sent_round(program, "follow_up", program.start_date + timedelta(days=30))
    late = sent_round(program, "follow_up", program.start_date + timedelta(days=60))
    _rate(base, mentee, mentee, "mentee", {k8s: 1, tf: 2})
    _rate(base, mentee, mentor, "mentor", {k8s: 2})
    _rate(early, mentee, mentee, "mentee", {k8s: 2})
    _rate(late, mentee, mentee, "mentee", {k8s: 4})
    rows = {(r["skill_name"], r["rater_role"]): r for r in skill_growth_rows(program=program)}
    assert rows[("Kubernetes", "mentee")]["baseline_level"] == 1
    assert rows[("Kubernetes", "mentee")]["latest_level"] == 4
    assert rows[("Kubernetes", "mentee")]["change"] == 3
    assert rows[("Kubernetes", "mentee")]["latest_kind"] == "follow_up"
    assert rows[("Terraform", "mentee")]["change"] is None
    assert rows[("Kubernetes", "mentor")]["latest_level"] is None
    assert set(rows[("Kubernetes", "mentee")]) == {
        "program_id",
        "mentee_id",
        "skill_id",
        "skill_name",
        "skill_category",
        "rater_role",
        "baseline_level",
        "baseline_on",
        "latest_level",
        "latest_on",
        "latest_kind",
        "change",
    }


def test_it_ignores_unfinished_requests_and_filters_by_mentee(program) -> None:
    a, b = UserFactory(), UserFactory()
    skill = SkillFactory(name="Linux")
    base = sent_round(program)
    _rate(base, a, a, "mentee", {skill: 2})
    _rate(base, b, b, "mentee", {skill: 3})
    open_req = request_for(base, a, UserFactory(), "mentor")
    SkillRating.objects.create(request=open_req, skill=skill, level=5)
    rows = skill_growth_rows(mentee_ids=[a.pk])
    assert [(r["mentee_id"], r["rater_role"], r["baseline_level"]) for r in rows] == [
        (a.pk, "mentee", 2)
    ]


def test_it_reads_growth_in_one_query(program, django_assert_num_queries) -> None:
    skill = SkillFactory(name="Go")
    base = sent_round(program)
    follow = sent_round(program, "final", program.end_date)
    for _ in range(5):
        m = UserFactory()
        _rate(base, m, m, "mentee", {skill: 1})
        _rate(follow, m, m, "mentee", {skill: 3})
    with django_assert_num_queries(1):
        rows = skill_growth_rows(program=program.pk)
    assert {r["change"] for r in rows} == {2}


def test_it_reads_survey_results_in_constant_queries(program, django_assert_num_queries) -> None:
    survey = sent_survey(program)
    for _ in range(4):
        answered(survey, "mentor", (2, 2, 2), comment="x")
    with django_assert_num_queries(5):
        survey_results(program)


def _mixed_rounds(program) -> None:
    """Two baselines (the earlier counts), a follow-up and a final (the later counts), a mentor
    rating without a follow-up, and an unfinished request."""
    mentee, mentor = UserFactory(), UserFactory()
    k8s, tf = SkillFactory(name="Kubernetes"), SkillFactory(name="Terraform")
    first = sent_round(program, "baseline", program.start_date)
    second = sent_round(program, "baseline", program.start_date + timedelta(days=10))
    follow = sent_round(program, "follow_up", program.start_date + timedelta(days=30))
    final = sent_round(program, "final", program.start_date + timedelta(days=90))
    _rate(first, mentee, mentee, "mentee", {k8s: 2, tf: 1})
    _rate(second, mentee, mentee, "mentee", {k8s: 1})
    _rate(follow, mentee, mentee, "mentee", {k8s: 3, tf: 4})
    _rate(final, mentee, mentee, "mentee", {k8s: 5})
    _rate(first, mentee, mentor, "mentor", {k8s: 2})
    open_req = request_for(final, mentee, mentor, "mentor")
    SkillRating.objects.create(request=open_req, skill=k8s, level=5)


def test_it_computes_the_same_changes_as_the_growth_rows(program) -> None:
    _mixed_rounds(program)
    expected = {
        (r["program_id"], r["mentee_id"], r["skill_id"], r["rater_role"], r["change"])
        for r in skill_growth_rows(program=program)
        if r["change"] is not None
    }
    assert set(skill_changes([program.pk])) == expected
    assert sorted(c[4] for c in expected) == [3, 3]  # k8s 2→5, terraform 1→4


def test_it_reads_changes_of_many_programs_in_one_query(program, django_assert_num_queries) -> None:
    _mixed_rounds(program)
    other = ProgramFactory()
    _mixed_rounds(other)
    with django_assert_num_queries(1):
        found = skill_changes([program.pk, other.pk])
    assert {c[0] for c in found} == {program.pk, other.pk}


def test_it_returns_no_changes_for_no_programs(db, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert skill_changes([]) == []


def test_it_reads_survey_results_of_many_programs_in_five_queries(
    program, django_assert_num_queries
) -> None:
    programs = [program, ProgramFactory(), ProgramFactory()]
    for p in programs[:2]:
        survey = sent_survey(p)
        for rating in (3, 4, 5):
            answered(survey, "mentee", (rating, rating, rating), comment=f"{p.name} {rating}")
    with django_assert_num_queries(5):
        found = survey_results_by_program([p.pk for p in programs])
    assert found == {p.pk: survey_results(p) for p in programs}
    assert found[programs[2].pk] == []
    assert found[programs[0].pk][0]["groups"][0]["comments"] == [
        f"{program.name} 3",
        f"{program.name} 4",
        f"{program.name} 5",
    ]


def test_it_counts_the_later_request_when_two_raters_share_a_role_and_round(program) -> None:
    mentee, first_mentor, second_mentor = UserFactory(), UserFactory(), UserFactory()
    skill = SkillFactory(name="Observability")
    base = sent_round(program, "baseline", program.start_date)
    final = sent_round(program, "final", program.start_date + timedelta(days=90))
    _rate(base, mentee, first_mentor, "mentor", {skill: 2})
    _rate(base, mentee, second_mentor, "mentor", {skill: 1})
    _rate(final, mentee, first_mentor, "mentor", {skill: 5})
    _rate(final, mentee, second_mentor, "mentor", {skill: 3})
    (row,) = skill_growth_rows(program=program)
    assert (row["baseline_level"], row["latest_level"], row["change"]) == (2, 3, 1)
    assert skill_changes([program.pk]) == [(program.pk, mentee.pk, skill.pk, "mentor", 1)]
