"""Must-have rules and weak matches through the services, the pages and the run's CSV."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from matching import selectors, services
from matching.models import MatchingRun, ProgramWeights, Proposal
from programs.models import Enrolment
from tests import factories

from .helpers import mentee, mentor, program


@pytest.fixture
def skill(db):
    return factories.SkillFactory(name="SD-WAN")


@pytest.fixture
def prog(db, hr_user):
    return program(coordinators=[hr_user])


def _run(prog, by, django_capture_on_commit_callbacks) -> MatchingRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.matching_run_start(program=prog, by=by)
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    return run


def _rules(prog, hr_user, **rules) -> ProgramWeights:
    data = {name: getattr(selectors.matching_settings(prog), name) for name in rules}
    return services.program_weights_update(program=prog, by=hr_user, data={**data, **rules})


def _unmatched(run: MatchingRun) -> dict[int, dict]:
    return {row["mentee_id"]: row for row in MatchingRun.objects.get(pk=run.pk).unmatched}


@pytest.mark.django_db
def test_it_never_proposes_a_mentor_below_the_target_level_by_default(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    low = mentor(prog, {skill: 3})
    e = mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert not Proposal.objects.filter(run=run).exists()
    row = _unmatched(run)[e.pk]
    assert row["reason"] == "nobody offers SD-WAN at level 4 or above"
    assert row["nearest"]["mentor_id"] == low.pk
    assert row["nearest"]["stopped_by"] == "doesn't offer SD-WAN at level 4 or above"
    assert MatchingRun.objects.get(pk=run.pk).unmatched_count == 1


@pytest.mark.django_db
def test_it_proposes_the_low_mentor_when_hr_turns_the_skill_rule_off_and_flags_it_weak(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    routing = factories.SkillFactory(name="Routing")
    m = mentor(prog, {skill: 1})
    e = mentee(prog, {routing: (1, 3), skill: (2, 4)})
    _rules(prog, hr_user, rule_skill_at_target=False, weak_below=95)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get(run=run)
    assert (proposal.mentee_id, proposal.mentor_id) == (e.pk, m.pk)
    assert sorted(proposal.weak[:2]) == [
        "Routing: nothing to learn (offers 0, wants 3 from 1)",
        "SD-WAN: nothing to learn (offers 1, wants 4 from 2)",
    ]
    assert proposal.weak[2] == f"score {proposal.score} is below the weak-match line of 95"


@pytest.mark.django_db
def test_it_leaves_nobody_unmatched_by_a_rule_who_has_a_fitting_mentor(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    good = mentor(prog, {skill: 4})
    mentor(prog, {skill: 2})
    e = mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert Proposal.objects.get(run=run).mentor_id == good.pk
    assert _unmatched(run) == {}
    assert e.pk == Proposal.objects.get(run=run).mentee_id


@pytest.mark.django_db
def test_it_says_no_mentor_is_within_the_time_zone_limit(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    m = mentor(prog, {skill: 5}, user=factories.UserFactory(timezone="Asia/Tokyo"))
    e = mentee(prog, {skill: (1, 4)}, user=factories.UserFactory(timezone="UTC"))
    _rules(prog, hr_user, rule_max_timezone_hours=3)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    row = _unmatched(run)[e.pk]
    assert row["reason"] == "no mentor within 3 hours of your time zone"
    assert row["nearest"]["mentor_id"] == m.pk
    assert row["nearest"]["stopped_by"] == "is 9 hours away (limit 3)"


@pytest.mark.django_db
def test_it_says_every_mentor_who_fits_is_full(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    mentor(prog, {skill: 5}, capacity=1)
    mentor(prog, {skill: 2}, capacity=3)
    mentee(prog, {skill: (1, 4)})
    mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    (row,) = _unmatched(run).values()
    assert row["reason"].startswith("every mentor who fits is full")
    assert row["nearest"]["stopped_by"] == "is full: their places went to other mentees"


@pytest.mark.django_db
def test_it_respects_a_department_the_mentor_will_not_mentor(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    m = mentor(prog, {skill: 5})
    e = mentee(prog, {skill: (1, 4)})
    Enrolment.objects.get(program=prog, user=m).will_not_mentor_departments.add(e.department)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert not Proposal.objects.filter(run=run).exists()
    reason = _unmatched(run)[e.pk]["reason"]
    assert reason == "every mentor said they won't mentor your department or the skills you seek"


@pytest.mark.django_db
def test_it_does_not_count_a_skill_the_mentor_will_not_mentor(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    m = mentor(prog, {skill: 5})
    e = mentee(prog, {skill: (1, 4)})
    Enrolment.objects.get(program=prog, user=m).will_not_mentor_skills.add(skill)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert not Proposal.objects.filter(run=run).exists()
    assert e.pk in _unmatched(run)


@pytest.mark.django_db
def test_it_pairs_only_people_who_share_a_language_when_asked(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    mentor(prog, {skill: 5}, languages="German")
    french = mentor(prog, {skill: 4}, languages="English, French")
    e = mentee(prog, {skill: (1, 4)}, languages="french")
    _rules(prog, hr_user, rule_same_language=True)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get(run=run)
    assert (proposal.mentee_id, proposal.mentor_id) == (e.pk, french.pk)


@pytest.mark.django_db
def test_it_keeps_mentors_of_the_same_department_out_when_asked(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    e = mentee(prog, {skill: (1, 4)})
    mentor(prog, {skill: 5}, user=factories.UserFactory(department=e.department))
    _rules(prog, hr_user, rule_other_department=True)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert _unmatched(run)[e.pk]["reason"] == "every mentor is in your department"


@pytest.mark.django_db
def test_it_keeps_pairs_below_the_minimum_score_out(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    mentor(prog, {skill: 5})
    e = mentee(prog, {skill: (1, 4)})
    _rules(prog, hr_user, rule_min_score=99)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert _unmatched(run)[e.pk]["reason"].startswith("no mentor scores at least 99 with you")


@pytest.mark.django_db
def test_it_stores_the_rules_with_the_run(prog, hr_user, skill, django_capture_on_commit_callbacks):
    _rules(prog, hr_user, rule_max_timezone_hours=4, weak_below=30)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert run.parameters["rules"]["max_timezone_hours"] == 4
    assert run.parameters["rules"]["skill_at_target"] is True
    assert run.parameters["weak_below"] == 30


@pytest.mark.django_db
def test_it_defaults_the_skill_rule_off_for_peer_programs(hr_user):
    assert selectors.matching_settings(program(format="peer")).rule_skill_at_target is False
    assert selectors.matching_settings(program(format="group")).rule_skill_at_target is True


@pytest.mark.django_db
def test_it_never_quotes_zero_fit_lines_in_the_publish_email(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    routing = factories.SkillFactory(name="Routing")
    mentor(prog, {skill: 5})
    mentee(prog, {routing: (1, 3), skill: (2, 4)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get(run=run)
    assert any("Routing: offers 0" in text for text, _ in proposal.explanation)
    assert proposal.weak == ["Routing: nothing to learn (offers 0, wants 3 from 1)"]
    services.proposals_accept(run=run, proposal_ids=None, by=hr_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_publish(run=run, by=hr_user)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "offers 0" not in message.body and "(+0)" not in message.body
        assert "SD-WAN: offers 5" in message.body


@pytest.mark.django_db
def test_it_refuses_a_swap_to_a_mentor_a_rule_forbids(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    mentor(prog, {skill: 5})
    low = mentor(prog, {skill: 2})
    mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get(run=run)
    assert services.swap_candidates(proposal=proposal) == []
    with pytest.raises(Exception, match="must-have rules forbid this pair"):
        services.proposal_swap(proposal=proposal, new_mentor=low, by=hr_user)
    assert Proposal.objects.get(pk=proposal.pk).mentor_id != low.pk


@pytest.mark.django_db
def test_it_ranks_mentors_for_one_mentee_with_the_rules(prog, hr_user, skill):
    best = mentor(prog, {skill: 5})
    ok = mentor(prog, {skill: 4}, years_experience=40)
    low = mentor(prog, {skill: 2})
    e = mentee(prog, {skill: (1, 4)})
    options = selectors.allowed_mentors(prog, e)
    assert [o.mentor_id for o in options] == [best.pk, ok.pk, low.pk]
    assert [o.forbidden_reason for o in options[:2]] == [None, None]
    assert options[2].forbidden_reason == "doesn't offer SD-WAN at level 4 or above"
    assert options[0].score == sum(points for _, points in options[0].explanation)
    assert options[0].places_left == 2


@pytest.mark.django_db
def test_it_ranks_nobody_for_someone_who_is_not_a_mentee(prog, skill):
    m = mentor(prog, {skill: 5})
    assert selectors.allowed_mentors(prog, m) == []


@pytest.mark.django_db
def test_it_flags_weak_matches_on_the_review_page_and_says_so_in_the_summary(
    prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    routing = factories.SkillFactory(name="Routing")
    mentor(prog, {skill: 5})
    mentee(prog, {routing: (1, 3), skill: (2, 4)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    page = client_for(hr_user).get(reverse("matching:run", args=[run.pk])).content.decode()
    assert "weak match" in page and "Routing: nothing to learn" in page
    assert "Everyone was matched" not in page
    assert "1 of them is a weak match" in page


@pytest.mark.django_db
def test_it_shows_the_reason_and_nearest_miss_on_the_run_page(
    prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    low = mentor(prog, {skill: 3})
    mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    page = client_for(hr_user).get(reverse("matching:run", args=[run.pk])).content.decode()
    assert "nobody offers SD-WAN at level 4 or above" in page
    assert f"Nearest miss: {low.full_name}" in page


@pytest.mark.django_db
def test_it_exports_the_run_with_weak_flags_and_unmatched_reasons(
    prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    routing = factories.SkillFactory(name="Routing")
    m = mentor(prog, {skill: 5}, capacity=1)
    weak = mentee(prog, {routing: (1, 3), skill: (2, 4)})
    left = mentee(prog, {routing: (1, 3)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    response = client_for(hr_user).get(reverse("matching:run_csv", args=[run.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_email = {r["Mentee email"]: r for r in rows}
    assert by_email[weak.email]["Row"] == "Proposal"
    assert by_email[weak.email]["Mentor email"] == m.email
    assert "Routing: nothing to learn" in by_email[weak.email]["Weak match"]
    assert by_email[left.email]["Row"] == "Unmatched"
    assert by_email[left.email]["Unmatched reason"] == "nobody offers Routing at level 3 or above"
    assert by_email[left.email]["Nearest miss"] == m.full_name


@pytest.mark.django_db
def test_it_refuses_the_csv_of_an_unfinished_run(prog, hr_user, client_for):
    run = MatchingRun.objects.create(program=prog, started_by=hr_user)
    response = client_for(hr_user).get(reverse("matching:run_csv", args=[run.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_it_saves_the_rules_from_the_settings_page(prog, hr_user, client_for):
    data = {
        "skill_fit": 40,
        "career_goal": 15,
        "communication": 10,
        "experience": 15,
        "availability": 10,
        "diversity": 10,
        "load_penalty": "2,4,6",
        "objective": "max_matched",
        "rule_skill_at_target": "on",
        "rule_min_score": "30",
        "rule_max_timezone_hours": "4",
        "rule_same_language": "on",
        "weak_below": "",
    }
    url = reverse("matching:weights", args=[prog.slug])
    assert client_for(hr_user).post(url, data).status_code == 302
    saved = ProgramWeights.objects.get(program=prog)
    assert (saved.rule_min_score, saved.rule_max_timezone_hours) == (30, 4)
    assert saved.rule_same_language and saved.rule_skill_at_target
    assert not saved.rule_other_department and not saved.rule_will_not_mentor
    assert saved.weak_below == 0


@pytest.mark.django_db
def test_it_refuses_a_time_zone_limit_beyond_12_hours(prog, hr_user, client_for):
    url = reverse("matching:weights", args=[prog.slug])
    response = client_for(hr_user).post(
        url,
        {
            "skill_fit": 40,
            "career_goal": 15,
            "communication": 10,
            "experience": 15,
            "availability": 10,
            "diversity": 10,
            "load_penalty": "",
            "objective": "max_matched",
            "rule_max_timezone_hours": "13",
        },
    )
    assert response.status_code == 200
    assert "less than or equal to 12" in response.content.decode()
    assert not ProgramWeights.objects.exists()


@pytest.mark.django_db
def test_it_shows_the_must_have_rules_on_the_program_page(prog, hr_user, client_for):
    _rules(prog, hr_user, rule_max_timezone_hours=3)
    page = client_for(factories.UserFactory()).get(prog.get_absolute_url()).content.decode()
    assert "How people are matched" in page
    assert "Their time zones are at most 3 hours apart" in page
    assert "The mentor offers one of the mentee&#x27;s sought skills at the target level" in page


@pytest.mark.django_db
def test_it_applies_the_skill_rule_both_ways_in_a_peer_program_when_hr_turns_it_on(
    hr_user, skill, django_capture_on_commit_callbacks
):
    prog = program(format="peer", coordinators=[hr_user])
    routing = factories.SkillFactory(name="Routing")
    wifi = factories.SkillFactory(name="Wi-Fi design")
    a = mentee(prog, {skill: (1, 4), routing: (5, None)}, role="peer")
    b = mentee(prog, {routing: (1, 4), skill: (5, None)}, role="peer")
    c = mentee(prog, {wifi: (1, 3), skill: (4, None)}, role="peer")
    _rules(prog, hr_user, rule_skill_at_target=True)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get(run=run)
    assert {proposal.mentee_id, proposal.mentor_id} == {a.pk, b.pk}
    assert _unmatched(run)[c.pk]["reason"] == "nobody offers Wi-Fi design at level 3 or above"
