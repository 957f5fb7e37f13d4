"""The two header lines: where we are (iteration, step, phase, layer, cost) and the formula."""

from __future__ import annotations

import re

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

PART = " · "
SHAPES = "    "  # between a step's formula and its shapes (walk_state.status_lines)


def _shorter(parts: list[str]) -> list[str] | None:
    """The first line one notch shorter, by design, or None when nothing more can go: the phase and
    layer after the cost (the formula and the layer map say them too) or "ready", then a batch's
    observations, then "Iteration" as "Iter", then the optimizer's t, then the epoch and batch. The
    iteration, the step and the cost stay."""
    cost = next((i for i, part in enumerate(parts) if part.startswith("C = ")), len(parts) - 1)
    if len(parts) > cost + 1:
        return parts[:-1]
    if "ready" in parts:
        return [part for part in parts if part != "ready"]
    for i, part in enumerate(parts):
        if part.startswith("epoch ") and " (obs " in part:
            return [*parts[:i], part.split(" (obs ")[0], *parts[i + 1 :]]
    if parts[0].startswith("Iteration "):
        return ["Iter " + parts[0].removeprefix("Iteration "), *parts[1:]]
    for prefix in ("t=", "epoch "):
        for i, part in enumerate(parts):
            if part.startswith(prefix):
                return parts[:i] + parts[i + 1 :]
    return None


def _fitted(parts: list[str], width: int) -> list[str] | None:
    """``parts`` made shorter by design (:func:`_shorter`) until they fit ``width``; None if they
    never do."""
    shorter: list[str] | None = parts
    while shorter is not None and len(PART.join(shorter)) > width:
        shorter = _shorter(shorter)
    return shorter


COST_ROOM = 10  # "13.3466125": a cost below 100 at 7 significant digits


def _widest(where: str) -> str:
    """``where`` as wide as it gets in its iteration: the step's number as wide as the step count,
    and the cost ("—" before it is known) as wide as a cost up to 100 takes (``COST_ROOM``)."""
    where = re.sub(r"step (\d+)(/| of )(\d+)", lambda m: f"step {m[3]}{m[2]}{m[3]}", where)
    return re.sub(r"C = (\S+)", lambda m: "C = " + m[1].rjust(COST_ROOM, "0"), where)


def fit_where(where: str, width: int) -> str:
    """The first line within ``width``: made shorter by design (:func:`_shorter`), and only then
    cut with …. "Iteration" is "Iter" for a whole iteration or not at all, as its widest line
    needs: side by side, adam's line read "Iteration 1 · t=1" at step 8 of 13 and "Iter 1 · t=1"
    at step 10 (a tester). What may come and go with the room comes after it."""
    parts = _fitted(where.split(PART), width)
    if parts is None:  # as short as it goes by design, then tighter (below)
        parts = where.split(PART)
        while (shorter := _shorter(parts)) is not None:
            parts = shorter
    widest = _fitted(_widest(where).split(PART), width)
    if (widest is None or widest[0].startswith("Iter ")) and parts[0].startswith("Iteration "):
        parts = ["Iter " + parts[0].removeprefix("Iteration "), *parts[1:]]
    line = PART.join(parts or [])
    if len(line) <= width or not parts:
        return line if len(line) <= width else line[: max(0, width - 1)] + "…"
    # Half an 80-column screen (side by side): "2 · 13/22 · C = 1.9082220", then without the dots;
    # and in the end the cost stays whole and what comes before it is cut.
    # "Iter" kept while it fits: "1 · 7/22" beside "Iter 1 · step 2/22" read as cryptic (a tester).
    steps = [part.removeprefix("step ").replace(" of ", "/") for part in parts]
    tight = [part.removeprefix("Iter ") for part in steps]
    for line in (PART.join(steps), PART.join(tight), " ".join(tight)):
        if len(line) <= width:
            return line
    cost = next((part for part in tight if part.startswith("C = ")), None)
    if cost is not None and len(cost) + 3 <= width:
        rest = " ".join(part for part in tight if part is not cost)
        return rest[: width - len(cost) - 2] + "… " + cost
    return line[: max(0, width - 1)] + "…"


def _bodies(formula: str) -> tuple[list[str], str]:
    """The formula's written forms, longest first, and its result's shape ("→ (2×3)"): as it is,
    without its parameters ("   (η = 0.5)", "   (β2 = 0.999)"), which the Why pane repeats, and
    with its words in short ("(W^2 without bias row)ᵀ" is "(W^2 no bias)ᵀ")."""
    text, shapes = formula.split(SHAPES, 1)
    result = "→ " + shapes.rsplit("→", 1)[-1].strip() if "→" in shapes else shapes.strip()
    bare = text.split("   (")[0]
    short = bare.replace(" without bias row", " no bias")
    return list(dict.fromkeys((text, bare, short))), result


def fit_formula(formula: str, width: int, formula_first: bool = False) -> str:
    """The formula line within ``width``, never without the result's shape: the operands' shapes
    go first ("(2×3) ⊙ (2×3) → (2×3)" becomes "→ (2×3)"), then the formula's parameters, then the
    formula is cut with …. ``formula_first``: the result's shape goes before the formula is cut
    (side by side, where no Why pane writes the formula out, at 80 columns it read
    "n^1 = [1 | a^0] · …  → (2×3)")."""
    if len(formula) <= width or SHAPES not in formula:
        return formula
    bodies, result = _bodies(formula)
    # Then its words in short: half a screen cut "(W^2 without bias row)ᵀ".
    for body in bodies:
        for gap in (SHAPES, "  "):
            if len(body) + len(gap) + len(result) <= width:
                return body + gap + result
    short = bodies[-1]
    if formula_first and len(short) <= width:
        return short
    room = width - 2 - len(result)
    return (short[: max(0, room - 1)] + "…  " + result) if room > 1 else result[:width]


INDENT = "  "  # before a formula's second line: it goes on from the first
# Where a formula may go on to a second line, outside brackets: before a sum's + or − first (its
# terms stay whole), else before a product's operator.
OPERATORS = ((" + ", " − "), (" · ", " ⊙ ", " / "))


def _breaks(body: str, operators: tuple[str, ...]) -> list[int]:
    """The places in ``body`` where it may go on to a second line: before one of ``operators``
    ("δ^2 | · (W^1 no bias)ᵀ"), never inside brackets ("(1 − β1)" stays whole)."""
    places: list[int] = []
    depth = 0
    for index, char in enumerate(body):
        depth += (char in "([") - (char in ")]")
        if depth == 0 and body.startswith(operators, index):
            places.append(index)
    return places


def _two_lines(body: str, operators: tuple[str, ...], tail: str, width: int) -> list[str] | None:
    """``body`` on two lines of ``width`` at most, broken before one of ``operators`` (the second
    line indented, ``tail`` after it), as much as fits on the first; None if it does not go."""
    for place in reversed(_breaks(body, operators)):
        first, rest = body[:place], INDENT + body[place + 1 :] + tail
        if len(first) <= width and len(rest) <= width:
            return [first, rest]
    return None


def formula_lines(formula: str, width: int, formula_first: bool = False) -> list[str]:
    """The formula's line (fit_formula), or ``formula_first`` (side by side), its two lines where
    one would cut it: at 80 columns "dC/da^1 = δ^2 · (W…  → (2×3)" hid the very thing the step
    is about (a tester). The result's shape on the second line where it fits, else left out, as
    on one line; cut with … only where two lines do not hold it either."""
    line = fit_formula(formula, width, formula_first)
    if not formula_first or "…" not in line or SHAPES not in formula:
        return [line]
    bodies, result = _bodies(formula)
    for operators in OPERATORS:
        for tail in ("  " + result, ""):
            for body in bodies:
                lines = _two_lines(body, operators, tail, width)
                if lines is not None:
                    return lines
    return [line]


class StatusLine(Widget):
    """Fixed height, so a new text needs a repaint but never a new layout; side by side
    (``formula_first``), a line taller for a formula that needs two (formula_lines)."""

    # Each line made to fit its width by design (fit_where, formula_lines): a wrapped first line
    # would push the formula out of the header.
    DEFAULT_CSS = "StatusLine { text-wrap: nowrap; text-overflow: ellipsis; }"

    def __init__(
        self, id: str | None = None, classes: str | None = None, formula_first: bool = False
    ) -> None:
        """``formula_first``: see formula_lines (side by side)."""
        super().__init__(id=id, classes=classes)
        self.where = ""
        self.formula = ""
        self.formula_first = formula_first

    def _lines(self, width: int) -> list[str]:
        return formula_lines(self.formula, width, self.formula_first)

    @property
    def lines_needed(self) -> int:
        """Its lines at its width now: the where line and the formula's (2 before it is laid out)."""
        width = self.content_size.width
        return 1 + len(self._lines(width)) if width else 2

    def show(self, where: str, formula: str) -> None:
        before = self.lines_needed
        self.where, self.formula = where, formula
        # A new layout only where the formula takes another number of lines (side by side).
        self.refresh(layout=self.lines_needed != before)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1 + len(self._lines(width))

    def render(self) -> Text:
        width = self.content_size.width or 10_000  # not laid out yet: whole
        formula = "\n".join(self._lines(width))
        return Text.assemble((fit_where(self.where, width), "bold"), "\n", formula)

    def on_resize(self) -> None:
        self.refresh()
