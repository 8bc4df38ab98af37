"""Builders for self-match tests: a program in self-match mode with mentors and mentees."""

from selfmatch.models import Mode, ProgramMatching
from tests import factories
from tests.matching.helpers import mentee, mentor, program

__all__ = ["mentee", "mentor", "program", "selfmatch_program"]


def selfmatch_program(mode: str = Mode.SELF, **fields):
    hr = fields.pop("hr", None) or factories.HRFactory()
    settings_fields = {
        k: fields.pop(k) for k in ("response_days", "max_choices", "closes_on") if k in fields
    }
    prog = program(coordinators=[hr], **fields)
    ProgramMatching.objects.create(program=prog, mode=mode, **settings_fields)
    return prog, hr
