"""Small pieces of mentorship markup drawn in every row of a list: a status badge and a
progress bar. Tags that return HTML rather than included templates, so a page of rows costs
one function call per row instead of one template render (with its context push) per row."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.links import url_format

from ..models import MentorshipStatus

register = template.Library()

BADGE_CLASSES = {
    MentorshipStatus.ACTIVE: "text-bg-success",
    MentorshipStatus.PAUSED: "text-bg-warning",
    MentorshipStatus.PROPOSED: "text-bg-info",
}


@register.simple_tag
def status_badge(mentorship) -> str:
    """The mentorship's status as a coloured badge."""
    return format_html(
        '<span class="badge {}">{}</span>',
        BADGE_CLASSES.get(mentorship.status, "text-bg-secondary"),
        mentorship.get_status_display(),
    )


def _percent(done, total) -> int:
    # As {% widthratio done total 100 %}: rounded, 0 for no total.
    try:
        return round(float(done) / float(total) * 100) if total else 0
    except (TypeError, ValueError):
        return 0


@register.simple_tag
def progress_bar(done, total) -> str:
    """Milestones done out of total, as a bar and "done/total"."""
    done, total = done or 0, total or 0
    return format_html(
        '<div class="d-flex align-items-center gap-2">'
        '<div class="progress flex-grow-1" role="progressbar" aria-label="Milestones done" '
        'aria-valuenow="{}" aria-valuemin="0" aria-valuemax="{}" style="height: .6rem;">'
        '<div class="progress-bar bg-success" style="width: {}%"></div></div>'
        '<span class="small text-nowrap">{}/{}</span></div>',
        done,
        total,
        _percent(done, total),
        done,
        total,
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
NOT_PAIRED = mark_safe('<span class="text-body-secondary">No</span>')


@register.simple_tag
def enrolment_rows(enrolments) -> str:
    """The rows of a program's enrolment list (programs/program_enrolments.html): person, role,
    status, skills (`skills_text`, mentorships.selectors.with_skills_text), mentor load and
    whether they are paired. Drawn in Python: fifty rows of template lookups cost more than
    the rest of the page."""
    return format_html_join(
        "\n  ",
        ENROLMENT_ROW,
        (
            (
                e.user.full_name,
                e.user.email,
                format_html(" · {}", e.user.department) if e.user.department else "",
                e.get_role_display(),
                ENROLMENT_BADGES.get(e.status, "secondary"),
                e.get_status_display(),
                e.skills_text,
                f"{e.load}/{e.capacity}" if e.role == "mentor" else "—",
                "Yes" if e.paired else NOT_PAIRED,
            )
            for e in enrolments
        ),
    )


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


@register.simple_tag
def pairing_rows(mentorships) -> str:
    """The rows of a program's pairing list (mentorships/program_pairings.html): both people,
    open reset requests, status, source and score, start, goals and milestone progress, with a
    link to the HR page of the pairing. Drawn in Python, the detail link reversed once."""
    detail = url_format("mentorships:hr_detail")
    return mark_safe(  # noqa: S308 (every part below is format_html or escaped)
        "  ".join(
            format_html(
                PAIRING_ROW,
                url=detail.format(m.pk),
                mentor=m.mentor.label,
                mentee=m.mentee.label,
                resets=format_html(
                    ' <span class="badge text-bg-warning" title="Open reset requests">'
                    "{} reset</span>",
                    m.open_resets,
                )
                if m.open_resets
                else "",
                badge=status_badge(m),
                reason=format_html(
                    '<div class="small text-body-secondary">{}</div>', m.get_end_reason_display()
                )
                if m.end_reason
                else "",
                source=m.get_source_display(),
                score=format_html(" · {}", m.score) if m.score is not None else "",
                started=date_filter(m.started_on, "j M Y") or "—",
                goals=m.goal_count,
                progress=progress_bar(m.milestones_done, m.milestones_total),
            )
            for m in mentorships
        )
    )
