"""The two header lines: where we are (iteration, step, phase, layer, cost) and the formula."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

PART = " · "
SHAPES = "    "  # between a step's formula and its shapes (walk_state.status_lines)
# The parts of the first line kept however narrow: the rest (the phase, the layer, which the
# formula and the layer map also say) is dropped from the end first.
ESSENTIAL = ("Iteration ", "step ", "C = ")


def fit_where(where: str, width: int) -> str:
    """The first line within ``width``: whole parts dropped from the end (never the iteration, the
    step or the cost), and only then cut with …."""
    parts = where.split(PART)
    while len(PART.join(parts)) > width:
        extra = [i for i, part in enumerate(parts) if not part.startswith(ESSENTIAL)]
        if not extra:
            break
        del parts[extra[-1]]
    line = PART.join(parts)
    return line if len(line) <= width else line[: max(0, width - 1)] + "…"


def fit_formula(formula: str, width: int) -> str:
    """The formula line within ``width``, never without the result's shape: the operands' shapes
    go first ("(2×3) ⊙ (2×3) → (2×3)" becomes "→ (2×3)"), then the formula is cut with …."""
    if len(formula) <= width or SHAPES not in formula:
        return formula
    text, shapes = formula.split(SHAPES, 1)
    result = "→ " + shapes.rsplit("→", 1)[-1].strip() if "→" in shapes else shapes.strip()
    for gap in (SHAPES, "  "):
        if len(text) + len(gap) + len(result) <= width:
            return text + gap + result
    room = width - 2 - len(result)
    return (text[: max(0, room - 1)] + "…  " + result) if room > 1 else result[:width]


class StatusLine(Widget):
    """Fixed height, so a new text needs a repaint but never a new layout."""

    # Each line made to fit its width by design (fit_where, fit_formula): a wrapped first line would
    # push the formula out of the two-line header.
    DEFAULT_CSS = "StatusLine { text-wrap: nowrap; text-overflow: ellipsis; }"

    def __init__(self, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.where = ""
        self.formula = ""

    def show(self, where: str, formula: str) -> None:
        self.where, self.formula = where, formula
        self.refresh()

    def render(self) -> Text:
        width = self.content_size.width or 10_000  # not laid out yet: whole
        return Text.assemble((fit_where(self.where, width), "bold"), "\n", fit_formula(self.formula, width))

    def on_resize(self) -> None:
        self.refresh()
