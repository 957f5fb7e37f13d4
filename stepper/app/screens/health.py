"""The full health report of the current iteration, as `stepper diagnose` writes it."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from stepper.app.screens.closing import ClosesOnce


class HealthReport(Static):
    """The report, rewrapped to the width it is given whenever that changes: wrapped to a guess
    (the screen's width less the dialog's frame), Textual folded its long lines a second time, back
    to column 0, at 80x24."""

    def __init__(self, report: Callable[[int], str]) -> None:
        super().__init__(markup=False, id="health-report")
        self.report = report
        self._width = 0

    def on_resize(self) -> None:
        width = max(40, self.content_size.width)
        if width != self._width:
            self._width = width
            self.update(self.report(width))


class HealthScreen(ModalScreen[None], ClosesOnce[None]):
    BINDINGS = [Binding("escape,q,h", "dismiss", "Close", id="close-health")]

    def __init__(self, report: Callable[[int], str]) -> None:
        """``report(width)``: the report wrapped to the dialog's width."""
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="health-body") as body:
            body.border_title = (
                "Health of the weights · Esc closes"  # as its first line says: after k iterations
            )
            yield HealthReport(self.report)
