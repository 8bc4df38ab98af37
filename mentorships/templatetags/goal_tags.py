"""The mentorship page's goals with their milestones, drawn in Python: each milestone's form
through the template language cost the page more than the rest of its goals section. Same
markup as the template loop they replace (tests/mentorships/test_goal_cards.py)."""

from __future__ import annotations

from html import escape

from django import template
from django.template.defaultfilters import linebreaksbr, urlize
from django.utils.safestring import SafeString, mark_safe

from core.drawn import csrf_input, date_text
from core.links import url_format

from ..models import Mentorship
from .mentorship_tags import progress_bar

register = template.Library()

GOAL = (
    '\n  <div class="card mb-3">\n'
    '    <div class="card-body">\n'
    '      <div class="d-flex flex-wrap justify-content-between gap-2">\n'
    '        <h3 class="h6 mb-1">{title}</h3>\n'
    '        <span class="badge text-bg-light border">{status}</span>\n'
    "      </div>\n"
    '      <p class="small text-body-secondary mb-1">{skills}{target}</p>\n'
    "      {description}\n"
    "      {success}\n"
    "      {bar}\n"
    '      <ul class="list-group list-group-flush mt-2">\n'
    "        {milestones}\n"
    "      </ul>\n"
    "      {actions}\n"
    "    </div>\n"
    "  </div>\n"
    "  "
)
GOAL_ACTIONS = (
    '\n      <div class="d-flex flex-wrap gap-2 mt-2">\n'
    '        <a class="btn btn-sm btn-outline-primary" href="{add}">Add milestones</a>\n'
    '        <a class="btn btn-sm btn-outline-secondary" href="{edit}">Edit goal</a>\n'
    "      </div>\n"
    "      "
)
MILESTONE = (
    '\n        <li class="list-group-item px-0">\n'
    '          <div class="d-flex flex-wrap justify-content-between align-items-start gap-2">\n'
    '            <div class="min-w-0">\n'
    "              {mark}\n"
    '              <div class="small text-body-secondary">due {due}{done}</div>\n'
    "              {evidence}\n"
    "            </div>\n"
    "            {form}\n"
    "          </div>\n"
    "        </li>\n"
    "        "
)
NO_MILESTONES = (
    '\n        <li class="list-group-item px-0 small text-body-secondary">No milestones yet.</li>\n'
    "        "
)
UNDO_FORM = (
    "\n            \n"
    '            <form method="post" action="{url}">{csrf}<button class="btn btn-sm '
    'btn-outline-secondary" type="submit">Undo</button></form>\n            \n            '
)
DONE_FORM = (
    "\n            \n"
    '            <form method="post" action="{url}" class="d-flex flex-wrap gap-1">{csrf}\n'
    '              <label class="visually-hidden" for="evidence-{pk}">Evidence (optional)</label>\n'
    '              <input class="form-control form-control-sm" id="evidence-{pk}" name="evidence"'
    ' placeholder="Evidence (optional)" maxlength="2000">\n'
    '              <button class="btn btn-sm btn-success" type="submit">Mark done</button>\n'
    "            </form>\n"
    "            \n"
    "            "
)


def _milestone(ms, live: bool, csrf: str, links: dict[str, str]) -> str:
    title = escape(ms.title)
    done = ms.is_done
    if not live:
        form = ""
    elif done:
        form = UNDO_FORM.format(url=links["undo"].format(ms.pk), csrf=csrf)
    else:
        form = DONE_FORM.format(url=links["done"].format(ms.pk), csrf=csrf, pk=ms.pk)
    return MILESTONE.format(
        mark=(
            f'<span class="text-success" aria-label="Done">✔</span> <s>{title}</s>'
            if done
            else f'<span aria-hidden="true">○</span> {title}'
        ),
        due=date_text(ms.due_date, "j M Y"),
        done=f" · done {date_text(ms.done_at, 'j M Y')}" if done else "",
        evidence=(
            f'<div class="small">Evidence: {urlize(ms.evidence, autoescape=True)}</div>'
            if ms.evidence
            else ""
        ),
        form=form,
    )


def _listed(goal, name: str) -> list:
    """The goal's milestones or skills: as `selectors.detail_goals` listed them, else as
    prefetched (`goals_with_progress`)."""
    found = getattr(goal, f"{name[:-1]}_list", None)
    return found if found is not None else list(getattr(goal, name).all())


def _goal(goal, live: bool, csrf: str, links: dict[str, str]) -> str:
    milestones = _listed(goal, "milestones")
    return GOAL.format(
        title=escape(goal.title),
        status=escape(str(goal.get_status_display())),
        skills=", ".join(escape(s.name) for s in _listed(goal, "skills")),
        target=f" · target {date_text(goal.target_date, 'j M Y')}" if goal.target_date else "",
        description=(
            f'<p class="small mb-1">{linebreaksbr(goal.description, autoescape=True)}</p>'
            if goal.description
            else ""
        ),
        success=(
            '<p class="small mb-2"><strong>Success looks like:</strong> '
            f"{escape(goal.success_measure)}</p>"
            if goal.success_measure
            else ""
        ),
        bar=progress_bar(goal.milestones_done, goal.milestones_total),
        milestones=(
            "".join(_milestone(ms, live, csrf, links) for ms in milestones)
            if milestones
            else NO_MILESTONES
        ),
        actions=(
            GOAL_ACTIONS.format(
                add=links["add"].format(goal.pk), edit=links["edit"].format(goal.pk)
            )
            if live
            else ""
        ),
    )


@register.simple_tag(takes_context=True)
def goal_cards(context, mentorship: Mentorship, goals) -> SafeString:
    """The pair's goals (`detail_goals`, or `goals_with_progress`: counts annotated, skills
    and milestones prefetched), each with its milestones and, while the pairing is live,
    their forms. Every text from the database is escaped, as the template did."""
    named = {
        "undo": "mentorships:milestone_undo",
        "done": "mentorships:milestone_done",
        "add": "mentorships:milestones_add",
        "edit": "mentorships:goal_edit",
    }
    links = {key: url_format(name) for key, name in named.items()}
    csrf = csrf_input(context.get("csrf_token"))
    live = mentorship.is_live
    return mark_safe(  # noqa: S308 (escaped above)
        "".join(_goal(goal, live, csrf, links) for goal in goals)
    )
