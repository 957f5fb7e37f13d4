"""The step view's packing: the current step's matrices as low as they fit the width, none overlapping."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from stepper.app.widgets.packing import GAP, pack

box = st.tuples(st.integers(1, 60), st.integers(1, 20))


def test_n2_at_80_columns_stacks_the_two_small_matrices_beside_the_weights() -> None:
    """n^2 = [1 | a^1] · W^1 of the seed at 80x24: a^1 and n^2 (36 wide, 5 high) one above the other,
    W^1 (39 wide, 8 high) beside them: 10 lines, where one column needs 18 and a row 111 columns."""
    a1, w1, n2 = (36, 5), (39, 8), (36, 5)
    packing = pack([a1, w1, n2], 79)
    assert packing.height == 10 and packing.width == 36 + GAP + 39
    assert packing.places([a1, w1, n2]) == [(0, 0, 0), (2, 0, 5), (1, 37, 0)]


def test_an_update_puts_the_weights_before_and_after_side_by_side_and_the_gradient_under_them() -> None:
    """W^1 ← W^1 − η · dC/dW^1 at 80x24 (open-bottomed boxes, 7 high): 14 lines, not 21."""
    w1, grad, after = (39, 7), (45, 7), (39, 7)
    packing = pack([w1, grad, after], 79)
    assert packing.height == 14 and not packing.across
    assert packing.groups == ((0, 2), (1,))


def test_boxes_too_wide_to_share_a_line_stay_one_above_the_other_in_order() -> None:
    packing = pack([(50, 4), (50, 6), (50, 3)], 79)
    assert packing.groups == ((0, 1, 2),) and packing.height == 13


@given(st.lists(box, max_size=6), st.integers(1, 200))
def test_every_box_once_none_overlapping_within_the_width_and_never_taller_than_a_stack(sizes, width) -> None:
    packing = pack(sizes, width)
    places = packing.places(sizes)
    assert sorted(index for index, _, _ in places) == list(range(len(sizes)))
    regions = [(x, y, x + sizes[i][0], y + sizes[i][1]) for i, x, y in places]
    for n, (x0, y0, x1, y1) in enumerate(regions):
        for a0, b0, a1, b1 in regions[n + 1 :]:
            assert x1 <= a0 or a1 <= x0 or y1 <= b0 or b1 <= y0, (sizes, width, places)
    assert all(bottom <= packing.height for *_, bottom in regions)
    assert packing.height <= sum(h for _, h in sizes)
    if sizes and max(w for w, _ in sizes) <= width:
        assert all(right <= width for _, _, right, _ in regions)
    for group in packing.groups:  # reading order within a group
        assert list(group) == sorted(group)


@given(st.lists(box, min_size=1, max_size=5), st.integers(1, 150), st.integers(0, 40))
def test_more_width_never_makes_the_step_taller(sizes, width, more) -> None:
    assert pack(sizes, width + more).height <= pack(sizes, width).height
