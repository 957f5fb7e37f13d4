"""The two header lines: where we are (iteration, step, phase, layer, cost) and the formula."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class StatusLine(Widget):
    """Fixed height, so a new text needs a repaint but never a new layout."""

    # Each line cut with … when too long: a wrapped first line would push the formula out of the
    # two-line header.
    DEFAULT_CSS = "StatusLine { text-wrap: nowrap; text-overflow: ellipsis; }"

    def __init__(self, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = Text()

    def show(self, where: str, formula: str) -> None:
        self.text = Text.assemble((where, "bold"), "\n", formula)
        self.refresh()

    def render(self) -> Text:
        return self.text
