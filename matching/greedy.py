"""The greedy baseline a matching run is measured against (pure module: numpy only).

Best score first: take a pair if the mentee is free and the mentor has room, in descending
score. Not optimal (``matching.engine.assign`` is); it is the figure the optimum is compared
with on the run page.

Method.  Without materialising the sorted list of the n·m pairs: every free mentee proposes
its best mentor with room; proposals are taken in descending score up to the first whose
mentor is already full (everything scoring at least that much is safe to take), the rest
propose again.  A mentee's best mentor with room is the first allowed column with room in
the order (score descending, column ascending): ``np.argmax`` over the masked row.

Candidate lists.  Scanning the full row for every proposal costs O(m) per mentee and round.
Instead each row keeps a *prefix* of its allowed columns in that order, and a proposal takes
the first listed column whose mentor still has room.  This is the same column as the full
scan: rooms only ever close, so the columns with room now are a subsequence of those that
had room when the list was made; any of them ordered before the first listed one with room
would itself be in the prefix (a prefix holds everything ordered before its last element)
and have room, a contradiction.  When every listed mentor is full and the list held all the
row's allowed columns, the mentee has no option left; otherwise (the exact fallback) the
row is read again over the mentors that still have room and gets a new prefix.  So the
result is identical to the full-scan proposal rounds, tie for tie (tested against them).

A list is every allowed cell at or above a threshold T, in that order, cut at
``_CANDIDATES``: whatever T is, the cells at or above it come first in the order, so they
form a prefix, and so does any cut of it.  T is the ``_RANK``-th largest of the row's
column-group maxima (groups of ``_GROUP`` columns), so at least ``_RANK`` cells reach it
and only the groups whose maximum reaches it are read again: no sort or partition of the
whole row.  Scores of one byte (0–126, what runs use) are masked by one multiply (score + 1,
0 where not allowed).

Complexity, for n mentees, m mentors and lists of k: one O(n·m) pass for the first lists
(masking and group maxima, both vectorised, on two threads), O(n·k) per proposal round,
and O(m) per fallback row; each round settles at least one mentee, so O(n) rounds in the
worst case, a few dozen in practice (77 at 50,000 × 12,500).  Equivalent to sorting all
pairs, O(n·m·log(n·m)), without the n·m list.  Greedy matching by descending weight is the
classic ½-approximation (Avis, "A survey of heuristics for the weighted matching problem",
Networks 13, 1983).
"""

from __future__ import annotations

import numpy as np

from . import threads
from .engine import _capacity, _integer_scores

# Candidate lists: each row keeps the cells at or above the _RANK-th largest maximum of its
# column groups of _GROUP (at least _RANK cells, a few dozen in practice), at most _CANDIDATES.
_GROUP = 128
_RANK = 8
_CANDIDATES = 48
# Rows per block of the first pass: about this many cells per block.
_BLOCK_CELLS = 1 << 21


def greedy(scores: object, capacity: object, allowed: np.ndarray | None = None) -> np.ndarray:
    """Best score first, the baseline the optimal assignment is measured against.

    scores: (n, m) integers; capacity: (m,) non-negative integers; allowed: optional (n, m)
    bool, False = forbidden pair. Returns mentee -> mentor index, or -1 (int64, length n).
    Ties in score go to the lower mentee index first, then the lower mentor index.

    O(n·m) for the first candidate lists, then O(n·k) per proposal round (module docstring).
    """
    array = _integer_scores(scores)
    n, m = array.shape
    left = _capacity(capacity, m).copy()
    mate = np.full(n, -1, dtype=np.int64)
    if n == 0 or m == 0:
        return mate
    lists = _Lists(array, allowed, left)
    missing = lists.missing
    best = np.full(n, -1, dtype=np.int64)
    value = np.full(n, missing, dtype=np.int64)
    stale = np.ones(n, dtype=bool)
    free = np.arange(n)
    while free.size:
        todo = free[stale[free]]
        best[todo], value[todo] = lists.best(todo, left)
        stale[todo] = False
        free = free[value[free] > missing]  # mentees with no option left drop out
        if free.size == 0:
            break
        order = np.lexsort((free, -value[free]))
        prop, to, val = free[order], best[free[order]], value[free[order]]
        by_mentor = np.argsort(to, kind="stable")
        rank = np.empty(to.size, dtype=np.int64)
        sorted_to = to[by_mentor]
        rank[by_mentor] = np.arange(to.size) - np.searchsorted(sorted_to, sorted_to)
        fits = rank < left[to]
        first_miss = int(np.argmin(fits)) if not fits.all() else to.size
        take = fits & (val >= (val[first_miss] if first_miss < to.size else val.min()))
        if not take.any():  # cannot happen while every proposal targets a mentor with room
            raise AssertionError("greedy made no progress")
        mate[prop[take]] = to[take]
        left -= np.bincount(to[take], minlength=m)
        free = free[mate[free] < 0]
        stale[free[left[best[free]] <= 0]] = True
    return mate


class _Lists:
    """Per row, a prefix of its allowed columns in (score descending, column ascending) order:
    ``cols`` (n, k) padded with -1, ``vals`` their scores, ``complete`` when the prefix is
    the whole allowed row."""

    def __init__(self, array: np.ndarray, allowed: np.ndarray | None, left: np.ndarray) -> None:
        self.array, self.allowed = array, allowed
        n, m = array.shape
        self.k = _CANDIDATES
        # Work cells: the masked value is below every score. Scores 0–126 in one byte (what
        # runs use) become score + 1 with 0 for masked cells: masking is then one multiply.
        self.shift = array.dtype.itemsize == 1 and int(array.min()) >= 0 and int(array.max()) < 127
        if self.shift:
            self.dtype, self.neg = np.dtype(np.uint8), 0
        else:
            self.dtype = np.dtype({1: np.int16, 2: np.int32}.get(array.dtype.itemsize, np.int64))
            self.neg = int(np.iinfo(self.dtype).min)
        self.missing = np.iinfo(np.int64).min
        # int32 halves the lists (scores are within ±2**28, ``engine._integer_scores``).
        self.cols = np.full((n, self.k), -1, dtype=np.int32)
        self.vals = np.zeros((n, self.k), dtype=np.int32)
        self.complete = np.zeros(n, dtype=bool)
        self.step = max(1, _BLOCK_CELLS // m)
        room = left > 0
        starts = range(0, n, self.step)

        def one(start: int) -> None:
            self._fill(np.arange(start, min(start + self.step, n)), room)

        threads.each(one, starts)

    def _block(self, rows: np.ndarray, room: np.ndarray) -> np.ndarray:
        """Work cells of ``rows``: masked (``neg``) where the pair is not allowed or the
        mentor has no room."""
        contiguous = rows.size > 0 and bool((np.diff(rows) == 1).all())
        source = self.array[rows[0] : rows[-1] + 1] if contiguous else self.array[rows]
        if self.shift:
            block = source.view(np.uint8) + np.uint8(1)
            if self.allowed is not None:
                mask = self.allowed[rows[0] : rows[-1] + 1] if contiguous else self.allowed[rows]
                np.multiply(block, mask, out=block)
            if not room.all():
                np.multiply(block, room, out=block)
            return block
        block = source.astype(self.dtype)
        usable = np.broadcast_to(room, block.shape)
        if self.allowed is not None:
            usable = self.allowed[rows] & room
        np.putmask(block, ~usable, self.neg)
        return block

    def _fill(self, rows: np.ndarray, room: np.ndarray) -> None:
        """New prefixes for ``rows`` over the allowed columns of mentors with ``room``."""
        r, c, v, position, complete = _prefix(self._block(rows, room), self.k, self.neg)
        self.cols[rows] = -1
        self.cols[rows[r], position] = c
        self.vals[rows[r], position] = v - 1 if self.shift else v
        self.complete[rows] = complete

    def best(self, rows: np.ndarray, left: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each row's first listed column with room and its score (missing if none), refilling
        the rows whose list ran out but was not the whole row. O(rows·k), O(m) per refill."""
        cols = self.cols[rows]
        open_ = (cols >= 0) & (left[np.maximum(cols, 0)] > 0)
        found = open_.any(axis=1)
        redo = rows[~found & ~self.complete[rows]]
        if redo.size:
            for start in range(0, redo.size, self.step):
                self._fill(redo[start : start + self.step], left > 0)
            cols = self.cols[rows]
            open_ = (cols >= 0) & (left[np.maximum(cols, 0)] > 0)
            found = open_.any(axis=1)
        first = open_.argmax(axis=1)
        at = np.arange(rows.size)
        best = np.where(found, cols[at, first], 0).astype(np.int64)
        value = np.where(found, self.vals[rows, first].astype(np.int64), self.missing)
        return best, value


def _prefix(
    block: np.ndarray, cap: int, neg: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each row's cells above ``neg`` at or above a threshold T, in (value descending, column
    ascending) order, at most ``cap`` of them: rows, columns, values, positions in the row's
    list, and per row whether the list holds every cell above ``neg``.

    All cells at or above T come before every cell below it in that order, so the list is a
    prefix of the row's order, whatever T is. T is the ``_RANK``-th largest maximum of the
    row's column groups: at least ``_RANK`` cells reach it (one per such group), and only the
    groups whose maximum reaches it are read again. O(cells) for the group maxima
    (``np.maximum.reduceat``), O(groups · _GROUP) for the chosen groups.
    """
    n_rows, m = block.shape
    starts = np.arange(0, m, _GROUP)
    lowest = neg + 1  # the lowest real cell
    if starts.size > _RANK:
        top = np.maximum.reduceat(block, starts, axis=1)
        threshold = np.partition(top, starts.size - _RANK, axis=1)[:, starts.size - _RANK]
        threshold = np.maximum(threshold, lowest)
        g_row, g_col = np.nonzero(top >= threshold[:, None])
        cols = g_col[:, None] * _GROUP + np.arange(_GROUP)
        inside = cols < m
        cols = np.minimum(cols, m - 1)
        hit = (block[g_row[:, None], cols] >= threshold[g_row][:, None]) & inside
        at, k = np.nonzero(hit)
        r, c = g_row[at], cols[at, k]
    else:
        threshold = np.full(n_rows, lowest, dtype=np.int64)
        r, c = np.nonzero(block >= lowest)
    v = block[r, c].astype(np.int64)
    order = np.lexsort((c, -v, r))
    r, c, v = r[order], c[order], v[order]
    position = np.arange(r.size) - np.searchsorted(r, r)
    complete = (threshold <= lowest) & (np.bincount(r, minlength=n_rows) <= cap)
    keep = position < cap
    return r[keep], c[keep], v[keep], position[keep], complete
