"""Check or recompute the health board's stored counts (`checkins.HealthFigures`)."""

from checkins.selectors import health_figures_mismatches
from checkins.services import health_figures_forget
from core.figures_command import StoredFiguresCommand


class Command(StoredFiguresCommand):
    help = (
        "Without options: forget every stored count of the health boards, so each is counted "
        "afresh on its next read. With --check: compare each stored count that is current (its "
        "program's change counter has not moved) with a fresh count; fail if one differs (a "
        "write the database triggers did not see, e.g. a restore with triggers disabled)."
    )
    what = "health figures"
    command = "health_figures"
    mismatches = staticmethod(health_figures_mismatches)
    forget = staticmethod(health_figures_forget)
