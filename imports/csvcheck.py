"""The imports app's CSV checking: the shared reader of `core.csvcheck` (re-exported here, so the
people and enrolment imports name one module) plus the reporting-line checks of the people
import. No Django imports.

The people and enrolment imports read with `max_rows=csvcheck.MAX_ROWS`: the row limit is this
module's name, which tests lower with monkeypatch.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

from core.csvcheck import (
    HEADER_LINE,
    MAX_BYTES,
    MAX_ROWS,
    CsvFileError,
    Row,
    RowError,
    choice_help,
    decode,
    duplicates,
    match_choice,
    parse_int,
    parse_iso_date,
    parse_yes_no,
    read,
)

__all__ = [
    "HEADER_LINE",
    "MAX_BYTES",
    "MAX_ROWS",
    "CsvFileError",
    "Row",
    "RowError",
    "choice_help",
    "decode",
    "describe_cycle",
    "duplicates",
    "find_cycles",
    "match_choice",
    "parse_int",
    "parse_iso_date",
    "parse_yes_no",
    "read",
]

K = TypeVar("K", bound=Hashable)


def find_cycles(managers: Mapping[K, K | None]) -> list[list[K]]:
    """Every loop in a reporting graph where each node has at most one manager.

    Returns each loop once, as the nodes in reporting order starting from the first node of
    `managers` that is on it; a self-managed node is a loop of one. Linear in the graph size.

    Each node has out-degree at most one (a functional graph), so the three-colour
    depth-first search (T. H. Cormen, C. E. Leiserson, R. L. Rivest, C. Stein, *Introduction
    to Algorithms*, 3rd ed., 2009, §22.3: a grey node met again closes a cycle) is one walk
    per start: O(V) time and memory, every node coloured once.
    """
    state: dict[K, int] = {}  # 1 = on the current walk, 2 = finished
    cycles: list[list[K]] = []
    for start in managers:
        if start in state:
            continue
        path: list[K] = []
        position: dict[K, int] = {}
        node: K | None = start
        while node is not None and node not in state:
            state[node] = 1
            position[node] = len(path)
            path.append(node)
            node = managers.get(node)
        if node is not None and state.get(node) == 1:
            cycles.append(path[position[node] :])
        for visited in path:
            state[visited] = 2
    return cycles


def describe_cycle(cycle: Sequence[object]) -> str:
    if len(cycle) == 1:
        return f"{cycle[0]} would be their own manager."
    chain = " → ".join(str(n) for n in [*cycle, cycle[0]])
    return f"Reporting lines would loop: {chain}."
