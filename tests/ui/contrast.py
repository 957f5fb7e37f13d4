"""WCAG contrast of what the screen shows: every run of letters and digits against the background
drawn behind it, read from the app's SVG screenshot (the colours a terminal gets, dim included:
Rich blends dim text towards its background, as terminals do)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

CELL_W, LINE_H, TOP = 12.2, 24.4, 1.5

_CLASS = re.compile(r"\.(terminal-[\w-]+?-r\d+|terminal-r\d+) \{ fill: (#[0-9a-f]{6})")
_RECT = re.compile(r'<rect fill="(#[0-9a-f]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+"')
# The terminal window: its fill is the terminal's default background, behind every cell the app
# leaves transparent (the ANSI themes' screen, and their notice).
_WINDOW = re.compile(r'<rect fill="(#[0-9a-f]{6})" stroke=')
_TEXT = re.compile(
    r'<text class="([\w-]+)" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[\w-]*?line-(\d+)\)">(.*?)</text>'
)


def screenshot(app) -> str:  # type: ignore[no-untyped-def]
    """The app's screen as SVG, its ANSI colours (and the terminal's default background) those of
    the ANSI palette Textual pairs with the theme (a light one for a light theme): the
    ``export_screenshot`` palette is always a dark one, which measured ansi-light on black."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_svg(title=app.title, theme=app.ansi_theme)


def luminance(hex_colour: str) -> float:  # WCAG 2 relative luminance
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@dataclass(frozen=True)
class Run:
    text: str
    line: int
    col: int
    fg: str
    bg: str

    @property
    def ratio(self) -> float:
        return contrast(self.fg, self.bg)


class _Backgrounds(dict[tuple[int, int], str]):
    """The background colour of each (line, column) cell: the window's where no cell is painted
    (reading those as "no background" skipped every run on the ANSI themes' default background,
    which is how a faint yellow `h: why` went unmeasured)."""

    def __init__(self, window: str) -> None:
        super().__init__()
        self.window = window

    def __missing__(self, key: tuple[int, int]) -> str:
        return self.window


def _backgrounds(svg: str) -> dict[tuple[int, int], str]:
    """The background colour of each (line, column) cell."""
    window = _WINDOW.search(svg)
    assert window is not None, "no terminal window in the screenshot"
    background = _Backgrounds(window.group(1))
    for fill, x, y, width in _RECT.findall(svg):
        line = round((float(y) - TOP) / LINE_H)
        first = round(float(x) / CELL_W)
        for col in range(first, first + round(float(width) / CELL_W)):
            background[line, col] = fill
    return background


def lines_in(svg: str, region) -> list[str]:  # type: ignore[no-untyped-def]
    """The lines of text drawn inside ``region`` (a Textual Region), each its runs of letters and
    digits in order, joined by a space; runs that touch are one word on screen, joined without
    (a toast's last letter over a scrollbar's cell under it is drawn as a run of its own)."""
    lines: dict[int, list[tuple[int, str]]] = {}
    for run in text_runs(svg):
        if region.contains(run.col, run.line):
            lines.setdefault(run.line, []).append((run.col, run.text))
    joined = []
    for n in sorted(lines):
        text, end = "", None
        for col, run in sorted(lines[n]):
            text += run if col == end else f" {run}" if text else run
            end = col + len(run)
        joined.append(text)
    return joined


def text_runs(svg: str) -> list[Run]:
    """Every drawn run of text that holds a letter or digit, with its colour and its background."""
    fills = dict(_CLASS.findall(svg))
    background = _backgrounds(svg)
    runs = []
    for cls, x, line, text in _TEXT.findall(svg):
        text = html.unescape(text).replace("\xa0", " ")
        if not any(ch.isalnum() for ch in text) or cls not in fills:
            continue
        col = round(float(x) / CELL_W)
        # The background under the run's first letter or digit.
        offset = next(i for i, ch in enumerate(text) if ch.isalnum())
        runs.append(Run(text.strip(), int(line), col, fills[cls], background[int(line), col + offset]))
    return runs


def unreadable(svg: str, minimum: float = 4.5) -> list[Run]:
    return [run for run in text_runs(svg) if run.ratio < minimum]


# Textual's dashed border: the border of a matrix not computed yet.
DASHED = set("╍╏")  # its corners are heavy ones, shared with the current matrix


def border_runs(svg: str, glyphs: set[str]) -> list[Run]:
    """Every drawn run holding one of ``glyphs`` (border characters), with its colour and the
    background under the first of them."""
    fills = dict(_CLASS.findall(svg))
    background = _backgrounds(svg)
    runs = []
    for cls, x, line, text in _TEXT.findall(svg):
        text = html.unescape(text).replace("\xa0", " ")
        if cls not in fills or not any(ch in glyphs for ch in text):
            continue
        col = round(float(x) / CELL_W)
        offset = next(i for i, ch in enumerate(text) if ch in glyphs)
        runs.append(Run(text.strip(), int(line), col, fills[cls], background[int(line), col + offset]))
    return runs
