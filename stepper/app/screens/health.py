"""The full health report of the current iteration, as `stepper diagnose` writes it."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HealthScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,h", "dismiss", "Close", id="close-health")]

    def __init__(self, report: Callable[[int], str]) -> None:
        """``report(width)``: the report wrapped to the dialog's width."""
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="health-body") as body:
            body.border_title = "Health of this iteration · Esc closes"
            yield Static(markup=False, id="health-report")

    def on_resize(self) -> None:
        width = self.query_one("#health-report", Static).content_size.width or self.size.width - 8
        self.query_one("#health-report", Static).update(self.report(max(40, width)))
