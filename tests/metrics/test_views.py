"""Dashboards: who may open which, what they show, CSV export, constant queries."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

from django.urls import reverse

from checkins.models import CheckIn
from mentorships.models import Mentorship
from metrics.models import DashboardSnapshot
from tests import factories

PRIVATE = (
    "Top secret note",
    "Secret goal of",
    "Private end note",
    "Secret reset reason",
    "Shared summary text",
)


def names(org) -> list[str]:
    return [u.full_name for u in org.people.values()]


def test_it_shows_hr_their_program_dashboard_with_charts_and_tables(org, client_for) -> None:
    response = client_for(org.hr).get(reverse("metrics:program", args=[org.program.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") >= 5
    assert '<th scope="col">Participants</th>' in html
    assert "83.3%" in html and "Mentor One" in html  # HR sees the sole expert's name


def test_it_refuses_an_hr_coordinator_of_another_program(org, other_hr, client_for) -> None:
    response = client_for(other_hr).get(reverse("metrics:program", args=[org.program.slug]))
    assert response.status_code == 403


def test_it_shows_hr_only_programs_they_coordinate_across_programs(
    org, other_hr, client_for
) -> None:
    html = client_for(other_hr).get(reverse("metrics:hr")).content.decode()
    assert "83.3%" not in html
    assert "don't coordinate any program" in html


def test_it_refuses_the_hr_dashboard_to_employees(org, employee, client_for) -> None:
    assert client_for(employee).get(reverse("metrics:hr")).status_code == 403


def test_it_refuses_the_team_dashboard_to_non_managers(org, stranger, client_for) -> None:
    assert client_for(stranger).get(reverse("metrics:team")).status_code == 403


def test_it_shows_a_manager_only_their_subtree(org, client_for) -> None:
    html = client_for(org.boss).get(reverse("metrics:team")).content.decode()
    # Subtree: m1, m2, m3 participants (retained 2 of 3 at 6 months) and c1 (suppressed).
    assert "66.7%" in html
    assert "83.3%" not in html
    assert "fewer than 3" in html


def test_it_shows_a_manager_outside_the_program_only_suppressed_figures(org, client_for) -> None:
    html = client_for(org.outside_boss).get(reverse("metrics:team")).content.decode()
    assert "66.7%" not in html and "83.3%" not in html


def test_it_keeps_names_goals_and_notes_off_the_manager_dashboard(org, client_for) -> None:
    html = client_for(org.boss).get(reverse("metrics:team")).content.decode()
    for text in [*PRIVATE, *names(org)]:
        assert text not in html


def test_it_keeps_names_and_notes_out_of_the_manager_export(org, client_for) -> None:
    response = client_for(org.boss).get(reverse("metrics:team"), {"format": "zip"})
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        body = "".join(archive.read(name).decode() for name in archive.namelist())
    assert "retention.csv" in archive.namelist()
    for text in [*PRIVATE, *names(org)]:
        assert text not in body


def test_it_refuses_the_leadership_view_without_the_flag(
    org, employee, hr_user, client_for
) -> None:
    assert client_for(employee).get(reverse("metrics:leadership")).status_code == 403
    assert client_for(hr_user).get(reverse("metrics:leadership")).status_code == 403


def test_it_shows_leadership_suppressed_aggregates_without_names(org, client_for) -> None:
    response = client_for(org.leader).get(reverse("metrics:leadership"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "83.3%" in html
    for text in [*PRIVATE, *names(org)]:
        assert text not in html


def test_it_applies_the_department_filter_to_every_figure(org, client_for) -> None:
    from people.models import Department

    ops = Department.objects.get(name="Operations")
    html = client_for(org.hr).get(reverse("metrics:hr"), {"department": ops.pk}).content.decode()
    assert "83.3%" not in html and "Mentor One" not in html


def test_it_reports_a_reversed_date_range(org, client_for) -> None:
    response = client_for(org.hr).get(
        reverse("metrics:hr"), {"date_from": "2025-05-01", "date_to": "2025-01-01"}
    )
    assert response.status_code == 200
    assert "on or after its start" in response.content.decode()


def test_it_exports_one_metric_as_a_tidy_csv_table(org, client_for) -> None:
    response = client_for(org.hr).get(
        reverse("metrics:program", args=[org.program.slug]), {"format": "csv", "table": "retention"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["months", "group", "retained_percent", "people", "suppressed"]
    assert rows[1:3] == [
        ["6", "participants", "83.3", "6", "false"],
        ["6", "comparison", "75.0", "4", "false"],
    ]


def test_it_404s_an_unknown_table_in_csv(org, client_for) -> None:
    response = client_for(org.hr).get(reverse("metrics:hr"), {"format": "csv", "table": "nope"})
    assert response.status_code == 404


def test_it_asks_for_a_table_name_when_a_csv_names_none(org, client_for) -> None:
    response = client_for(org.hr).get(reverse("metrics:hr"), {"format": "csv"})
    assert response.status_code == 400
    assert "retention" in response.content.decode() and "format=zip" in response.content.decode()


def test_it_links_every_table_and_the_zip_from_the_dashboard(org, client_for) -> None:
    html = client_for(org.hr).get(reverse("metrics:hr"), {"department": ""}).content.decode()
    assert "format=zip" in html
    for name in ("retention", "career", "engagement", "supply", "supply_skills", "concentration"):
        words = name.replace("_", " ").capitalize()
        assert f'format=csv&amp;table={name}" download>{words} (CSV)</a>' in html


def test_it_escapes_formula_cells_in_the_dashboard_csv(org, client_for) -> None:
    factories.SkillFactory(name="=HYPERLINK(1)", category="cloud")
    from programs.models import EnrolmentSkill, Skill

    skill = Skill.objects.get(name="=HYPERLINK(1)")
    enrolment = org.program.enrolments.get(user=org.people["m1"])
    EnrolmentSkill.objects.create(enrolment=enrolment, skill=skill, level=1, target_level=3)
    body = (
        client_for(org.hr)
        .get(reverse("metrics:hr"), {"format": "csv", "table": "supply_skills"})
        .content.decode()
    )
    assert "'=HYPERLINK(1)" in body
    assert "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body


def test_it_refuses_the_csv_to_whoever_cannot_see_the_page(
    org, other_hr, stranger, client_for
) -> None:
    url = reverse("metrics:program", args=[org.program.slug])
    for query in ({"format": "csv", "table": "retention"}, {"format": "zip"}):
        assert client_for(other_hr).get(url, query).status_code == 403
        assert client_for(stranger).get(reverse("metrics:team"), query).status_code == 403


def _grow(org, extra: int) -> None:
    """More people, pairings, check-ins and events: the query count must not change."""
    from metrics.models import OutcomeEvent

    eng = org.people["m1"].department
    for i in range(extra):
        mentee = factories.UserFactory(
            department=eng, manager=org.boss, hire_date=org.start - timedelta(days=800)
        )
        factories.UserFactory(
            department=eng, manager=org.boss, hire_date=org.start - timedelta(days=790)
        )
        enrolment = factories.EnrolmentFactory(program=org.program, user=mentee, role="mentee")
        factories.EnrolmentSkillFactory(
            enrolment=enrolment, skill=org.skills["k8s"], level=2, target_level=4
        )
        m = Mentorship.objects.create(
            program=org.program,
            mentor=org.people["M2"],
            mentee=mentee,
            status="active",
            started_on=org.start,
        )
        for day in (10, 20):
            CheckIn.objects.create(
                mentorship=m,
                author=mentee,
                date=org.today - timedelta(days=day),
                duration_minutes=20,
                activity="other",
            )
        OutcomeEvent.objects.create(
            employee=mentee, kind="promotion", occurred_on=org.start + timedelta(days=i + 1)
        )


def _count(django_assert_max_num_queries, client, url: str) -> int:
    """Queries of a render that builds the view (none stored for the day: see
    test_snapshots for the stored one)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from metrics.models import DashboardSnapshot

    DashboardSnapshot.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_keeps_dashboard_queries_constant_as_data_grows(
    org, client_for, django_assert_max_num_queries, dashboard_urls
) -> None:
    urls = dashboard_urls
    clients = {user: client_for(user) for user in urls}
    for user, user_urls in urls.items():  # the navigation's answers kept, as for a returning viewer
        clients[user].get(user_urls[0])
    before = {url: _count(None, clients[u], url) for u, us in urls.items() for url in us}
    _grow(org, 3)
    middle = {url: _count(None, clients[u], url) for u, us in urls.items() for url in us}
    _grow(org, 20)
    for user, user_urls in urls.items():
        for url in user_urls:
            DashboardSnapshot.objects.all().delete()
            with django_assert_max_num_queries(before[url]):
                assert clients[user].get(url).status_code == 200
    assert before == middle


def _add_program_with_feedback(org, n: int) -> None:
    """Another program of the same HR, with a survey answered by three and an assessment round."""
    from django.utils import timezone

    from feedback.models import SkillRating
    from tests.feedback.factories import answered, request_for, sent_round, sent_survey

    program = factories.ProgramFactory(
        start_date=org.start, end_date=org.start + timedelta(days=300), coordinators=[org.hr]
    )
    survey = sent_survey(program)
    for rating in (3, 4, 5):
        answered(survey, "mentee", (rating, rating, rating), comment=f"comment {n}")
    mentee = factories.UserFactory(department=org.people["m1"].department, manager=org.boss)
    for kind, days, level in (("baseline", 5, 1), ("final", 200, 3)):
        request = request_for(
            sent_round(program, kind, org.start + timedelta(days=days)), mentee, mentee
        )
        SkillRating.objects.create(request=request, skill=org.skills["k8s"], level=level)
        request.completed_at = timezone.now()
        request.save()


def test_it_keeps_dashboard_queries_constant_as_programs_grow(
    org, assessments, client_for, django_assert_max_num_queries, dashboard_urls
) -> None:
    urls = {user: addresses[0] for user, addresses in dashboard_urls.items()}
    clients = {user: client_for(user) for user in urls}
    _add_program_with_feedback(org, 0)
    before = {url: _count(None, clients[user], url) for user, url in urls.items()}
    for n in range(1, 5):
        _add_program_with_feedback(org, n)
    for user, url in urls.items():
        DashboardSnapshot.objects.all().delete()
        with django_assert_max_num_queries(before[url]):
            response = clients[user].get(url)
        assert response.status_code == 200
    assert "comment 4" in clients[org.hr].get(urls[org.hr]).content.decode()


def test_it_suppresses_skill_growth_from_fewer_than_three_for_managers(
    org, assessments, client_for
) -> None:
    body = (
        client_for(org.boss)
        .get(reverse("metrics:team"), {"format": "csv", "table": "growth"})
        .content.decode()
    )
    rows = list(csv.reader(io.StringIO(body)))
    # Self-ratings from 3 mentees are shown; mentor ratings from 2 are not.
    assert rows[1:3] == [
        ["Kube test skill", "skill", "self", "1.0", "3", "false"],
        ["Kube test skill", "skill", "mentor", "", "", "true"],
    ]


def test_it_links_the_program_dashboard_from_the_manage_page(org, client_for) -> None:
    html = (
        client_for(org.hr).get(reverse("programs:manage", args=[org.program.slug])).content.decode()
    )
    assert reverse("metrics:program", args=[org.program.slug]) in html


def test_it_suppresses_skill_growth_from_fewer_than_three_for_hr_too(
    org, assessments, client_for
) -> None:
    body = (
        client_for(org.hr)
        .get(
            reverse("metrics:program", args=[org.program.slug]),
            {"format": "csv", "metric": "growth"},
        )
        .content.decode()
    )
    rows = [row for row in csv.reader(io.StringIO(body)) if row[0] == "Kube test skill"]
    # Mentor ratings of 2 mentees: hidden from HR as from everyone else.
    assert rows == [
        ["Kube test skill", "skill", "self", "1.0", "3", "false"],
        ["Kube test skill", "skill", "mentor", "", "", "true"],
    ]


def test_it_keeps_survey_comments_from_leadership(org, client_for) -> None:
    _add_program_with_feedback(org, 0)
    leadership = client_for(org.leader).get(reverse("metrics:leadership"))
    csv_body = (
        client_for(org.leader)
        .get(reverse("metrics:leadership"), {"format": "csv", "metric": "feedback"})
        .content.decode()
    )
    assert "comment 0" not in leadership.content.decode() and "comment 0" not in csv_body
    # The averages stay.
    assert csv_body.startswith("program,survey,respondents,question,average,answers,suppressed")
    assert len(csv_body.splitlines()) > 1
    assert "comment 0" in client_for(org.hr).get(reverse("metrics:hr")).content.decode()


def test_it_hides_a_filtered_figure_that_leaves_out_one_person(org, client_for) -> None:
    """Engineering has 6 participants of 7 (one, in Operations, added here): the department
    filter would otherwise give away the Operations person's retention."""
    from people.models import Department

    ops = Department.objects.get(name="Operations")
    extra = factories.UserFactory(department=ops, hire_date=org.start - timedelta(days=800))
    factories.EnrolmentFactory(program=org.program, user=extra, role="mentee")
    eng = org.people["m1"].department
    client = client_for(org.leader)
    everyone = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("metrics:leadership"), {"format": "csv", "metric": "retention"}
                ).content.decode()
            )
        )
    )
    engineering = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("metrics:leadership"),
                    {"format": "csv", "metric": "retention", "department": eng.pk},
                ).content.decode()
            )
        )
    )
    # months, group, retained_percent, people, suppressed: participants at 6 months.
    assert everyone[1] == ["6", "participants", "85.7", "7", "false"]
    assert engineering[1] == ["6", "participants", "", "", "true"]
