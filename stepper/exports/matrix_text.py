"""Matrices as aligned plain text, with the notation's row and column labels."""

from __future__ import annotations

import numpy as np

from stepper.engine.quantities import Quantity, row_label
from stepper.formatting import format_number

GAP = 2


def row_labels(quantity: Quantity, rows: int) -> list[str]:
    """Weights and their gradients: "b" then i=0..; per-observation quantities: o=0.."""
    return [row_label(quantity, r) for r in range(rows)]


def _pick(count: int, limit: int) -> list[int | None]:
    """Indices to show, with None standing for the elided middle."""
    if count <= limit:
        return list(range(count))
    head = (limit + 1) // 2
    tail = limit - head - 1
    return [*range(head), None, *range(count - tail, count)]


def render_matrix(
    matrix: np.ndarray, quantity: Quantity, indent: str = "  ", max_cols: int = 6, max_rows: int = 12
) -> list[str]:
    """Lines of an aligned matrix; the bias row of a weight matrix is set apart by a rule."""
    rows, cols = matrix.shape
    labels = row_labels(quantity, rows)
    shown_cols = _pick(cols, max_cols)
    shown_rows = _pick(rows, max_rows)
    cells = {
        (r, c): format_number(float(matrix[r, c]))
        for r in shown_rows
        if r is not None
        for c in shown_cols
        if c is not None
    }
    width = max([len(v) for v in cells.values()] + [len(f"j={cols - 1}")])
    label_w = max(len(lab) for lab in labels)

    def line(label: str, values: list[str]) -> str:
        return indent + label.ljust(label_w) + "".join(" " * GAP + v.rjust(width) for v in values)

    header = [f"j={c}" if c is not None else "…" for c in shown_cols]
    out = [line("", header)]
    for r in shown_rows:
        if r is None:
            out.append(line("⋮", ["⋮"] * len(shown_cols)))
            continue
        out.append(line(labels[r], [cells[(r, c)] if c is not None else "…" for c in shown_cols]))
        if r == 0 and labels[0] == "b" and rows > 1:
            out.append(indent + "─" * (label_w + len(shown_cols) * (width + GAP)))
    return out
