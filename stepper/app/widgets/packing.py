"""Where the current step's matrices go in the step view: as low as they fit, in the width there is.

A step has a result and one to three operands of different sizes (a 2×3 activation beside a 4×3
weight matrix). Laid out one above the other they are too tall for an 80x24 screen, and in a row
too wide; stacked in columns (the two small ones on top of each other, the tall one beside them)
or in rows (two operands side by side, the result under them), they fit. There are few boxes, so
every way of putting them into groups is tried and the lowest that fits the width wins: no
heuristic to get wrong.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

GAP = 1  # columns between two stacks, so two borders never touch
MOST = 8  # more boxes than this (never for a step) are stacked in one column, in order


@dataclass(frozen=True)
class Packing:
    """Groups of box indices, each in reading order, and how tall and wide they are together.

    ``across``: the groups are stacks side by side (each stack's boxes one above the other);
    else they are rows one above the other (each row's boxes side by side).
    """

    groups: tuple[tuple[int, ...], ...]
    across: bool
    height: int
    width: int

    def places(self, sizes: Sequence[tuple[int, int]]) -> list[tuple[int, int, int]]:
        """Each box's index and top-left corner (x, y), for boxes of ``sizes``."""
        out: list[tuple[int, int, int]] = []
        outer = 0  # x of the stack (across) or y of the row
        for group in self.groups:
            inner = 0
            for box in group:
                out.append((box, outer, inner) if self.across else (box, inner, outer))
                inner += sizes[box][1] if self.across else sizes[box][0] + GAP
            extent = max(sizes[b][0] if self.across else sizes[b][1] for b in group)
            outer += extent + GAP if self.across else extent
        return out


def _partitions(n: int) -> Iterator[list[int]]:
    """Every way of putting boxes 0..n-1 into groups, as each box's group number, the groups numbered
    by their first box (restricted growth strings: no two that differ only by the groups' order)."""
    labels = [0] * n

    def grow(i: int, top: int) -> Iterator[list[int]]:
        if i == n:
            yield labels
            return
        for label in range(top + 2):
            labels[i] = label
            yield from grow(i + 1, max(top, label))

    if n:
        yield from grow(1, 0)


def _measure(labels: Sequence[int], sizes: Sequence[tuple[int, int]], across: bool) -> Packing:
    count = max(labels) + 1
    groups: list[list[int]] = [[] for _ in range(count)]
    for box, label in enumerate(labels):
        groups[label].append(box)
    if across:  # stacks side by side
        width = sum(max(sizes[b][0] for b in g) for g in groups) + GAP * (count - 1)
        height = max(sum(sizes[b][1] for b in g) for g in groups)
    else:  # rows one above the other
        width = max(sum(sizes[b][0] for b in g) + GAP * (len(g) - 1) for g in groups)
        height = sum(max(sizes[b][1] for b in g) for g in groups)
    return Packing(tuple(tuple(g) for g in groups), across, height, width)


def pack(sizes: Sequence[tuple[int, int]], width: int) -> Packing:
    """Boxes of ``sizes`` (width, height) within ``width`` columns, as low as possible: in stacks
    side by side, or in rows one above the other; of equally low ones, the fewest groups. When no
    two boxes fit side by side, one stack in order."""
    return _pack(tuple(sizes), width)


# Kept: a step's packing is asked for by the Why pane's share of the height and by every layout of
# the step view, with the same few sizes.
@lru_cache(maxsize=128)
def _pack(sizes: tuple[tuple[int, int], ...], width: int) -> Packing:
    n = len(sizes)
    if not n:
        return Packing((), True, 0, 0)
    one = Packing((tuple(range(n)),), True, sum(h for _, h in sizes), max((w for w, _ in sizes), default=0))
    if n <= 1 or n > MOST:
        return one
    best = one
    for labels in _partitions(n):
        for across in (True, False):
            candidate = _measure(labels, sizes, across)
            if candidate.width <= width and (candidate.height, len(candidate.groups)) < (
                best.height,
                len(best.groups),
            ):
                best = candidate
    return best
