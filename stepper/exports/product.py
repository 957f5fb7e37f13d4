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
    left_w = len(lc[0]) * (w + 1) + 1
    lines = []
    for row in rc:
        lines.append(" " * (left_w + 1) + "│" + " ".join(c.rjust(w) for c in row) + " │")
    lines.append(" " * (left_w + 1) + "├" + "─" * (len(rc[0]) * (w + 1)) + "┤")
    for lrow, prow in zip(lc, pc):
        lines.append(
            "│" + " ".join(c.rjust(w) for c in lrow) + " │" + " ".join(c.rjust(w) for c in prow) + " │"
        )
    return lines
