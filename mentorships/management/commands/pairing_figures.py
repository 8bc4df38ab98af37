"""Check or recompute the pairings page's stored figures (`mentorships.PairingFigures`)."""

from core.figures_command import StoredFiguresCommand
from mentorships.selectors import pairing_figures_mismatches
from mentorships.services import pairing_figures_forget


class Command(StoredFiguresCommand):
    help = (
        "Without options: forget every stored figure of the pairings pages, so each is computed "
        "afresh on its next read. With --check: compare each stored figure that is current (its "
        "program's change counter has not moved) with a fresh count; fail if one differs (a "
        "write the database triggers did not see, e.g. a restore with triggers disabled)."
    )
    what = "pairing figures"
    command = "pairing_figures"
    mismatches = staticmethod(pairing_figures_mismatches)
    forget = staticmethod(pairing_figures_forget)
