"""The matching's numpy passes over row chunks, on both cores.

numpy releases the GIL inside its loops, so chunks of a pass run side by side on threads
(no copies, unlike processes). On one core, or for one chunk, the chunks run in turn.
Pure: imports no Django.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

_T = TypeVar("_T")
_I = TypeVar("_I")

# Two is what the shipped machine has; more threads only contend for memory bandwidth.
THREADS = min(2, os.cpu_count() or 1)


def each(work: Callable[[_I], _T], items: Iterable[_I]) -> list[_T]:
    """[work(item) for item in items], on THREADS threads when there is more than one item."""
    items = list(items)
    if THREADS > 1 and len(items) > 1:
        with ThreadPoolExecutor(THREADS) as pool:
            return list(pool.map(work, items))
    return [work(item) for item in items]
