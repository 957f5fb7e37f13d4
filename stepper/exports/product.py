"""A matrix product laid out as in the question: left operand's rows on the left, the right operand
above, the result in the grid where they meet."""

from __future__ import annotations

import numpy as np

from stepper.formatting import SIG_DIGITS, format_number

MAX_SIDE = 8  # larger products are not laid out: they would not fit a screen
ROW_MARK = "▶"  # the left operand's row that makes the marked result cell
COL_MARK = "▼"  # the right operand's column that makes it


def _cells(m: np.ndarray, digits: int) -> list[list[str]]:
    return [[format_number(float(x), digits) for x in row] for row in m]


def _grid_row(row: list[str], w: int) -> str:
    # A space inside each bar on both sides: a cell as wide as the widest is not glued to "│".
    return "│ " + " ".join(c.rjust(w) for c in row) + " │"


def product_layout(
    left: np.ndarray,
    right: np.ndarray,
    result: np.ndarray,
    digits: int = SIG_DIGITS,
    mark: tuple[int, int] | None = None,
) -> list[str] | None:
    """The layout's lines, or None for a product too large to lay out.

    ``mark`` = (row, col) of a result cell: its row of the left operand gets ▶ and its column of
    the right operand ▼ (characters, so they read the same without colour)."""
    if max(*left.shape, *right.shape) > MAX_SIDE:
        return None

    lc, rc, pc = (_cells(m, digits) for m in (left, right, result))
    w = max(len(c) for block in (lc, rc, pc) for row in block for c in row)

    def grid_row(row: list[str]) -> str:
        return _grid_row(row, w)

    gutter = "" if mark is None else "  "  # room for ▶ before the left operand's rows
    indent = gutter + " " * (len(grid_row(lc[0])) - 1)  # the right operand and result share its "│"
    lines = []
    if mark is not None:
        # ▼ over the middle of the marked column of the right operand.
        lines.append(" " * (len(indent) + 2 + mark[1] * (w + 1) + w // 2) + COL_MARK)
    lines += [indent + grid_row(row) for row in rc]
    lines.append(indent + "├" + "─" * (len(grid_row(rc[0])) - 2) + "┤")
    for o, (lrow, prow) in enumerate(zip(lc, pc)):
        pointer = "" if mark is None else (ROW_MARK + " " if o == mark[0] else "  ")
        lines.append(pointer + grid_row(lrow)[:-1] + grid_row(prow))
    return lines


def stacked_layout(
    left: np.ndarray,
    right: np.ndarray,
    result: np.ndarray,
    names: tuple[str, str, str],
    digits: int = SIG_DIGITS,
    mark: tuple[int, int] | None = None,
) -> list[str] | None:
    """The same product for a narrow pane: the left operand, the right one, then the result, one
    under the other and each labelled, so that no line wraps (a wrapped grid reads as nonsense).
    ``mark`` as in :func:`product_layout`: ▶ before the left operand's row, ▼ over the right's column."""
    if max(*left.shape, *right.shape) > MAX_SIDE:
        return None
    blocks = [_cells(m, digits) for m in (left, right, result)]
    lines: list[str] = []
    for k, (block, name) in enumerate(zip(blocks, names)):
        # Each its own column width: stacked, their columns need not line up, and one width for
        # all made a grid of short numbers as wide as the widest (side by side at 120x40, init
        # normal's [1 | a^1] was two columns too wide for its half's Why pane, and left out).
        w = max(len(c) for row in block for c in row)
        # Named by the product's own signs, not "(left)" and "(above)": stacked, they are neither.
        lines.append(("= " if k == 2 else "· " if k == 1 else "") + name)
        if k == 1 and mark is not None:
            lines.append(" " * (2 + 2 + mark[1] * (w + 1) + w // 2) + COL_MARK)
        for o, row in enumerate(block):
            pointer = ROW_MARK + " " if k == 0 and mark is not None and o == mark[0] else "  "
            lines.append(pointer + _grid_row(row, w))
    return lines
