"""Small dialogs: go to an iteration, re-initialise, open a network, save, edit a value, export."""

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


class SavePath(ModalScreen[str | None]):
    """A file path to save to (a session, or an export)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="cancel-save")]

    def __init__(self, title: str, default: str) -> None:
        super().__init__()
        self.title_text = title
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text)
            yield Input(self.default, placeholder="path/to/file", id="save-path")
            yield Label("Enter to save (an existing file is replaced), Escape to cancel", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())


class EditValue(ModalScreen[float | None]):
    """A new value for one weight or bias."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="cancel-edit")]

    def __init__(self, name: str, meaning: str, current: float) -> None:
        super().__init__()
        self.cell, self.meaning, self.current = name, meaning, current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"New value for {self.cell}: {self.meaning}")
            yield Input(repr(self.current), type="number", id="edit-value")
            yield Label("", id="edit-error", classes="error")
            yield Label("Everything computed from it is computed again. Escape cancels.", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            value = float(event.value)
        except ValueError:
            value = float("nan")
        if value != value or value in (float("inf"), float("-inf")):
            self.query_one("#edit-error", Label).update("Enter a finite number, e.g. 0.5 or -1e-3.")
            return
        self.dismiss(value)


EXPORT_FORMATS = (
    ("Markdown (MathJax, for a Q&A site)", "markdown"),
    ("LaTeX document", "latex"),
    ("Text", "text"),
)
EXPORT_SCOPES = (("this step", "step"), ("this iteration", "iteration"))


class Export(ModalScreen[tuple[str, str, str | None] | None]):
    """Export the current step or iteration to a file, or copy it to the clipboard.

    Dismissed with (scope, format, path), path None meaning the clipboard."""

    AUTO_FOCUS = "#export-path"  # Enter saves at once; Tab reaches the scope and format
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="cancel-export"),
        Binding("ctrl+y", "copy", "Copy to clipboard", id="export-copy"),
    ]

    def __init__(self, default_stem: str) -> None:
        super().__init__()
        self.default_stem = default_stem

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Export")
            yield Select(EXPORT_SCOPES, value="step", allow_blank=False, id="export-scope")
            yield Select(EXPORT_FORMATS, value="markdown", allow_blank=False, id="export-format")
            yield Input(f"{self.default_stem}.md", placeholder="path/to/file", id="export-path")
            yield Label(
                "Enter saves to the file · ctrl+y copies to the clipboard · Escape cancels", classes="hint"
            )

    def _choice(self) -> tuple[str, str]:
        return str(self.query_one("#export-scope", Select).value), str(
            self.query_one("#export-format", Select).value
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "export-format":
            suffix = {"markdown": ".md", "latex": ".tex", "text": ".txt"}[str(event.value)]
            path = self.query_one("#export-path", Input)
            stem = path.value.rsplit(".", 1)[0] if "." in path.value else path.value
            path.value = stem + suffix

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss((*self._choice(), event.value.strip()))

    def action_copy(self) -> None:
        self.dismiss((*self._choice(), None))
