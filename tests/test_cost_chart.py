"""The cost curve's arithmetic (stepper/app/widgets/cost_curve.py): which value each column draws,
how high, and the scale's labels. Hand-worked examples, then properties for any costs and width."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from stepper.app.widgets.cost_curve import FLAT, axis_labels, bar_rows, columns, levels, short_number

costs = st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=400).map(np.array)


def test_fewer_points_than_columns_are_one_column_each_and_not_stretched() -> None:
    drawn, per_column = columns(np.array([1.9, 1.5, 0.4]), 20)
    assert drawn.tolist() == [1.9, 1.5, 0.4] and per_column == 1


def test_more_points_than_columns_are_grouped_each_column_its_highest() -> None:
    # 7 iterations in 3 columns: iterations 1-2, 3-4, 5-7 (consecutive, as even as can be).
    drawn, per_column = columns(np.array([5.0, 4.0, 3.0, 3.5, 1.0, 2.0, 0.5]), 3)
    assert drawn.tolist() == [5.0, 3.5, 2.0] and per_column == 3


def test_heights_run_from_a_visible_eighth_to_the_full_chart() -> None:
    # Two rows: 16 eighths. 2 is the top, 1 the bottom (still drawn: ▁), 1.75 three quarters of
    # the way: 1 + 0.75 · 15 = 12.25, 12 eighths: a full bottom cell and half the top one.
    assert levels(np.array([2.0, 1.0, 1.75]), 2) == [16, 1, 12]
    assert bar_rows([16, 1, 12], 2) == ["█ ▄", "█▁█"]


def test_a_flat_curve_is_half_a_cell_not_a_full_block() -> None:
    assert levels(np.array([1.9082220]), 2) == [FLAT]
    assert bar_rows(levels(np.array([0.3, 0.3, 0.3]), 2), 2) == ["   ", "▄▄▄"]
    assert bar_rows(levels(np.array([0.3]), 1), 1) == ["▄"]


def test_numbers_in_a_few_characters() -> None:
    assert [short_number(x) for x in (1.9082220, 0.4012, 0.012345, 1234.7, 1.2345e-5, 3.4e6, 0.0)] == [
        "1.91",
        "0.401",
        "0.0123",
        "1235",
        "1.2e-5",
        "3.4e6",
        "0",
    ]


def test_the_scale_s_ends_get_the_digits_that_tell_them_apart() -> None:
    assert axis_labels(0.4012, 1.9082220) == ("0.401", "1.91")
    assert axis_labels(1.90811, 1.90822) == ("1.9081", "1.9082")


@given(costs, st.integers(1, 80))
def test_each_column_is_the_highest_cost_of_its_consecutive_iterations(values, width) -> None:
    drawn, per_column = columns(values, width)
    n = values.size
    assert drawn.size == min(n, width)
    bounds = [(c * n) // drawn.size for c in range(drawn.size + 1)] if n > width else list(range(n + 1))
    for c in range(drawn.size):
        group = values[bounds[c] : bounds[c + 1]]
        assert 1 <= group.size <= per_column and drawn[c] == group.max()
    assert drawn.max() == values.max()  # the highest cost is never grouped away


@given(costs, st.integers(1, 3))
def test_heights_keep_the_costs_order_within_the_chart(values, rows) -> None:
    heights = levels(values, rows)
    assert all(1 <= h <= 8 * rows for h in heights)
    order = np.argsort(values, kind="stable")
    assert all(heights[i] <= heights[j] for i, j in pairwise(order))  # a higher cost, a bar as high
    if values.max() > values.min():
        assert max(heights) == 8 * rows and min(heights) == 1
    else:
        assert set(heights) == {FLAT}
    assert all(len(row) == values.size for row in bar_rows(heights, rows))
