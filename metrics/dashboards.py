"""Turns selector figures into dashboard sections: a chart and the same figures as a table.

The audience decides what is shown: HR sees everything for their programs; managers and
leadership get aggregates only, with every figure from fewer than 3 people suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from . import charts, selectors
from .selectors import MIN_N, Scope, suppress

SUPPRESSED = "fewer than 3"


class Audience(Enum):
    HR = "hr"
    MANAGER = "manager"
    LEADERSHIP = "leadership"

    @property
    def suppressed(self) -> bool:
        return self is not Audience.HR

    @property
    def sees_names(self) -> bool:
        return self is Audience.HR


@dataclass
class Section:
    key: str
    title: str
    intro: str
    headers: list[str]
    rows: list[list[object]]
    chart: SafeString | None = None
    notes: list[str] = field(default_factory=list)
    # Second table (e.g. per skill detail), exported as a table of its own (metrics.tables).
    extra_title: str = ""
    extra_headers: list[str] = field(default_factory=list)
    extra_rows: list[list[object]] = field(default_factory=list)

    @property
    def body_html(self) -> SafeString:
        return table_body(self.rows)

    @property
    def extra_body_html(self) -> SafeString:
        return table_body(self.extra_rows)


class Builder:
    def __init__(self, scope: Scope, audience: Audience) -> None:
        self.scope = scope
        self.audience = audience
        self.programs = selectors.scoped_programs(scope)
        self._skill_rows: list[tuple] | None = None

    @property
    def skill_rows(self) -> list[tuple]:
        # Supply/demand and knowledge concentration read the same rows: load them once.
        if self._skill_rows is None:
            self._skill_rows = selectors.skill_rows(self.scope, self.programs)
        return self._skill_rows

    # A figure hides when fewer than 3 people stand behind it (managers and leadership).
    def fig(self, value, n: int):
        return suppress(value, n, MIN_N) if self.audience.suppressed else value

    def n(self, n: int) -> object:
        return SUPPRESSED if self.audience.suppressed and n < MIN_N else n

    def sections(self) -> list[Section]:
        groups = selectors.cohorts(self.scope, self.programs)
        found = [self.growth(), self.retention(groups), self.career(groups), self.engagement(),
                 self.feedback(), self.supply_demand(), self.concentration()]
        return [s for s in found if s is not None]

    def growth(self) -> Section | None:
        data = selectors.skill_growth(self.scope, self.programs)
        if data is None:
            return None
        headers = ["Group", "By", "Mean change (self)", "People (self)",
                   "Mean change (mentor)", "People (mentor)"]
        rows, labels, own, mentor = [], [], [], []
        for level, items in (("Skill", data["skills"]), ("Program", data["programs"]),
                             ("Cohort", data["cohorts"])):
            for item in items:
                s = self.fig(item["self"]["mean"], item["self"]["n"])
                m = self.fig(item["mentor"]["mean"], item["mentor"]["n"])
                rows.append([item["label"], level, _show(s), self.n(item["self"]["n"]),
                             _show(m), self.n(item["mentor"]["n"])])
                if level == "Skill":
                    labels.append(item["label"])
                    own.append(s)
                    mentor.append(m)
        chart = charts.grouped_bars("Mean change from baseline per skill", labels,
                                    [("Self-rating", own), ("Mentor rating", mentor)]) if labels else None
        return Section("growth", "Skill growth",
                       "Mean change from the baseline assessment to the latest follow-up, on a 1–5 "
                       "scale, rated by the mentee and by the mentor.", headers, rows, chart)

    def _pair(self, cell: dict, key: str) -> tuple[object, object]:
        return _show(self.fig(cell[key], cell["n"]), "%"), self.n(cell["n"])

    def retention(self, groups: selectors.Cohorts) -> Section:
        data = selectors.retention(self.scope, groups=groups)
        headers = ["Measure", "Participants", "Participants (people)", "Comparison group",
                   "Comparison group (people)"]
        rows, part, comp = [], [], []
        for row in data["rows"]:
            p = self._pair(row["participants"], "rate")
            c = self._pair(row["comparison"], "rate")
            rows.append([f"Retained at {row['months']} months", *p, *c])
            part.append(self.fig(row["participants"]["rate"], row["participants"]["n"]))
            comp.append(self.fig(row["comparison"]["rate"], row["comparison"]["n"]))
        chart = charts.grouped_bars("Retention", [f"{r['months']} months" for r in data["rows"]],
                                    [("Participants", part), ("Comparison", comp)],
                                    maximum=100, unit="%")
        return Section("retention", "Retention",
                       "Share still employed 6 and 12 months after their program started. Only people "
                       "whose 6 or 12 months have passed count. The comparison group is non-participants "
                       "in the same departments with similar tenure (same whole years of service).",
                       headers, rows, chart)

    def career(self, groups: selectors.Cohorts) -> Section:
        data = selectors.career_outcomes(self.scope, groups=groups)
        headers = ["Outcome", "Participants", "Participants (people)", "Comparison group",
                   "Comparison group (people)"]
        rows, part, comp = [], [], []
        for row in data["rows"]:
            rows.append([row["label"], *self._pair(row["participants"], "rate"),
                         *self._pair(row["comparison"], "rate")])
            part.append(self.fig(row["participants"]["rate"], row["participants"]["n"]))
            comp.append(self.fig(row["comparison"]["rate"], row["comparison"]["n"]))
        chart = charts.grouped_bars("Career outcomes", [r["label"] for r in data["rows"]],
                                    [("Participants", part), ("Comparison", comp)],
                                    maximum=100, unit="%")
        return Section("career", "Promotions, moves and certifications",
                       "Share of each group with at least one such event between their program's "
                       "start and end (or today).", headers, rows, chart)

    def engagement(self) -> Section:
        d = selectors.engagement(self.scope, self.programs)
        n = d["mentorships"]
        rows = [
            ["Mentorships", self.fig(n, n), self.n(n)],
            ["Check-ins per mentorship per month", _show(self.fig(d["checkins_per_month"], n)),
             self.n(n)],
            ["Mentorships on track (share of active)", _show(self.fig(d["on_track_rate"], d["live"]), "%"),
             self.n(d["live"])],
            *[[f"Ended: {r['label'].lower()}", self.fig(r["count"], n), self.n(n)] for r in d["resets"]],
            ["Reset requests raised", self.fig(d["reset_requests"], n), self.n(n)],
            ["Average check-in pulse (1–5)", _show(self.fig(d["pulse_avg"], d["pulse_people"])),
             self.n(d["pulse_people"])],
        ]
        chart = charts.bar_chart("Resets by reason", [r["label"] for r in d["resets"]] + ["Reset requests"],
                                 [self.fig(r["count"], n) for r in d["resets"]]
                                 + [self.fig(d["reset_requests"], n)])
        return Section("engagement", "Engagement",
                       f"On track: the last check-in is no older than {selectors.ON_TRACK_CADENCES:g}× "
                       "the program's meeting cadence. Resets: pairings ended because they weren't "
                       "working or the mentee was reassigned.",
                       ["Figure", "Value", "Based on (mentorships or people)"], rows, chart)

    def feedback(self) -> Section | None:
        # Survey results are per program, not per team: managers don't get them.
        if self.audience is Audience.MANAGER:
            return None
        data = selectors.survey_feedback(self.programs)
        if data is None:
            return None
        rows: list[list[object]] = []
        comments: list[list[object]] = []
        labels, values = [], []
        for program in data:
            for survey in program["results"]:
                for group in survey["groups"]:
                    where = f"{program['program']} · {survey['kind_label']} · {group['role_label']}"
                    if group["hidden"]:
                        rows.append([where, "All questions", "—", SUPPRESSED])
                        continue
                    for q in group["questions"]:
                        rows.append([where, q["text"], _show(q["average"]), q["answers"]])
                        labels.append(f"{group['role_label']}: {q['text']}")
                        values.append(q["average"])
                    comments += [[where, text] for text in group["comments"]]
        chart = charts.bar_chart("Survey ratings (1–5)", labels, values) if labels else None
        return Section("feedback", "Survey feedback",
                       "Average survey ratings per program, survey and audience. Groups with fewer "
                       "than 3 respondents are not shown.",
                       ["Program · survey · respondents", "Question", "Average (1–5)", "Answers"],
                       rows, chart, extra_title="Comments (anonymous)",
                       extra_headers=["Program · survey · respondents", "Comment"],
                       extra_rows=comments)

    def supply_demand(self) -> Section:
        d = selectors.supply_demand(self.scope, self.programs, rows=self.skill_rows)
        rows, cells, labels = [], [], []
        for c in d["categories"]:
            demand = self.fig(c["demand"], c["seekers"])
            supply = self.fig(c["supply"], c["mentors"])
            short = self.fig(c["shortfall"], min(c["seekers"], c["mentors"]) if c["supply"] else c["seekers"])
            rows.append([c["label"], _show(demand), _show(supply), _show(short)])
            labels.append(c["label"])
            cells.append([demand, supply, short if short is None else max(short, 0)])
        chart = charts.heatmap("Skill supply and demand", labels,
                               ["Sought", "Mentor places", "Shortfall"], cells)
        extra = []
        for s in d["skills"]:
            extra.append([s["skill"], s["category"], _show(self.fig(s["demand"], s["demand"])),
                          _show(self.fig(s["mean_gap"], s["gap_n"])),
                          _show(self.fig(s["supply"], s["mentors"])), _show(self.fig(s["shortfall"],
                                                                            s["demand"]))])
        invest = [s["skill"] for s in d["invest"] if self.fig(1, s["demand"]) is not None]
        notes = ["Invest in training first for: " + ", ".join(invest) + "."] if invest else []
        return Section("supply", "Skill supply and demand",
                       "Mentees seeking each skill category against mentor places offered (summed "
                       "capacity of mentors at level 4 or 5). A dark shortfall cell is where to invest "
                       "in training.", ["Category", "Sought (mentees)", "Mentor places", "Shortfall"],
                       rows, chart, notes=notes, extra_title="Per skill",
                       extra_headers=["Skill", "Category", "Mentees seeking", "Mean gap (levels)",
                                      "Mentor places", "Shortfall"], extra_rows=extra)

    def concentration(self) -> Section:
        d = selectors.knowledge_concentration(self.scope, self.programs,
                                              pairings=self.audience.sees_names,
                                              rows=self.skill_rows)
        headers = ["Skill", "Category", "Experts (level 5)", "Needed by (mentees)"]
        if self.audience.sees_names:
            headers += ["Sole expert", "Suggested pairings"]
        rows, labels, values = [], [], []
        for s in d["skills"]:
            experts = ("none" if s["experts"] == 0 else "one") if self.audience.suppressed else s["experts"]
            needed = self.fig(s["needed_by"], s["needed_by"])
            row = [s["skill"], s["category"], experts, _show(needed)]
            if self.audience.sees_names:
                pairs = "; ".join(f"{p['name']} (level {p['level']})" for p in s["suggested"])
                row += [s["expert"] or "", pairs]
            rows.append(row)
            labels.append(s["skill"])
            values.append(needed)
        chart = charts.bar_chart("Mentees needing concentrated skills", labels[:15], values[:15]) \
            if labels else None
        return Section("concentration", "Knowledge concentration",
                       "Skills that one person or nobody holds at expert level among mentors, against "
                       "how many mentees seek them. Suggested pairings put the sole expert with people "
                       "at level 3–4 outside their reporting line.", headers, rows, chart)


def table_body(rows: list[list[object]]) -> SafeString:
    """Table rows with the first cell as the row header, every cell escaped.

    Built here rather than in a template loop: a dashboard has thousands of cells, and the
    template engine spends ~30 µs on each.
    """
    out = []
    for row in rows:
        cells = [f'<th scope="row">{conditional_escape(localize(row[0]))}</th>'] if row else []
        cells += [f"<td>{conditional_escape(localize(cell))}</td>" for cell in row[1:]]
        out.append(f"<tr>{''.join(cells)}</tr>")
    return mark_safe("\n".join(out))  # noqa: S308 - every cell escaped above


def _show(value, unit: str = ""):
    """A figure for the table: the value, or a note that it's suppressed."""
    if value is None:
        return "—"
    return f"{value}{unit}" if unit else value

