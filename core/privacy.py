"""The one suppression rule for figures built from other people's ratings, pulses and answers.

Core infrastructure: it imports nothing of ours, so every app (metrics, feedback, checkins…)
can use it without an upward import.

A figure is shown only when at least MIN_GROUP people stand behind it. A figure in a
*filtered* view (a department, cohort, program, date range or a manager's subtree) is shown
only when, against every wider view of the same figure the viewer can get, the people the
filter leaves out are none or at least MIN_GROUP too (complementary suppression): otherwise
"wider view minus this view" would isolate one or two people's data.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

MIN_GROUP = 3
# What a table shows instead of a group size under MIN_GROUP.
SUPPRESSED = f"fewer than {MIN_GROUP}"
# What it shows for a group size hidden by the complementary rule.
HIDDEN = "hidden"


def enough(n: int) -> bool:
    """At least MIN_GROUP people stand behind a figure."""
    return n >= MIN_GROUP


def suppress(value, n: int, min_n: int = MIN_GROUP):
    """`value`, or None when fewer than `min_n` people stand behind it."""
    return value if n >= min_n else None


def left_out_ok(n: int) -> bool:
    """The people a filter leaves out of a wider view: none, or enough to hide among."""
    return n <= 0 or n >= MIN_GROUP


def left_out(view: Collection[tuple], wider: Iterable[tuple]) -> int:
    """How many people a narrower view leaves out of a wider one.

    Each view is given as its contributions: one tuple per piece of data behind the figure,
    the person it is about first (a pulse total, a skill change of one program…). A person
    counts as left out when any of their contributions to the wider view is missing from
    this one, so a filter that keeps only part of someone's data leaves them out too.
    """
    if isinstance(wider, (set, frozenset)):
        missing = wider.difference(view)  # the same parts, compared in C
    else:
        missing = [part for part in wider if part not in view]
    return len({part[0] for part in missing})


def publishable(n: int, left_outs: Iterable[int] = ()) -> bool:
    """May a figure from `n` people be shown, given how many people it leaves out of each
    wider view of the same figure the viewer can also get?"""
    return enough(n) and all(left_out_ok(k) for k in left_outs)
