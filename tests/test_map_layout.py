"""Where the decision map pane puts its maps (stepper/app/widgets/map_layout.py): pure arithmetic."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from stepper.app.widgets.map_layout import Shape, lines_needed, plan

WIDE_LEGEND, NARROW_LEGEND = (35, 3), (16, 6)


def shape(
    width: int, height: int, hidden: tuple[int, ...] = (3, 3), outputs: int = 2, ramp: bool = False
) -> Shape:
    headings = tuple(len(f"layer {k}") for k in range(1, len(hidden) + 1))
    return Shape(width, height, outputs, hidden, ramp, WIDE_LEGEND, NARROW_LEGEND, headings)


def test_the_seed_networks_eight_maps_fit_the_pane_at_80x24_120x40_and_200x60() -> None:
    # The pane's inside at each terminal size (the layers' place at 80 columns, 45 % beside them).
    for width, height in ((78, 8), (52, 20), (88, 40)):
        p = plan(shape(width, height))
        assert p.fits, (width, height)
        found = lines_needed(p.big, p.small, p.gap, p.arrangement, shape(width, height))
        assert found is not None and found[0] <= height
        assert p.small * 3 >= p.big or p.small >= 8  # neurons' maps not dwarfed by the output maps


def test_a_pane_two_lines_taller_still_shows_every_map_at_80x24() -> None:
    """After s the clone notice goes, and the pane (8 lines) grows to 10: a tester found six of the
    seed's eight maps scrolled away ("▾ 6 more maps below"), which 8 lines had shown. A line less for
    each output map puts them all on screen again."""
    for height in (8, 9, 10, 11):
        p = plan(shape(78, height))
        assert p.fits and p.big >= 14, (height, p)


def test_spirals_32_neurons_do_not_fit_at_120x40_and_the_output_map_keeps_its_size() -> None:
    p = plan(shape(52, 23, (16, 16), 1))
    assert not p.fits and p.big == 16


@settings(max_examples=120, deadline=None)
@given(
    st.integers(1, 120),
    st.integers(2, 50),
    st.lists(st.integers(1, 20), min_size=0, max_size=3),
    st.integers(1, 3),
    st.booleans(),
)
def test_a_shorter_pane_never_gets_bigger_output_maps_and_a_plan_that_fits_fits(
    width: int, height: int, hidden: list[int], outputs: int, ramp: bool
) -> None:
    tall, short = (
        shape(width, height, tuple(hidden), outputs, ramp),
        shape(width, height - 1, tuple(hidden), outputs, ramp),
    )
    assert plan(short).big <= plan(tall).big
    p = plan(tall)
    # A map is computed on at least a 2×2 grid, in the tiniest pane too (a 5-column pane got 1).
    assert p.big >= 2 and p.small >= 2
    if p.fits:
        found = lines_needed(p.big, p.small, p.gap, p.arrangement, tall)
        assert found is not None and found[0] <= height
