"""Numbers at 3, 5 and 7 digits: the app's precision key, one shared function."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from stepper.formatting import PRECISIONS, format_number


def test_seven_digits_are_the_question_s_numbers() -> None:
    assert [format_number(x) for x in (0.90024950, 2.2, 0.018936418, -0.00075429042)] == [
        "0.9002495",
        "2.2000000",
        "0.01893642",
        "-0.0007542904",
    ]


def test_three_and_five_digits() -> None:
    assert [format_number(x, 3) for x in (0.9002495, 2.2, 0.01893642, -0.0007542904, 0.0)] == [
        "0.900",
        "2.200",
        "0.0189",
        "-0.000754",
        "0.000",
    ]
    assert format_number(0.01893642, 5) == "0.018936"
    assert format_number(123456.7, 3) == "1.23e+05"


@given(
    x=st.floats(-1e4, 1e4, allow_nan=False).filter(lambda v: abs(v) > 1e-3),
    digits=st.sampled_from(PRECISIONS),
)
def test_a_number_keeps_at_least_its_digits_and_reads_back_close(x, digits) -> None:
    text = format_number(x, digits)
    back = float(text)
    # At least `digits` significant digits survive (from 1e-3 up; smaller numbers are capped at 10
    # decimals before they turn scientific): the error is below half a unit of the last one.
    assert math.isclose(back, x, rel_tol=0.5 * 10 ** (1 - digits), abs_tol=0)


def test_a_number_rounded_up_to_a_power_of_ten_has_the_decimals_of_that_power() -> None:
    """-0.09999999799 read "-0.10000000", eight decimals among seven-decimal numbers (adam's bias in
    iteration 2 of adam-bias-correction; a tester's finding): it rounds to 0.1, which has seven."""
    assert format_number(-0.09999999799) == "-0.1000000"
    assert format_number(0.0099999999) == "0.01000000"
    assert format_number(0.0999999, 3) == "0.100"
    assert format_number(0.09999999) == "0.09999999"  # not rounded up: its own eight decimals


@given(x=st.floats(1e-6, 1e4, allow_nan=False), digits=st.sampled_from(PRECISIONS))
def test_a_number_has_as_many_decimals_as_the_value_it_shows_would_have(x: float, digits: int) -> None:
    text = format_number(x, digits)
    assert text == format_number(float(text), digits)
