"""How numbers and matrices are written, the same in every view and export."""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

MIN_DECIMALS = 7  # the question prints 0.9002495: seven decimals
SIG_DIGITS = 7  # small numbers keep seven significant digits (0.01893642)
MAX_DECIMALS = 10
PRECISIONS = (3, 5, 7)  # what the app's precision key cycles through; 7 is the question's
# What format_number does, in the words an export's header uses.
ROUNDING = (
    "Numbers are rounded to at least 7 significant digits and 7 decimals "
    "(0.9002495, 3.7007485, 0.01893642), and to at most 10 decimals (so fewer significant digits "
    "below 1e-4: 0.0000031582), in scientific notation from 1e5 and below 1e-8."
)


# The precision in force where no ``digits`` is given: 7, or the app's precision key's choice while it
# writes a cell's computation (see ``precision``). Exports never set it, so they keep 7.
_PRECISION: ContextVar[int] = ContextVar("precision", default=SIG_DIGITS)


@contextmanager
def precision(digits: int) -> Iterator[None]:
    """Numbers written inside this block without their own ``digits`` get ``digits``."""
    token = _PRECISION.set(digits)
    try:
        yield
    finally:
        _PRECISION.reset(token)


def format_number(x: float, digits: int | None = None) -> str:
    """``digits`` decimals, or ``digits`` significant digits for small numbers; scientific when very
    large or tiny. With 7 (every export): 0.9002495, 2.2000000, 0.01893642, -0.0007542904. With 3:
    0.900, 2.200, 0.0189, -0.000754."""
    if digits is None:
        digits = _PRECISION.get()
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if x == 0:
        return f"{0.0:.{digits}f}"
    mag = abs(x)
    if mag >= 1e5 or mag < 10.0 ** -(MAX_DECIMALS - 2):
        return f"{x:.{digits - 1}e}"
    decimals = min(max(digits, digits - 1 - math.floor(math.log10(mag))), MAX_DECIMALS)
    rounded = round(mag, decimals)
    if math.floor(math.log10(rounded)) > math.floor(math.log10(mag)):
        # Rounded up to the next power of ten (-0.09999999799 to -0.1): the decimals that one
        # has, not one more than its neighbours ("-0.10000000" among seven-decimal numbers).
        decimals = min(max(digits, digits - 1 - math.floor(math.log10(rounded))), MAX_DECIMALS)
    return f"{x:.{decimals}f}"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and its noun, singular for one: "1 iteration", "2 iterations", "0 iterations"."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


# --- wrapping text with some parts kept whole ------------------------------------------------------
NO_BREAK = "\u00a0"  # a space textwrap does not break at


def kept_whole(text: str, pattern: str) -> str:
    """``text`` with the spaces inside each match of ``pattern`` made unbreakable: wrap_kept never
    breaks there (a cell's index "δ^3[o=0, k]", a shape with its word "expected 4×2")."""
    return re.sub(pattern, lambda m: m[0].replace(" ", NO_BREAK), text)


def wrap_kept(
    text: str,
    width: int,
    *,
    initial_indent: str = "",
    subsequent_indent: str = "",
    break_long_words: bool = False,
) -> list[str]:
    """``text`` wrapped to ``width`` columns, never at a hyphen ("identical-" / "columns") nor inside
    a part kept_whole protected, the protected spaces plain again in the lines."""
    lines = textwrap.wrap(
        text,
        width,
        initial_indent=initial_indent,
        subsequent_indent=subsequent_indent,
        break_on_hyphens=False,
        break_long_words=break_long_words,
    )
    return [line.replace(NO_BREAK, " ") for line in lines]
