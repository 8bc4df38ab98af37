"""Turns selector figures into dashboard sections: a chart and the same figures as a table.

Every figure goes through `Builder.fig`, the one place where core.privacy decides
what is shown, for every audience (HR included), page, chart, table and CSV: a figure needs
at least 3 people behind it and, in a filtered view, the people the filters leave out of every
wider view the viewer can get must be none or at least 3 (complementary suppression).
Leadership and managers never see names; HR sees names only on pairing suggestions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from itertools import combinations
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from core import privacy
from experts import selectors as expert_selectors
from programs.models import SkillCategory

from . import charts, selectors
from .selectors import Scope

SUPPRESSED = privacy.SUPPRESSED
# Rows loaded once per request that don't depend on the filters: shared with the wider views
# (and those of selectors.shared, keyed by what they depend on).
SHARED_CACHE = ("taking_part", "skills")


def _shared(key) -> bool:
    return key in SHARED_CACHE or (isinstance(key, tuple) and key[0] == "shared")


class Audience(Enum):
    HR = "hr"
    MANAGER = "manager"
    LEADERSHIP = "leadership"

    @property
    def sees_names(self) -> bool:
        return self is Audience.HR

    @property
    def sees_comments(self) -> bool:
        # Survey comments stay with the program's HR coordinators.
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
    # Links under the table (text, address), e.g. to book a sole expert (Ask an expert).
    links: list[tuple[str, str]] = field(default_factory=list)
    # The section's card as drawn when it was stored (metrics.snapshots, metrics.drawing), in
    # pieces to be joined with the request's filters; None when it is drawn per request.
    stored_pieces: list[str] | None = field(default=None, compare=False, repr=False)

    @property
    def body_html(self) -> SafeString:
        return table_body(self.rows, self.headers)

    @property
    def extra_body_html(self) -> SafeString:
        return table_body(self.extra_rows, self.extra_headers)


def wider_scopes(
    scope: Scope,
    *,
    all_program_ids: tuple[int, ...] | None,
    people_bases: Sequence[frozenset[int] | None] = (),
) -> list[Scope]:
    """Every other view of the same figures the viewer could compare this one with.

    That is this view with any combination of its filters (program, department, cohort, date
    range) removed, over its own people and over each wider people base (for a manager: the
    subtrees of the managers above them and the whole organisation, whose dashboards are
    also published), with the same filters or fewer.
    """
    applied = [
        name
        for name, on in (
            ("program", scope.program_ids != all_program_ids),
            ("department", scope.department_id is not None),
            ("cohort", bool(scope.cohort)),
            ("dates", bool(scope.date_from or scope.date_to)),
        )
        if on
    ]
    bases = [scope.people_ids, *[b for b in people_bases if b != scope.people_ids]]
    found = []
    for people in bases:
        for r in range(len(applied) + 1):
            for dropped in combinations(applied, r):
                if people == scope.people_ids and not dropped:
                    continue  # this view itself
                changes: dict = {"people_ids": people, "cache": {}}
                if "program" in dropped:
                    changes["program_ids"] = all_program_ids
                if "department" in dropped:
                    changes["department_id"] = None
                if "cohort" in dropped:
                    changes["cohort"] = None
                if "dates" in dropped:
                    changes["date_from"] = changes["date_to"] = None
                found.append(replace(scope, **changes))
    return found


class Builder:
    def __init__(
        self,
        scope: Scope,
        audience: Audience,
        *,
        wider: Sequence[Scope] = (),
        recording: bool = False,
    ) -> None:
        self.scope = scope
        self.audience = audience
        self.programs = selectors.scoped_programs(scope)
        self._skill_rows: list[tuple] | None = None
        self.wider = list(wider)
        # Who stands behind each figure is worked out only when views are compared: when
        # this view has wider ones, or is itself a wider view of another (`recording`).
        self.compares = bool(self.wider) or recording
        # A wider view only records who stands behind each figure, unevaluated: the narrower
        # view works it out when (and only if) one of its own figures needs the comparison.
        # Its charts are never shown, so it draws none.
        self.recording = recording
        self.draws = not recording
        # figure key -> who stands behind it here (contributions, a function returning them,
        # or None for a bare count) with its n, and in each wider view.
        self.who: dict[tuple, tuple[int, frozenset | Callable | None]] = {}
        self._wider_who: dict[tuple, list[tuple[int, frozenset | Callable | None]]] = defaultdict(
            list
        )
        self._verdicts: dict[tuple, bool] = {}
        # Contributions worked out from a function, and people left out of a wider view,
        # each computed once (several figures share the same people: a group's outcomes).
        self._evaluated: dict[int, tuple[Callable, frozenset]] = {}
        self._left_out: dict[tuple[int, int], tuple[frozenset, frozenset, int]] = {}

    @property
    def skill_rows(self) -> list[tuple]:
        # Supply/demand and knowledge concentration read the same rows: load them once.
        if self._skill_rows is None:
            self._skill_rows = selectors.skill_rows(self.scope, self.programs)
        return self._skill_rows

    def shown(self, key: tuple, n: int, who: frozenset | Callable | None = None) -> bool:
        """May figure `key`, from `n` people (or pairings), be shown? The one check every
        figure of every dashboard, chart, table and CSV goes through.

        `who`: the contributions behind it, each a tuple with the person first (see
        core.privacy.left_out), or a function returning them; without them, `n`
        is compared as a count.
        Records them so that this view can serve as a wider view of a narrower one.
        """
        if not self.compares:
            return privacy.enough(n)
        if (key, n) in self._verdicts:  # a figure and its group size ask the same
            return self._verdicts[key, n]
        if self.recording:
            # Serves only as a wider view: what it shows is never seen.
            self.who[key] = (n, who)
            verdict = self._verdicts[key, n] = privacy.enough(n)
            return verdict
        verdict = privacy.enough(n)
        if verdict:
            mine = None if who is None else self._contributions(who)
            for whole_n, whole in self._wider_who.get(key, ()):
                theirs = None if whole is None else self._contributions(whole)
                if mine is not None and theirs is not None:
                    memo = self._left_out.get((id(mine), id(theirs)))
                    if memo is None:
                        # Both kept with the count so that their ids are not reused.
                        memo = self._left_out[id(mine), id(theirs)] = (
                            mine,
                            theirs,
                            privacy.left_out(mine, theirs),
                        )
                    gone = memo[2]
                else:
                    gone = max((whole_n if theirs is None else _people(theirs)) - n, 0)
                if not privacy.left_out_ok(gone):
                    verdict = False
                    break
        self._verdicts[key, n] = verdict
        return verdict

    def _contributions(self, who: frozenset | Callable) -> frozenset:
        if not callable(who):
            return who
        found = self._evaluated.get(id(who))
        if found is None:
            # The function is kept with its result so that its id is not reused.
            found = self._evaluated[id(who)] = (who, who())
        return found[1]

    def fig(self, value, n: int, key: tuple, who: frozenset | Callable | None = None):
        """The figure, or None when suppressed (see `shown`)."""
        return value if self.shown(key, n, who) else None

    def n(self, n: int, key: tuple, who: frozenset | Callable | None = None) -> object:
        """A group size for the table: itself, "fewer than 3", or "hidden" when the
        complementary rule hides the figure it belongs to."""
        if not privacy.enough(n):
            return SUPPRESSED
        return n if self.shown(key, n, who) else privacy.HIDDEN

    def _measure_wider_views(self) -> None:
        for scope in self.wider:
            scope.cache.update({k: v for k, v in self.scope.cache.items() if _shared(k)})
            other = Builder(scope, self.audience, recording=True)
            other._sections()
            self.scope.cache.update({k: v for k, v in scope.cache.items() if _shared(k)})
            for key, found in other.who.items():
                self._wider_who[key].append(found)

    def sections(self) -> list[Section]:
        self._measure_wider_views()
        return self._sections()

    def _sections(self) -> list[Section]:
        groups = selectors.cohorts(self.scope, self.programs)
        # A wider view skips the survey feedback: its figures are per survey, the same in every
        # view that has the survey's program (wider views only add programs), so no filter
        # leaves anyone out of them.
        found = [
            self.growth(),
            self.retention(groups),
            self.career(groups),
            self.target_roles(groups),
            self.certifications(groups),
            self.engagement(),
            None if self.recording else self.feedback(),
            self.supply_demand(),
            # Its only figures, mentees seeking a skill, are supply_demand's already.
            None if self.recording else self.concentration(),
        ]
        return [s for s in found if s is not None]

    def growth(self) -> Section | None:
        data = selectors.skill_growth(self.scope, self.programs)
        if data is None:
            return None
        headers = [
            "Group",
            "By",
            "Mean change (self)",
            "People (self)",
            "Mean change (mentor)",
            "People (mentor)",
        ]
        rows, labels, own, mentor = [], [], [], []
        for level, items in (
            ("Skill", data["skills"]),
            ("Program", data["programs"]),
            ("Cohort", data["cohorts"]),
        ):
            for item in items:
                cells = []
                for role in ("self", "mentor"):
                    key = ("growth", level, item["label"], role)
                    cell = item[role]
                    cells.append(
                        (
                            self.fig(cell["mean"], cell["n"], key, cell["who"]),
                            self.n(cell["n"], key, cell["who"]),
                        )
                    )
                (s, s_n), (m, m_n) = cells
                rows.append([item["label"], level, _show(s), s_n, _show(m), m_n])
                if level == "Skill":
                    labels.append(item["label"])
                    own.append(s)
                    mentor.append(m)
        chart = (
            charts.grouped_bars(
                "Mean change from baseline per skill",
                labels,
                [("Self-rating", own), ("Mentor rating", mentor)],
            )
            if labels and self.draws
            else None
        )
        return Section(
            "growth",
            "Skill growth",
            "Mean change from the baseline assessment to the latest follow-up, on a 1–5 "
            "scale, rated by the mentee and by the mentor.",
            headers,
            rows,
            chart,
        )

    def _pair(self, cell: dict, key: tuple) -> tuple[object, object, object]:
        """(figure, its cell, its group size cell) of a {rate, n} cell."""
        value = self.fig(cell["rate"], cell["n"], key, cell["who"])
        return value, _show(value, "%"), self.n(cell["n"], key, cell["who"])

    def _rates(
        self, name: str, data: dict, labels: list[str], keys: list[object]
    ) -> tuple[list[list[object]], list, list]:
        rows, part, comp = [], [], []
        for label, key, row in zip(labels, keys, data["rows"], strict=True):
            p, *p_cells = self._pair(row["participants"], (name, key, "participants"))
            c, *c_cells = self._pair(row["comparison"], (name, key, "comparison"))
            rows.append([label, *p_cells, *c_cells])
            part.append(p)
            comp.append(c)
        return rows, part, comp

    def retention(self, groups: selectors.Cohorts) -> Section:
        data = selectors.retention(self.scope, groups=groups)
        headers = [
            "Measure",
            "Participants",
            "Participants (people)",
            "Comparison group",
            "Comparison group (people)",
        ]
        months = [r["months"] for r in data["rows"]]
        rows, part, comp = self._rates(
            "retention", data, [f"Retained at {m} months" for m in months], months
        )
        chart = (
            charts.grouped_bars(
                "Retention",
                [f"{m} months" for m in months],
                [("Participants", part), ("Comparison", comp)],
                maximum=100,
                unit="%",
            )
            if self.draws
            else None
        )
        return Section(
            "retention",
            "Retention",
            "Share still employed 6 and 12 months after their program started. Only people "
            "whose 6 or 12 months have passed count. The comparison group is non-participants "
            "in the same departments with similar tenure (same whole years of service).",
            headers,
            rows,
            chart,
        )

    def career(self, groups: selectors.Cohorts) -> Section:
        data = selectors.career_outcomes(self.scope, groups=groups)
        headers = [
            "Outcome",
            "Participants",
            "Participants (people)",
            "Comparison group",
            "Comparison group (people)",
        ]
        labels = [r["label"] for r in data["rows"]]
        rows, part, comp = self._rates("career", data, labels, [r["kind"] for r in data["rows"]])
        chart = (
            charts.grouped_bars(
                "Career outcomes",
                labels,
                [("Participants", part), ("Comparison", comp)],
                maximum=100,
                unit="%",
            )
            if self.draws
            else None
        )
        return Section(
            "career",
            "Promotions, moves and certifications",
            "Share of each group with at least one such event between their program's "
            "start and end (or today).",
            headers,
            rows,
            chart,
        )

    def target_roles(self, groups: selectors.Cohorts) -> Section | None:
        d = selectors.target_roles(self.scope, self.programs, groups)
        if not d["programs"] and not d["moves"]["count"]:
            return None
        rows = []
        for p in d["programs"]:
            key = ("roles", p["label"])
            rows.append(
                [
                    p["label"],
                    self.n(p["n"], key, p["who"]),
                    _show(self.fig(p["start"], p["n"], key, p["who"]), "%"),
                    _show(self.fig(p["now"], p["n"], key, p["who"]), "%"),
                ]
            )
        m = d["moves"]
        key = ("roles", "moves")
        moves = [
            [
                "Participants",
                _show(self.fig(m["count"], m["n"], key, m["who"])),
                _show(self.fig(m["rate"], m["n"], key, m["who"]), "%"),
                self.n(m["n"], key, m["who"]),
            ]
        ]
        return Section(
            "roles",
            "Progress toward target roles",
            "Per program, mentees with a target role and the mean share of its required skills "
            "they met when they chose it and now (current levels: the latest mentor rating, "
            "else self-rating, else the level given when enrolling).",
            ["Program", "Mentees with a target role", "Required skills met at start", "Met now"],
            rows,
            None,
            extra_title="Internal moves along a career path",
            extra_headers=["Group", "Moves along a path", "Share", "People"],
            extra_rows=moves,
        )

    def certifications(self, groups: selectors.Cohorts) -> Section:
        data = selectors.certifications(self.scope, groups=groups)
        rows = []
        for key, label, unit in (
            ("pass_rate", "Certification exam pass rate", "%"),
            ("time", "Median days from starting to prepare to passing", ""),
        ):
            cells = []
            for group in ("participants", "comparison"):
                cell = data[key][group]
                _value, shown, n = self._pair(cell, ("certifications", key, group))
                cells += [shown if unit else _show(_value), n]
            rows.append([label, *cells])
        return Section(
            "certifications",
            "Certification exams",
            "Of the people who sat a certification exam from their program's start, the share "
            "who passed; and for those who passed, the median days from starting to prepare "
            "(a certification goal's start) to their first pass. Exam results come from "
            "certification goals and from HR (Learning and certifications → Exam results).",
            [
                "Figure",
                "Participants",
                "Participants (people)",
                "Comparison group",
                "Comparison group (people)",
            ],
            rows,
        )

    def engagement(self) -> Section:
        activity = selectors.checkin_activity(self.scope, self.programs)
        reset = selectors.reset_counts(self.scope, self.programs)
        pulse_data = selectors.pulse_summary(self.scope, self.programs)
        n, live_n = activity["mentorships"], activity["live"]
        pairs = (("engagement", "mentorships"), activity["who"]["mentorships"])
        live = (("engagement", "live"), activity["who"]["live"])
        pulse = (("engagement", "pulse"), pulse_data["who"]["pulse"])
        raters = pulse_data["pulse_people"]
        # Resets are counted over the same mentorships as the activity figures.
        resets = [self.fig(r["count"], n, *pairs) for r in reset["resets"]]
        requests = self.fig(reset["reset_requests"], n, *pairs)
        rows = [
            ["Mentorships", _show(self.fig(n, n, *pairs)), self.n(n, *pairs)],
            [
                "Check-ins per mentorship per month",
                _show(self.fig(activity["checkins_per_month"], n, *pairs)),
                self.n(n, *pairs),
            ],
            [
                "Mentorships on track (share of active)",
                _show(self.fig(activity["on_track_rate"], live_n, *live), "%"),
                self.n(live_n, *live),
            ],
            *[
                [f"Ended: {r['label'].lower()}", _show(v), self.n(n, *pairs)]
                for r, v in zip(reset["resets"], resets, strict=True)
            ],
            ["Reset requests raised", _show(requests), self.n(n, *pairs)],
            [
                "Average check-in pulse (1–5)",
                _show(self.fig(pulse_data["pulse_avg"], raters, *pulse)),
                self.n(raters, *pulse),
            ],
        ]
        labels = [r["label"] for r in reset["resets"]] + ["Reset requests"]
        chart = (
            charts.bar_chart("Resets by reason", labels, [*resets, requests])
            if self.draws
            else None
        )
        return Section(
            "engagement",
            "Engagement",
            f"On track: the last check-in is no older than {selectors.ON_TRACK_CADENCES:g}× "
            "the program's meeting cadence. Resets: pairings ended because they weren't "
            "working or the mentee was reassigned.",
            ["Figure", "Value", "Based on (mentorships or people)"],
            rows,
            chart,
        )

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
                        key = ("feedback", survey["survey_id"], group["role"], q["question_id"])
                        average = self.fig(q["average"], q["answers"], key)
                        rows.append([where, q["text"], _show(average), self.n(q["answers"], key)])
                        labels.append(f"{group['role_label']}: {q['text']}")
                        values.append(average)
                    if self.audience.sees_comments:
                        comments += [[where, text] for text in group["comments"]]
        chart = (
            charts.bar_chart("Survey ratings (1–5)", labels, values)
            if labels and self.draws
            else None
        )
        section = Section(
            "feedback",
            "Survey feedback",
            "Average survey ratings per program, survey and audience. Groups with fewer "
            "than 3 respondents are not shown.",
            ["Program · survey · respondents", "Question", "Average (1–5)", "Answers"],
            rows,
            chart,
        )
        if self.audience.sees_comments:
            section.extra_title = "Comments (anonymous)"
            section.extra_headers = ["Program · survey · respondents", "Comment"]
            section.extra_rows = comments
        return section

    def supply_demand(self) -> Section:
        d = selectors.supply_demand(self.scope, self.programs, rows=self.skill_rows)
        rows, cells, labels = [], [], []
        for c in d["categories"]:
            demand = self.fig(
                c["demand"],
                c["seekers"],
                ("supply", "category", c["category"], "seekers"),
                c["who"]["seekers"],
            )
            supply = self.fig(
                c["supply"],
                c["mentors"],
                ("supply", "category", c["category"], "mentors"),
                c["who"]["mentors"],
            )
            short = _shortfall(demand, supply, c["mentors"])
            rows.append([c["label"], _show(demand), _show(supply), _show(short)])
            labels.append(c["label"])
            cells.append([demand, supply, short if short is None else max(short, 0)])
        chart = (
            charts.heatmap(
                "Skill supply and demand", labels, ["Sought", "Mentor places", "Shortfall"], cells
            )
            if self.draws
            else None
        )
        extra, invest = [], []
        for s in d["skills"]:
            who = s["who"]
            demand = self.fig(
                s["demand"], s["demand"], ("supply", "skill", s["skill"], "seekers"), who["seekers"]
            )
            gap = self.fig(
                s["mean_gap"], s["gap_people"], ("supply", "skill", s["skill"], "gap"), who["gap"]
            )
            supply = self.fig(
                s["supply"],
                s["mentors"],
                ("supply", "skill", s["skill"], "mentors"),
                who["mentors"],
            )
            extra.append(
                [
                    s["skill"],
                    _category(s["category"]),
                    _show(demand),
                    _show(gap),
                    _show(supply),
                    _show(_shortfall(demand, supply, s["mentors"])),
                ]
            )
            if demand is not None and s in d["invest"]:
                invest.append(s["skill"])
        notes = ["Invest in training first for: " + ", ".join(invest) + "."] if invest else []
        return Section(
            "supply",
            "Skill supply and demand",
            "Mentees seeking each skill category against mentor places offered (summed "
            "capacity of mentors at level 4 or 5). A dark shortfall cell is where to invest "
            "in training.",
            ["Category", "Sought (mentees)", "Mentor places", "Shortfall"],
            rows,
            chart,
            notes=notes,
            extra_title="Per skill",
            extra_headers=[
                "Skill",
                "Category",
                "Mentees seeking",
                "Mean gap (levels)",
                "Mentor places",
                "Shortfall",
            ],
            extra_rows=extra,
        )

    def concentration(self) -> Section:
        d = selectors.knowledge_concentration(
            self.scope,
            self.programs,
            # (who needs a figure is the same without)
            pairings=self.audience.sees_names and self.draws,
            rows=self.skill_rows,
        )
        headers = [
            "Skill",
            "Category",
            "Experts (level 5)",
            "Needed by (mentees)",
            "Required by roles",
        ]
        if self.audience.sees_names:
            headers += ["Sole expert", "Suggested pairings"]
        rows, labels, values = [], [], []
        for s in d["skills"]:
            experts = "none" if s["experts"] == 0 else "one"
            needed = self.fig(
                s["needed_by"], s["needed_by"], ("supply", "skill", s["skill"], "seekers"), s["who"]
            )
            row = [
                s["skill"],
                _category(s["category"]),
                experts,
                _show(needed),
                s["required_by_roles"],
            ]
            if self.audience.sees_names:
                pairs = "; ".join(f"{p['name']} (level {p['level']})" for p in s["suggested"])
                row += [s["expert"] or "", pairs]
            rows.append(row)
            labels.append(s["skill"])
            values.append(needed)
        chart = (
            charts.bar_chart("Mentees needing concentrated skills", labels[:15], values[:15])
            if labels and self.draws
            else None
        )
        return Section(
            "concentration",
            "Knowledge concentration",
            "Skills that one person or nobody holds at expert level among mentors, against "
            "how many mentees seek them; first those many work roles require but one expert "
            "holds. Suggested pairings put the sole expert with people "
            "at level 3–4 outside their reporting line.",
            headers,
            rows,
            chart,
            links=self._expert_links(d["skills"]) if self.audience.sees_names else [],
        )

    @staticmethod
    def _expert_links(skills: list[dict], top: int = 15) -> list[tuple[str, str]]:
        """Spread a sole expert's knowledge: book them for the skill (Ask an expert) when they
        are listed and taking requests; otherwise find whoever else shares it."""
        sole = [s for s in skills if s["expert_id"] is not None][:top]
        bookable = expert_selectors.bookable_pairs({(s["expert_id"], s["skill_id"]) for s in sole})
        links = []
        for s in sole:
            query = urlencode({"skill": s["skill_id"]})
            if (s["expert_id"], s["skill_id"]) in bookable:
                url = reverse("experts:book", args=[s["expert_id"]])
                links.append((f"Book {s['expert']} for {s['skill']}", f"{url}?{query}"))
            else:
                url = reverse("experts:find")
                links.append((f"Find who else knows {s['skill']}", f"{url}?{query}"))
        return links


def _people(who: frozenset | int) -> int:
    return who if isinstance(who, int) else len({part[0] for part in who})


def _shortfall(demand, supply, mentors: int):
    """Demand minus supply, shown only when both are (with no mentor at all, supply is 0)."""
    if demand is None or (supply is None and mentors):
        return None
    return demand - (supply or 0)


def table_body(rows: list[list[object]], headers: list[str] | None = None) -> SafeString:
    """Table rows with the first cell as the row header, every cell escaped.

    Each data cell carries its column's name (data-label): on a phone the table's rows stack
    into cards (`table-stack` in app.css) and the name is shown beside the figure.

    Built here rather than in a template loop: a dashboard has thousands of cells, and the
    template engine spends ~30 µs on each.
    """
    out = []
    for row in rows:
        cells = [f'<th scope="row">{conditional_escape(localize(row[0]))}</th>'] if row else []
        labels = [conditional_escape(h) for h in (headers or [])[1:]]
        labels += [""] * (len(row) - 1 - len(labels))
        cells += [
            f'<td data-label="{label}">{conditional_escape(localize(cell))}</td>'
            for label, cell in zip(labels, row[1:], strict=False)
        ]
        out.append(f"<tr>{''.join(cells)}</tr>")
    return mark_safe("\n".join(out))  # noqa: S308 - every cell escaped above


def _category(code: str) -> str:
    """A skill category by its display name ("DevOps"), never its code ("devops")."""
    return SkillCategory(code).label if code in SkillCategory.values else code


def _show(value, unit: str = ""):
    """A figure for the table: the value, or a note that it's suppressed."""
    if value is None:
        return "—"
    return f"{value}{unit}" if unit else value
