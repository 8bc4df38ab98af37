"""The matching panel on the program manage page."""

from django import template

from programs.models import Program

from .. import selectors
from ..forms import StartRunForm
from ..services import RUNNABLE_PROGRAM_STATUSES, program_weights

register = template.Library()


@register.inclusion_tag("matching/_must_have_rules.html")
def must_have_rules(program: Program) -> dict:
    """The program's must-have matching rules, in words (shown on the program page)."""
    return {"program": program, "lines": selectors.matching_settings(program).must_have_lines()}


@register.inclusion_tag("matching/_program_panel.html")
def matching_panel(program: Program) -> dict:
    weights = program_weights(program)
    return {
        "program": program,
        "run": selectors.latest_run(program),
        "weights": weights,
        "can_run": program.status in RUNNABLE_PROGRAM_STATUSES,
        "start_form": StartRunForm(initial={"mode": weights.objective}),
    }
