"""Self-match pages: a mentee browses and asks, a mentor answers, HR sets the mode and steps
in. Refusals for outsiders are in tests/site/test_access_control.py."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentorships.models import Mentorship
from pages.selectors import _probe, _probe_query
from selfmatch import services
from selfmatch.models import Choice, ChoiceStatus, MatchRequest, Mode, ProgramMatching
from selfmatch.ranking import rank_mentors
from tests import factories

from .helpers import mentee, mentor, selfmatch_program

pytestmark = pytest.mark.django_db


def _browse(prog):
    return reverse("selfmatch:browse", args=[prog.slug])


def _ask(prog, who, mentors, note=""):
    return services.match_request_create(
        program=prog, mentee=who, mentor_ids=[m.pk for m in mentors], note=note
    )


def test_it_shows_a_mentee_the_mentors_ranked_with_the_explanation(world, client_for):
    prog, _, mentors, mentees = world
    body = client_for(mentees[0]).get(_browse(prog)).content.decode()
    ranked = [o.name for o in rank_mentors(prog, mentees[0]).options]
    assert [o.score for o in rank_mentors(prog, mentees[0]).options] == sorted(
        (o.score for o in rank_mentors(prog, mentees[0]).options), reverse=True
    )
    assert body.index(ranked[0]) < body.index(ranked[1])
    assert "Terraform: offers 5" in body
    assert "1 place left" in body


def test_it_leaves_out_mentors_the_must_have_rules_forbid(world, client_for):
    prog, _, _, mentees = world
    outsider = mentor(prog, {factories.SkillFactory(name="Cobol"): 5})
    body = client_for(mentees[0]).get(_browse(prog)).content.decode()
    assert outsider.full_name not in body


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("skill={skill}", 2),
        ("meeting=chat", 0),
        ("within=0", 2),
        ("department=Nowhere", 0),
        ("skill=abc&within=99&meeting=%00x", 2),  # nonsense is ignored, never a 500
    ],
)
def test_it_filters_the_mentors(world, client_for, skill, query, shown):
    prog, _, _, mentees = world
    response = client_for(mentees[0]).get(f"{_browse(prog)}?{query.format(skill=skill.pk)}")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.content.decode().count('data-testid="mentor-option"') == shown


def test_it_says_so_when_no_mentor_matches_the_filters(world, client_for):
    prog, _, _, mentees = world
    body = client_for(mentees[0]).get(f"{_browse(prog)}?meeting=chat").content.decode()
    assert "No mentor matches these filters" in body


def test_it_keeps_constant_queries_on_the_browse_page(
    world, client_for, skill, django_assert_max_num_queries
):
    prog, _, _, mentees = world
    client = client_for(mentees[0])
    client.get(_browse(prog))
    for _ in range(15):
        mentor(prog, {skill: 3})
    with django_assert_max_num_queries(26):  # + careers: does matching read the gap
        assert client.get(_browse(prog)).status_code == 200


def test_it_sends_the_request_from_the_form(world, client_for):
    prog, _, mentors, mentees = world
    response = client_for(mentees[0]).post(
        reverse("selfmatch:ask", args=[prog.slug]),
        {"first": mentors[1].pk, "second": mentors[0].pk, "note": "Help with modules"},
    )
    assert response.status_code == 302
    request = MatchRequest.objects.get(mentee=mentees[0])
    assert list(request.choices.values_list("mentor_id", "status")) == [
        (mentors[1].pk, ChoiceStatus.PENDING),
        (mentors[0].pk, ChoiceStatus.QUEUED),
    ]
    assert request.note == "Help with modules"


def test_it_refuses_the_same_mentor_twice_on_the_form(world, client_for):
    prog, _, mentors, mentees = world
    response = client_for(mentees[0]).post(
        reverse("selfmatch:ask", args=[prog.slug]),
        {"first": mentors[0].pk, "second": mentors[0].pk},
    )
    assert response.status_code == 200
    assert "only once" in response.content.decode()
    assert not MatchRequest.objects.exists()


def test_it_shows_the_mentee_their_request_with_a_confirmed_withdraw(world, client_for):
    prog, _, mentors, mentees = world
    _ask(prog, mentees[0], mentors, note="My own note")
    body = client_for(mentees[0]).get(_browse(prog)).content.decode()
    assert "Waiting for an answer" in body and "My own note" in body
    assert 'data-confirm="Withdraw your request?' in body


def test_it_withdraws_from_the_page(world, client_for):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors)
    client_for(mentees[0]).post(reverse("selfmatch:withdraw", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == "withdrawn"


def test_it_refuses_another_mentees_withdrawal_with_404(world, client_for):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors)
    response = client_for(mentees[1]).post(reverse("selfmatch:withdraw", args=[request.pk]))
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "open"


def test_it_lets_the_mentor_accept_from_the_inbox(world, client_for):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors, note="Please")
    client = client_for(mentors[0])
    inbox = client.get(reverse("selfmatch:inbox")).content.decode()
    assert mentees[0].full_name in inbox
    choice = Choice.objects.get(request=request, rank=1)
    page = client.get(reverse("selfmatch:answer", args=[choice.pk])).content.decode()
    assert "Please" in page and "Terraform" in page
    response = client.post(reverse("selfmatch:answer", args=[choice.pk]), {"action": "accept"})
    mentorship = Mentorship.objects.get(mentee=mentees[0])
    assert response["Location"] == mentorship.get_absolute_url()


def test_it_lets_the_mentor_decline(world, client_for):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors)
    choice = Choice.objects.get(request=request, rank=1)
    client_for(mentors[0]).post(
        reverse("selfmatch:answer", args=[choice.pk]), {"action": "decline"}
    )
    assert Choice.objects.get(pk=choice.pk).status == ChoiceStatus.DECLINED


def test_it_hides_a_queued_choice_from_its_mentor_until_asked(world, client_for):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors)
    queued = Choice.objects.get(request=request, rank=2)
    response = client_for(mentors[1]).get(reverse("selfmatch:answer", args=[queued.pk]))
    assert response.status_code == 404


def test_it_lets_hr_choose_hybrid_with_a_closing_day(world, client_for):
    prog, hr, _, _ = world
    url = reverse("selfmatch:settings", args=[prog.slug])
    missing = client_for(hr).post(url, {"mode": "hybrid", "response_days": 3, "max_choices": 2})
    assert "Choose the day" in missing.content.decode()
    client_for(hr).post(
        url,
        {"mode": "hybrid", "response_days": 3, "max_choices": 2, "closes_on": "2030-01-31"},
    )
    saved = ProgramMatching.objects.get(program=prog)
    assert (saved.mode, saved.response_days, saved.max_choices) == (Mode.HYBRID, 3, 2)


def test_it_refuses_self_match_for_a_peer_program(client_for):
    hr = factories.HRFactory()
    prog = factories.ProgramFactory(format="peer", coordinators=[hr])
    response = client_for(hr).post(
        reverse("selfmatch:settings", args=[prog.slug]),
        {"mode": "self", "response_days": 3, "max_choices": 3},
    )
    assert "Peer programs" in response.content.decode()
    assert not ProgramMatching.objects.exists()


def test_it_shows_hr_the_waiting_requests_without_the_note(world, client_for):
    prog, hr, mentors, mentees = world
    _ask(prog, mentees[0], mentors, note="NOTE-ONLY-FOR-MENTORS")
    body = client_for(hr).get(reverse("selfmatch:requests", args=[prog.slug])).content.decode()
    assert mentees[0].full_name in body and "0 days" in body
    assert "NOTE-ONLY-FOR-MENTORS" not in body


def test_it_lets_hr_pair_by_hand(world, client_for):
    prog, hr, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors[:1])
    url = reverse("selfmatch:hr_request", args=[request.pk])
    page = client_for(hr).get(url).content.decode()
    assert "NOTE" not in page
    client_for(hr).post(url, {"action": "pair", "mentor": mentors[1].pk})
    assert Mentorship.objects.get(mentee=mentees[0]).mentor == mentors[1]


def test_it_explains_a_refused_step(world, client_for):
    prog, hr, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors)
    response = client_for(hr).post(
        reverse("selfmatch:hr_request", args=[request.pk]),
        {"action": "reassign", "mentor": mentors[0].pk},
    )
    assert "already with" in response.content.decode()


def test_it_closes_a_hybrid_program_into_a_run(skill, client_for):
    prog, hr = selfmatch_program(mode=Mode.HYBRID, closes_on="2030-01-01")
    mentor(prog, {skill: 5})
    mentee(prog, {skill: (1, 4)})
    response = client_for(hr).post(reverse("selfmatch:close", args=[prog.slug]))
    run = ProgramMatching.objects.get(program=prog).closing_run
    assert response["Location"] == run.get_absolute_url()


def test_it_links_the_mentee_from_the_home_page(world, client_for):
    prog, _, _, mentees = world
    body = client_for(mentees[0]).get("/").content.decode()
    assert _browse(prog) in body


def test_it_tells_the_mentor_on_the_home_page(world, client_for):
    prog, _, mentors, mentees = world
    _ask(prog, mentees[0], mentors)
    body = client_for(mentors[0]).get("/").content.decode()
    assert "1 mentee asked you to mentor them" in body


def test_it_reads_the_mentors_first_deadline_for_the_home_page_as_the_orm_does(world):
    """The home page's probe, its SQL built once, hands the deadline over as the ORM would (an
    aware timestamp on every database)."""
    prog, _, mentors, mentees = world
    _ask(prog, mentees[0], mentors)
    today = timezone.localdate()
    probed = _probe(mentors[0], today=today)
    probed.pop("source")
    soon = today + timedelta(days=7)
    assert probed == _probe_query(mentors[0], today=today, soon=soon).first()
    assert timezone.is_aware(probed["inbox_first"])


def test_it_says_when_hr_runs_matching(client_for, skill):
    prog, _ = selfmatch_program(mode=Mode.HR)
    who = mentee(prog, {skill: (1, 4)})
    body = client_for(who).get(_browse(prog)).content.decode()
    assert "HR matches mentors and mentees" in body
