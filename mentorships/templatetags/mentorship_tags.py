"""Small pieces of mentorship markup drawn in every row of a list: a status badge and a
progress bar. Tags that return HTML rather than included templates, so a page of rows costs
one function call per row instead of one template render (with its context push) per row."""

from __future__ import annotations

from html import escape

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import mark_safe

from core.links import url_format
from programs.models import EnrolmentRole, EnrolmentStatus

from ..models import EndReason, MentorshipStatus, Source

register = template.Library()

BADGE_CLASSES = {
    MentorshipStatus.ACTIVE: "text-bg-success",
    MentorshipStatus.PAUSED: "text-bg-warning",
    MentorshipStatus.PROPOSED: "text-bg-info",
}


STATUS_LABELS = dict(MentorshipStatus.choices)
STATUS_BADGE = '<span class="badge {}">{}</span>'


@register.simple_tag
def status_badge(mentorship) -> str:
    """The mentorship's status as a coloured badge."""
    return mark_safe(  # noqa: S308 (escaped)
        STATUS_BADGE.format(
            BADGE_CLASSES.get(mentorship.status, "text-bg-secondary"),
            escape(STATUS_LABELS.get(mentorship.status, mentorship.status)),
        )
    )


def _percent(done, total) -> int:
    # As {% widthratio done total 100 %}: rounded, 0 for no total.
    try:
        return round(float(done) / float(total) * 100) if total else 0
    except (TypeError, ValueError):
        return 0


PROGRESS_BAR = (
    '<div class="d-flex align-items-center gap-2">'
    '<div class="progress flex-grow-1" role="progressbar" aria-label="Milestones done" '
    'aria-valuenow="{0}" aria-valuemin="0" aria-valuemax="{1}" style="height: .6rem;">'
    '<div class="progress-bar bg-success" style="width: {2}%"></div></div>'
    '<span class="small text-nowrap">{0}/{1}</span></div>'
)


@register.simple_tag
def progress_bar(done, total) -> str:
    """Milestones done out of total, as a bar and "done/total"."""
    done, total = done or 0, total or 0
    return mark_safe(  # noqa: S308 (escaped)
        PROGRESS_BAR.format(escape(str(done)), escape(str(total)), _percent(done, total))
    )


ENROLMENT_BADGES = {"approved": "success", "pending": "warning"}


ENROLMENT_ROW = (
    '<tr><td data-label="Person">{}<div class="small text-body-secondary">{}{}</div></td>'
    '<td data-label="Role">{}</td>'
    '<td data-label="Status"><span class="badge text-bg-{}">{}</span></td>'
    '<td class="small" data-label="Skills">{}</td>'
    '<td class="text-nowrap" data-label="Load">{}</td>'
    '<td data-label="Paired">{}</td></tr>'
)
NOT_PAIRED = '<span class="text-body-secondary">No</span>'
ROLE_LABELS = dict(EnrolmentRole.choices)
ENROLMENT_STATUS_LABELS = dict(EnrolmentStatus.choices)


@register.simple_tag
def enrolment_rows(rows) -> str:
    """The rows of a program's enrolment list (programs/program_enrolments.html), from the
    rows of `mentorships.selectors.enrolment_page` (values of `program_enrolments` with
    "skills_text"): person, role, status, skills, mentor load and whether they are paired.
    Drawn in Python with the template's escaping (`django.utils.html.escape` is
    `html.escape`) on every text from the database: fifty rows of template lookups cost more
    than the rest of the page."""

    def row(e: dict) -> str:
        department = e["user__department__name"]
        return ENROLMENT_ROW.format(
            escape(e["user__full_name"]),
            escape(e["user__email"]),
            f" · {escape(department)}" if department else "",
            escape(ROLE_LABELS.get(e["role"], e["role"])),
            ENROLMENT_BADGES.get(e["status"], "secondary"),
            escape(ENROLMENT_STATUS_LABELS.get(e["status"], e["status"])),
            escape(e["skills_text"]),
            f"{e['load']}/{e['capacity']}" if e["role"] == "mentor" else "—",
            "Yes" if e["paired"] else NOT_PAIRED,
        )

    return mark_safe("\n  ".join(row(e) for e in rows))  # noqa: S308 (escaped above)


PAIRING_ROW = (
    "<tr>\n"
    '    <td data-label="Mentor"><a href="{url}">{mentor}</a></td>\n'
    '    <td data-label="Mentee">{mentee}{resets}</td>\n'
    '    <td data-label="Status">{badge}{reason}</td>\n'
    '    <td class="small" data-label="Source">{source}{score}</td>\n'
    '    <td class="text-nowrap small" data-label="Started">{started}</td>\n'
    '    <td data-label="Goals">{goals}</td>\n'
    '    <td data-label="Progress">{progress}</td>\n'
    '    <td class="text-nowrap"><a class="btn btn-sm btn-outline-primary" href="{url}">Open</a>'
    "</td>\n"
    "  </tr>\n"
)


SOURCE_LABELS = dict(Source.choices)
END_REASON_LABELS = dict(EndReason.choices)
RESETS = ' <span class="badge text-bg-warning" title="Open reset requests">{} reset</span>'
END_REASON = '<div class="small text-body-secondary">{}</div>'


def _label(full_name: str, email: str) -> str:
    # As User.label: the name with the email beside it, the email alone without a name.
    return f"{full_name} · {email}" if full_name else email


@register.simple_tag
def pairing_rows(rows) -> str:
    """The rows of a program's pairing list (mentorships/program_pairings.html), from rows of
    `mentorships.selectors.PAIRING_COLUMNS`: both people, open reset requests, status, source
    and score, start, goals and milestone progress, with a link to the HR page of the pairing.
    Drawn in Python, the detail link reversed once, every text from the database escaped as the
    template did (`django.utils.html.escape` is `html.escape`)."""
    detail = url_format("mentorships:hr_detail")

    def row(values: tuple) -> str:
        (
            pk,
            status,
            source,
            score,
            started_on,
            end_reason,
            mentor_name,
            mentor_email,
            mentee_name,
            mentee_email,
            goal_count,
            milestones_total,
            milestones_done,
            open_resets,
        ) = values
        return PAIRING_ROW.format(
            url=detail.format(pk),
            mentor=escape(_label(mentor_name, mentor_email)),
            mentee=escape(_label(mentee_name, mentee_email)),
            resets=RESETS.format(open_resets) if open_resets else "",
            badge=STATUS_BADGE.format(
                BADGE_CLASSES.get(status, "text-bg-secondary"),
                escape(STATUS_LABELS.get(status, status)),
            ),
            reason=END_REASON.format(escape(END_REASON_LABELS.get(end_reason, end_reason)))
            if end_reason
            else "",
            source=escape(SOURCE_LABELS.get(source, source)),
            score=f" · {score}" if score is not None else "",
            started=date_filter(started_on, "j M Y") or "—",
            goals=goal_count,
            progress=progress_bar(milestones_done, milestones_total),
        )

    return mark_safe("  ".join(row(values) for values in rows))  # noqa: S308 (escaped above)
