"""Dashboard exports as tidy tables: what an analyst gets from pandas.read_csv."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from django.urls import reverse

from metrics.dashboards import Audience, Section
from metrics.tables import BOOLEAN, INTEGER, NUMBER, TEXT, section_tables
from programs.models import EnrolmentSkill, Skill
from tests import factories

DASHBOARDS = {"hr": "metrics:hr", "manager": "metrics:team", "leadership": "metrics:leadership"}
DTYPES = {INTEGER: {"int64", "float64"}, NUMBER: {"int64", "float64"}, BOOLEAN: {"bool"}}


@pytest.fixture
def seeded(org, assessments):
    """The hand-worked organisation, with a survey answered by three mentees (one comment a
    formula) and a skill whose name a spreadsheet would run."""
    from tests.feedback.factories import answered, sent_survey

    survey = sent_survey(org.program)
    for rating, comment in ((3, "=cmd|' /C calc'!A0"), (4, "Helpful"), (5, "")):
        answered(survey, "mentee", (rating, rating, rating), comment=comment)
    skill = factories.SkillFactory(name="=HYPERLINK(1)", category="cloud")
    enrolment = org.program.enrolments.get(user=org.people["m1"])
    EnrolmentSkill.objects.create(
        enrolment=enrolment, skill=Skill.objects.get(pk=skill.pk), level=1, target_level=3
    )
    return org


def _user(org, who: str):
    return {"hr": org.hr, "manager": org.boss, "leadership": org.leader}[who]


def download(client_for, org, who: str) -> dict[str, pd.DataFrame]:
    response = client_for(_user(org, who)).get(reverse(DASHBOARDS[who]), {"format": "zip"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {
            name.removesuffix(".csv"): pd.read_csv(io.BytesIO(archive.read(name)))
            for name in archive.namelist()
            if name.endswith(".csv")
        }


def documented_columns(client_for, org, who: str) -> dict[str, dict[str, str]]:
    """table -> column -> kind, as README.txt in the zip describes them."""
    response = client_for(_user(org, who)).get(reverse(DASHBOARDS[who]), {"format": "zip"})
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        readme = archive.read("README.txt").decode()
    tables: dict[str, dict[str, str]] = {}
    current = ""
    for line in readme.splitlines():
        if line.endswith(".") and ".csv: " in line:
            current = line.split(".csv: ")[0]
            tables[current] = {}
        elif line.startswith("  ") and current:
            name, kind = line.strip().split(":")[0].split(" (")
            tables[current][name] = kind.rstrip(")")
    return tables


@pytest.mark.parametrize("who", list(DASHBOARDS))
def test_it_reads_every_exported_table_with_pandas_as_typed_columns(
    seeded, client_for, who
) -> None:
    frames = download(client_for, seeded, who)
    documented = documented_columns(client_for, seeded, who)
    assert set(frames) == set(documented)
    assert {
        "retention",
        "career",
        "engagement",
        "supply",
        "supply_skills",
        "concentration",
        "growth",
    } <= set(frames)
    for name, frame in frames.items():
        # The first row is the header: no title row, every column named as documented.
        assert list(frame.columns) == list(documented[name]), name
        for column, kind in documented[name].items():
            if frame[column].isna().all():
                continue  # an empty column has no type to check
            dtype = str(frame[column].dtype)
            if kind == TEXT:
                assert not pd.api.types.is_numeric_dtype(frame[column]), (name, column, dtype)
            else:
                assert dtype in DTYPES[kind], (name, column, dtype)
    assert not frames["retention"].empty and not frames["engagement"].empty
    assert set(frames["engagement"]["measure"]) == {
        "mentorships",
        "checkins_per_mentorship_month",
        "on_track_percent",
        "ended_not_working",
        "ended_reassigned",
        "reset_requests",
        "pulse_average",
    }


def test_it_exports_negative_numbers_as_negative_numbers(seeded, client_for) -> None:
    # A third Kubernetes mentor (1 place), so Cloud's places come from enough mentors to show.
    mentor = factories.EnrolmentFactory(program=seeded.program, role="mentor", capacity=1)
    factories.EnrolmentSkillFactory(
        enrolment=mentor,
        level=4,
        target_level=None,
        skill=Skill.objects.get(name="Kube test skill"),
    )
    supply = download(client_for, seeded, "hr")["supply"].set_index("category")
    # Cloud: 4 mentees seeking (3 for Kubernetes, 1 for the formula skill), 6 mentor places.
    # Numbers (float where another category's figure is hidden: pandas has no integer NaN).
    assert str(supply["shortfall"].dtype) in DTYPES[INTEGER]
    assert supply.loc["Cloud", "shortfall"] == -2
    assert (
        supply.loc["Cloud", "shortfall"]
        == supply.loc["Cloud", "sought"] - supply.loc["Cloud", "mentor_places"]
    )


def test_it_leaves_suppressed_figures_empty_and_flags_their_rows(seeded, client_for) -> None:
    growth = download(client_for, seeded, "manager")["growth"]
    mentor = growth[(growth["group"] == "Kube test skill") & (growth["rater"] == "mentor")].iloc[0]
    own = growth[(growth["group"] == "Kube test skill") & (growth["rater"] == "self")].iloc[0]
    assert pd.isna(mentor["mean_change"]) and pd.isna(mentor["people"]) and mentor["suppressed"]
    assert (own["mean_change"], own["people"], own["suppressed"]) == (1.0, 3, False)


@pytest.mark.parametrize("who", ["manager", "leadership"])
def test_it_never_exports_a_count_under_three_to_a_suppressed_dashboard(
    seeded, client_for, who
) -> None:
    for name, frame in download(client_for, seeded, who).items():
        for column in ("people", "based_on", "answers", "sought", "needed_by", "mentees_seeking"):
            if column in frame:
                shown = frame[column].dropna()
                assert (shown >= 3).all(), (name, column, list(shown))


def test_it_exports_the_figures_the_page_shows(seeded, client_for) -> None:
    retention = download(client_for, seeded, "manager")["retention"]
    six = retention[(retention["months"] == 6) & (retention["group"] == "participants")].iloc[0]
    assert (six["retained_percent"], six["people"]) == (66.7, 3)
    html = client_for(seeded.boss).get(reverse("metrics:team")).content.decode()
    assert "66.7%" in html


def test_it_escapes_text_cells_that_a_spreadsheet_would_run(seeded, client_for) -> None:
    frames = download(client_for, seeded, "hr")
    assert "'=HYPERLINK(1)" in set(frames["supply_skills"]["skill"])
    assert "'=cmd|' /C calc'!A0" in set(frames["feedback_comments"]["comment"])
    assert "=HYPERLINK(1)" not in set(frames["supply_skills"]["skill"])


def test_it_escapes_a_name_like_minus_31_but_not_the_number_minus_31() -> None:
    section = Section(
        "supply",
        "Skill supply and demand",
        "",
        [],
        [["-31", 1, 2, -31]],
        extra_rows=[["-31", "cloud", 1, None, 2, -31]],
    )
    categories, skills = (t.csv().splitlines() for t in section_tables(section, Audience.HR))
    assert categories[1] == "'-31,1,2,-31,false"
    assert skills[1] == "'-31,cloud,1,,2,-31,false"
    frame = pd.read_csv(io.StringIO("\n".join(skills)))
    assert frame.loc[0, "skill"] == "'-31" and frame.loc[0, "shortfall"] == -31


def test_it_splits_the_survey_group_into_program_survey_and_respondents() -> None:
    section = Section(
        "feedback",
        "Survey feedback",
        "",
        [],
        [
            ["A · B programme · Mid-point · Mentees", "Q1", 4.5, 3],
            ["A · B programme · End · Mentors", "All questions", "—", "fewer than 3"],
        ],
    )
    table = section_tables(section, Audience.HR)[0]
    assert table.rows == [
        ["A · B programme", "Mid-point", "Mentees", "Q1", 4.5, 3, False],
        ["A · B programme", "End", "Mentors", "All questions", None, None, True],
    ]


def test_it_hides_a_cell_it_cannot_read_as_a_number() -> None:
    section = Section(
        "retention", "Retention", "", [], [["Retained at 6 months", "hidden", 4, "80.0%", 5]]
    )
    table = section_tables(section, Audience.MANAGER)[0]
    assert table.rows == [[6, "participants", None, 4, True], [6, "comparison", 80.0, 5, False]]


def test_it_still_exports_a_section_whose_rows_changed_shape() -> None:
    section = Section(
        "retention",
        "Retention",
        "",
        ["Measure", "Participants", "Extra"],
        [["Retained at 6 months", "80.0%", "fewer than 3"]],
    )
    (table,) = section_tables(section, Audience.MANAGER)
    assert [c.name for c in table.columns] == ["measure", "participants", "extra", "suppressed"]
    assert table.rows == [["Retained at 6 months", 80.0, None, True]]
