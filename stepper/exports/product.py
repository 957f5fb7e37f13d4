"""A matrix product laid out as in the question: left operand's rows on the left, the right operand
above, the result in the grid where they meet."""

from __future__ import annotations

import numpy as np

from stepper.formatting import format_number

MAX_SIDE = 8  # larger products are not laid out: they would not fit a screen


def product_layout(left: np.ndarray, right: np.ndarray, result: np.ndarray) -> list[str] | None:
    if max(*left.shape, *right.shape) > MAX_SIDE:
        return None

    def cells(m: np.ndarray) -> list[list[str]]:
        return [[format_number(float(x)) for x in row] for row in m]

    lc, rc, pc = cells(left), cells(right), cells(result)
    w = max(len(c) for block in (lc, rc, pc) for row in block for c in row)

    def grid_row(row: list[str]) -> str:
        # A space inside each bar on both sides: a cell as wide as the widest is not glued to "│".
        return "│ " + " ".join(c.rjust(w) for c in row) + " │"

    indent = " " * (len(grid_row(lc[0])) - 1)  # the right operand and result share the left's "│"
    lines = [indent + grid_row(row) for row in rc]
    lines.append(indent + "├" + "─" * (len(grid_row(rc[0])) - 2) + "┤")
    for lrow, prow in zip(lc, pc):
        lines.append(grid_row(lrow)[:-1] + grid_row(prow))
    return lines
