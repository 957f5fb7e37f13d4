"""Small dialogs: go to an iteration, re-initialise the weights, open another network."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from stepper.engine.init import SCHEME_HELP, SCHEMES, InitSpec


class GotoIteration(ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="cancel-goto")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Go to the start of iteration:")
            yield Input(placeholder="e.g. 1000", type="integer", id="goto-input")
            yield Label("", id="goto-error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            value = int(event.value)
        except ValueError:
            value = 0
        if value < 1:
            self.query_one("#goto-error", Label).update("Enter a whole number of at least 1.")
            return
        self.dismiss(value)


class Reinitialise(ModalScreen[InitSpec | None]):
    AUTO_FOCUS = "#reinit-seed"  # Enter applies at once; Tab reaches the scheme
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="cancel-reinit")]

    def __init__(self, current: InitSpec) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Re-initialise the weights (restarts at iteration 1)")
            yield Select(
                [(f"{s}: {SCHEME_HELP[s]}", s) for s in SCHEMES],
                value="normal" if self.current.scheme == "constant" else self.current.scheme,
                allow_blank=False,
                id="reinit-scheme",
            )
            yield Input(str(self.current.seed + 1), placeholder="seed", type="integer", id="reinit-seed")
            yield Label("Enter to apply, Escape to cancel", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        scheme = str(self.query_one("#reinit-scheme", Select).value)
        try:
            seed = max(0, int(event.value or 0))
        except ValueError:
            seed = 0
        self.dismiss(InitSpec(scheme=scheme, value=self.current.value, scale=self.current.scale, seed=seed))


class OpenNetwork(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="cancel-open")]

    def __init__(self, examples: list[tuple[str, str]]) -> None:
        super().__init__()
        self.examples = examples

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Open a built-in example, or type a network file path and press Enter")
            yield OptionList(*[Option(f"{n} — {d}", id=n) for n, d in self.examples], id="open-examples")
            yield Input(placeholder="path/to/network.toml", id="open-path")
            yield Label("", id="open-error", classes="error")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def show_error(self, message: str) -> None:
        self.query_one("#open-error", Label).update(message)
