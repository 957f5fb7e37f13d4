"""Colours every letter can be read in: WCAG contrast, and a colour nudged until it has enough.

The clone colours are picked by hue (one per clone group); whether a hue is readable depends on the
background the theme puts behind it, so each is lightened or darkened against that background when
drawn. Under NO_COLOR Textual turns colours into greys of the same luminance, so what is readable
in colour stays readable in grey.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color as RichColor
from textual.color import Color

MINIMUM = 4.5  # WCAG AA for text
TARGET = 4.8  # a little above, so a terminal's palette does not drop below


def luminance(color: Color) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(a: Color, b: Color) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def reads(fg: Color, bg: Color) -> bool:
    """Readable in colour, and in the greys NO_COLOR turns both into (Textual's own conversion)."""
    return contrast(fg, bg) >= TARGET and contrast(fg.monochrome, bg.monochrome) >= TARGET


@lru_cache(maxsize=512)
def readable(foreground: str, background: str) -> str:
    """``foreground`` (a hex colour), blended towards white or black until it reads on ``background``."""
    fg, bg = Color.parse(foreground), Color.parse(background)
    if reads(fg, bg):
        return foreground
    # Away from the background: towards white on a dark one, towards black on a light one.
    pole = Color(255, 255, 255) if luminance(bg) < 0.18 else Color(0, 0, 0)
    for step in range(1, 21):
        candidate = fg.blend(pole, step / 20)
        if reads(candidate, bg):
            return candidate.hex
    return pole.hex


def background_of(color: RichColor | None, dark: bool) -> str:
    """The hex of a Rich background colour; the theme's end of the scale when it has none (the
    terminal's default background)."""
    if color is not None and color.triplet is not None:
        return color.triplet.hex
    return "#000000" if dark else "#ffffff"
