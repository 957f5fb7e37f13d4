"""Small dialogs: go to an iteration, re-initialise, open a network, save, edit a value, export."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from stepper.app.screens.closing import ClosesOnce
from stepper.engine.batching import TrainingSpec
from stepper.engine.init import SCHEME_HELP, SCHEMES, InitSpec
from stepper.engine.optimizers import OPTIMIZERS, OptimizerSpec, check_hyper, switch_optimizer
from stepper.limits import MAX_ITERATIONS

# A Select shows its choice on one line, its ▼ after it: each choice fits the narrowest dialog (60
# columns: 34 characters beside the field's label), or it wraps with the ▼ in mid-text.
OPTIMIZER_HELP = {
    "sgd": "W ← W − η·g",
    "momentum": "v ← μ·v + g; W ← W − η·v",
    "rmsprop": "g / running √(mean of g²)",
    "adam": "momentum and RMSprop",
    "adamw": "adam, decoupled decay",
}
SCHEME_SHORT = {
    "constant": "every weight = value",
    "uniform": "U(−scale, scale)",
    "normal": "N(0, scale²)",
    "xavier": "U(±√(6/(fan_in+fan_out)))",
    "he": "N(0, 2/fan_in), biases 0",
}
# What the re-init dialog's scale is for the schemes that use it (docs/network-files.md, [init]).
SCALE_MEANING = {
    "uniform": "the half-width (±scale)",
    "normal": "the standard deviation",
}
CHOICE_WIDTH = 34
FROM_FILE = "file"  # the open dialog's "as the file says"
# Below this many rows a dialog's inputs and selects lose their borders (one row each instead of
# three) and its spacing goes, so the open dialog fits whole at 80x24 and at 60x20.
SHORT_SCREEN = 30
ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT], ClosesOnce[ResultT]):
    """A modal dialog that fits the terminal: compact fields on a short screen."""

    download = False  # a save dialog in a browser tab: the file goes to the browser, not a path here

    def on_mount(self) -> None:
        self._fit(self.app.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, height: int) -> None:
        short = height < SHORT_SCREEN
        self.set_class(short, "-short")
        for field in self.query("Input, Select, OptionList"):
            if isinstance(field, (Input, Select, OptionList)):
                field.compact = short

    def _can_save(self, path: str) -> bool:
        """A save dialog's path: True if it can be saved to as far as can be told; else the
        dialog says why and stays open with it. In a browser tab (``download``) it is the
        browser's to place."""
        if self.download:
            return True
        from stepper.atomic import save_problem

        wrong = save_problem(path)
        if wrong is not None:
            self.show_error(wrong)
        return wrong is None

    def show_error(self, message: str) -> None:
        """The dialog's error line, hidden (no empty red band) until there is something to say."""
        error = self.query_one(".dialog .error", Label)
        error.update(message)
        error.display = True

    def refuse(self, checks: Sequence[tuple[str, str, bool]]) -> bool:
        """Say every field's problem at once, in the dialog's order (one at a time hid the next
        until the first was put right), the keyboard on the first to put right; True if any.
        ``checks``: each field's selector, what it needs, and whether it is wrong."""
        problems = [(field, needs) for field, needs, wrong in checks if wrong]
        if problems:
            self.show_error("\n".join(needs for _, needs in problems))
            self.query_one(problems[0][0], Input).focus()
        return bool(problems)


class Choice(Select[str], inherit_bindings=False):
    """A dialog's choice: its list opens with ↓, ↑ or space (or a click), and Enter applies the
    dialog, as every dialog's hint says. A Select opened its list on Enter: a tester pressing Enter in
    the optimizer dialog got the list, and again after choosing, and could not apply from there."""

    BINDINGS = [Binding("down,up,space", "show_overlay", "Show the choices", show=False)]


def _number(text: str) -> float | None:
    """``text`` as a number, or None."""
    try:
        return float(text)
    except ValueError:
        return None


def optimizer_fields(current: OptimizerSpec | None, batch_size: int | None, prefix: str) -> ComposeResult:
    """An optimizer choice and a batch size, for the dialogs that (re)start a walk. ``current`` None:
    the first choice is "as in the file" and a blank batch size keeps the file's."""
    options = [(f"{name}: {OPTIMIZER_HELP[name]}", name) for name in OPTIMIZERS]
    if current is None:
        options.insert(0, ("optimizer as in the file", FROM_FILE))
    select = Choice(
        options,
        value=FROM_FILE if current is None else current.name,
        allow_blank=False,
        id=f"{prefix}-optimizer",
    )
    yield labelled("optimizer", select)
    batch = Input(
        "" if batch_size is None else str(batch_size),
        placeholder="blank: as in the file" if current is None else "",
        id=f"{prefix}-batch",
        tooltip="Observations per update; 0 means all of them (full batch)",
    )
    # Said beside the field: its placeholder, "0 = all", goes once there is a number in it.
    yield labelled("batch (0 = all)", batch)


def labelled(label: str, field: Widget, note: Label | None = None) -> Horizontal:
    """A field with its name on its left (a placeholder disappears once there is a value), and
    ``note`` on its right: what the value means."""
    parts = (Label(label, classes="field-label"), field, *((note,) if note is not None else ()))
    return Horizontal(*parts, classes="field-row")


def read_optimizer_fields(
    screen: ModalScreen[Any], current: OptimizerSpec | None, training: TrainingSpec | None, prefix: str
) -> tuple[OptimizerSpec | None, TrainingSpec | None] | str:
    """The chosen optimizer (its other settings kept where they apply) and batching, or why not."""
    name = str(screen.query_one(f"#{prefix}-optimizer", Select).value)
    text = screen.query_one(f"#{prefix}-batch", Input).value.strip()
    optimizer = None
    if name != FROM_FILE:
        # Hyper-parameters the new optimizer does not use go back to their defaults.
        optimizer = switch_optimizer(current or OptimizerSpec(), name)
    batching = None
    if text:
        try:
            size = int(text)
        except ValueError:
            size = -1
        if size < 0:
            return "Batch size: a whole number >= 0 (0: all observations)."
        base_training = training or TrainingSpec()
        batching = TrainingSpec(batch_size=size, shuffle=None, seed=base_training.seed)
    elif current is not None:
        return "Batch size: a whole number >= 0 (0: all observations)."
    return optimizer, batching


class TrainingSettings(Dialog[tuple[OptimizerSpec, TrainingSpec, float] | None]):
    """The optimizer, batch size, learning rate and weight decay (restarts from the same init)."""

    AUTO_FOCUS = "#train-optimizer"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="cancel-training"),
        Binding("enter", "apply", "Apply", show=False, id="apply-training"),  # on the optimizer too
    ]

    def __init__(
        self, optimizer: OptimizerSpec, training: TrainingSpec, observations: int, lr: float
    ) -> None:
        super().__init__()
        self.optimizer, self.training, self.observations, self.lr = optimizer, training, observations, lr

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                f"Optimizer and batch size ({self.observations} observations). "
                "Restarts at iteration 1 from the same init."
            )
            yield from optimizer_fields(self.optimizer, self.training.batch_size, "train")
            # Any text, refused with a message when it is no number (as the re-init dialog's): a
            # number-typed field dropped letters as they were typed, and the number left applied.
            yield labelled("learning rate η", Input(repr(self.lr), id="train-lr"))
            decay = Input(repr(self.optimizer.weight_decay), id="train-decay")
            decay.tooltip = "L2 for sgd, momentum, rmsprop, adam; decoupled for adamw; never on the bias row"
            yield labelled("weight decay λ", decay)
            yield Label("", id="train-error", classes="error", markup=False)
            yield Label("Enter applies · a choice opens with ↓ · Escape cancels", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        chosen = read_optimizer_fields(self, self.optimizer, self.training, "train")
        lr = _number(self.query_one("#train-lr", Input).value)
        decay = _number(self.query_one("#train-decay", Input).value or "0")
        decay_problem = "a number, e.g. 0" if decay is None else check_hyper("weight_decay", decay)
        # Each field named ("η and λ" did not say which, and the keyboard stayed where it was).
        if self.refuse(
            [
                ("#train-batch", str(chosen), isinstance(chosen, str)),
                ("#train-lr", "η: a number greater than 0, e.g. 0.01", lr is None or not 0 < lr < math.inf),
                ("#train-decay", f"λ: {decay_problem}", bool(decay_problem)),
            ]
        ):
            return
        assert not isinstance(chosen, str) and lr is not None and decay is not None
        optimizer, training = chosen
        assert optimizer is not None and training is not None
        from dataclasses import replace

        self.dismiss((replace(optimizer, weight_decay=decay), training, lr))


class GotoIteration(Dialog[int | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="cancel-goto")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Go to the start of iteration", classes="field")
            # Any text, refused with a message when it is no whole number: an integer field dropped
            # the point of "1.5", silently, and went to iteration 15 (a tester's finding).
            yield Input(placeholder="e.g. 1000", id="goto-input")
            yield Label("", id="goto-error", classes="error", markup=False)
            yield Label(
                f"Type a whole number from 1 to {MAX_ITERATIONS:,} · Enter goes there (a far one "
                "is computed first; Escape cancels it) · Escape closes",
                classes="hint",
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # ASCII digits only, and few of them: int() would take "1_000" and other scripts' digits.
        text = event.value.strip().replace(",", "")  # 10,000 as the hint writes it
        value = int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else 0
        if not 1 <= value <= MAX_ITERATIONS:
            self.show_error(f"Enter a whole number from 1 to {MAX_ITERATIONS:,}.")
            return
        self.dismiss(value)


class Reinitialise(Dialog[tuple[InitSpec, OptimizerSpec, TrainingSpec] | None]):
    # The dialog's main choice first, as the optimizer dialog opens on its optimizer: the scheme
    # was a shift+tab away, behind the seed. Enter applies from it as from any field (a new seed,
    # already in its field; a constant init as it was), ↓ opens its list, Tab goes to the numbers.
    AUTO_FOCUS = "#reinit-scheme"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="cancel-reinit"),
        # Enter in a field applies (Input.Submitted); anywhere else too, as the hint says: the
        # seed's row hides for the constant scheme, and the keyboard left with it.
        Binding("enter", "apply", "Apply", show=False, id="apply-reinit"),
    ]

    def __init__(
        self, current: InitSpec, optimizer: OptimizerSpec | None = None, training: TrainingSpec | None = None
    ) -> None:
        super().__init__()
        self.current = current
        self.optimizer = optimizer or OptimizerSpec()
        self.training = training or TrainingSpec()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Re-initialise the weights (restarts at iteration 1)")
            # The network's own init, so that Enter draws it again (a new seed) or, for a constant
            # one, restarts it as it was (it opened on normal; s is the key that breaks symmetry).
            chosen = self.current.scheme
            scheme = Choice(
                [(f"{s}: {SCHEME_SHORT[s]}", s) for s in SCHEMES],
                value=chosen,
                allow_blank=False,
                id="reinit-scheme",
            )
            yield labelled("scheme", scheme)
            # The chosen scheme in full, under its one-line choice.
            yield Label(
                self._scheme_help(chosen), id="reinit-scheme-help", classes="choice-help", markup=False
            )
            # The spread of uniform and normal (the file's [init] scale), said for the chosen one;
            # xavier and he set their own from the layer sizes, constant has none: hidden for them.
            # Any text, refused with a message when it is no number (as the value's, the seed's): a
            # number-typed field dropped letters as they were typed, and the old scale applied.
            scale = Input(repr(self.current.scale), id="reinit-scale")
            meaning = Label(SCALE_MEANING.get(chosen, ""), id="reinit-scale-help", classes="field-note")
            row = labelled("scale", scale, meaning)
            row.id = "reinit-scale-row"
            row.display = chosen in SCALE_MEANING
            yield row
            # Constant's one number (the seed's 1, or 0.5 to watch clones from another value); it
            # had none, and the scheme's help spoke of a value nowhere to be set (a tester).
            value = Input(repr(self.current.value), id="reinit-value")
            row = labelled("value", value, Label("every weight and bias", classes="field-note"))
            row.id = "reinit-value-row"
            row.display = chosen == "constant"
            yield row
            # A constant init draws nothing: no seed.
            row = labelled("seed", Input(str(self.current.seed + 1), id="reinit-seed"))
            row.id = "reinit-seed-row"
            row.display = chosen != "constant"
            yield row
            yield from optimizer_fields(self.optimizer, self.training.batch_size, "reinit")
            yield Label("", id="reinit-error", classes="error", markup=False)
            yield Label("Enter applies · a choice opens with ↓ · Escape cancels", classes="hint")

    @staticmethod
    def _scheme_help(scheme: str) -> str:
        return SCHEME_HELP[scheme][:1].upper() + SCHEME_HELP[scheme][1:] + "."

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "reinit-scheme":
            scheme = str(event.value)
            self.query_one("#reinit-scheme-help", Label).update(self._scheme_help(scheme))
            self.query_one("#reinit-scale-row").display = scheme in SCALE_MEANING
            self.query_one("#reinit-scale-help", Label).update(SCALE_MEANING.get(scheme, ""))
            self.query_one("#reinit-value-row").display = scheme == "constant"
            self.query_one("#reinit-seed-row").display = scheme != "constant"
            # The problems said were those of the fields then shown: a hidden field's would stay.
            self.query_one("#reinit-error", Label).display = False
            if scheme == "constant" and isinstance(self.focused, Input):  # the seed's row went
                self.query_one("#reinit-value", Input).focus()

    def _number(self, field: str, accepted: Callable[[float], bool]) -> float | None:
        """The number in ``field``; None if it is none that ``accepted`` takes."""
        number = _number(self.query_one(field, Input).value)
        return number if number is not None and accepted(number) else None

    def _seed(self) -> int | None:
        """The seed typed; None if it is no whole number >= 0 (an empty field was seed 0, silently)."""
        try:
            seed = int(self.query_one("#reinit-seed", Input).value)
        except ValueError:
            return None
        return seed if seed >= 0 else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        scheme = str(self.query_one("#reinit-scheme", Select).value)
        # A field hidden for the scheme is not read, whatever it holds: the current setting stays.
        current = self.current
        scale = (
            self._number("#reinit-scale", lambda x: 0 < x < math.inf)
            if scheme in SCALE_MEANING
            else current.scale
        )
        value = self._number("#reinit-value", math.isfinite) if scheme == "constant" else current.value
        seed = current.seed if scheme == "constant" else self._seed()  # a constant draws nothing
        chosen = read_optimizer_fields(self, self.optimizer, self.training, "reinit")
        if self.refuse(
            [
                ("#reinit-scale", "scale: a number greater than 0, e.g. 0.5", scale is None),
                ("#reinit-value", "value: a number, e.g. 0.5", value is None),
                ("#reinit-seed", "seed: a whole number, 0 or more", seed is None),
                ("#reinit-batch", str(chosen), isinstance(chosen, str)),
            ]
        ):
            return
        assert not isinstance(chosen, str) and scale is not None and value is not None and seed is not None
        optimizer, training = chosen
        assert optimizer is not None and training is not None
        if optimizer.name == self.optimizer.name:
            optimizer = self.optimizer  # unchanged: keep its hyper-parameters and decay
        if training.batch_size == self.training.batch_size:
            training = self.training
        init = InitSpec(scheme=scheme, value=value, scale=scale, seed=seed)
        self.dismiss((init, optimizer, training))


class OpenNetwork(Dialog[tuple[str, OptimizerSpec | None, TrainingSpec | None] | None]):
    """A network to open: (example or path, optimizer override or None, batching override or None)."""

    AUTO_FOCUS = "#open-path"  # typing a name or path works at once; Tab reaches the list
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="cancel-open"),
        Binding("enter", "open", "Open", show=False, id="apply-open"),  # on the optimizer too
    ]

    def __init__(
        self,
        examples: list[tuple[str, str]],
        served: bool = False,
        problem: Callable[[str], str | None] | None = None,
    ) -> None:
        """``served``: in a browser tab, where only the listed files (examples, --root) can be opened.
        ``problem``: what is wrong with a file or name, if anything: the dialog says so and stays
        open with the path as typed (it closed, the message went to a toast, the path was lost)."""
        super().__init__()
        self.examples = examples
        self.served = served
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Open a network")
            yield Label(
                "File in the served folder, or example name (Enter opens it)"
                if self.served
                else "File or example name (Enter opens it)",
                classes="field",
            )
            yield Input(
                placeholder=(
                    "path in the served folder or xor" if self.served else "path/to/network.toml or xor"
                ),
                id="open-path",
            )
            yield Label("", id="open-error", classes="error", markup=False)
            yield Label("Built-in examples (Tab, arrows, Enter)", classes="field")
            yield OptionList(*[Option(f"{n} — {d}", id=n) for n, d in self.examples], id="open-examples")
            yield from optimizer_fields(None, None, "open")
            yield Label("Enter opens · Tab moves to the next field · Escape cancels", classes="hint")

    def _choose(self, network: str) -> None:
        chosen = read_optimizer_fields(self, None, None, "open")
        if isinstance(chosen, str):
            self.show_error(chosen)
            return
        wrong = self.problem(network) if self.problem is not None else None
        if wrong is not None:
            self.show_error(wrong)
            self.query_one("#open-path", Input).focus()
            return
        self.dismiss((network, *chosen))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        self._choose(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = self.query_one("#open-path", Input).value.strip()
        if path:
            self._choose(path)

    def action_open(self) -> None:
        """Enter outside the path and the list (on the optimizer, the batch size's label): what
        the path says, or where to say it."""
        path = self.query_one("#open-path", Input).value.strip()
        if path:
            self._choose(path)
        else:
            self.show_error("Type a file or example name, or choose an example from the list.")


class SavePath(Dialog[str | None]):
    """A file path to save to (a session, or an export)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="cancel-save")]

    def __init__(self, title: str, default: str, download: bool = False) -> None:
        """``download``: in a browser tab, where the file goes to the browser under this name (else
        a path that cannot be saved to is said in the dialog, which stays open with it)."""
        super().__init__()
        self.title_text = title
        self.default = default
        self.download = download

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="field")
            yield Input(self.default, placeholder="path/to/file", id="save-path")
            yield Label("", classes="error", markup=False)
            yield Label(
                "Enter downloads it in your browser, Escape cancels"
                if self.download
                else "Enter to save (an existing file is replaced), Escape to cancel",
                classes="hint",
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if path and self._can_save(path):
            self.dismiss(path)


class EditValue(Dialog[float | None]):
    """A new value for one weight or bias."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="cancel-edit")]

    def __init__(self, name: str, meaning: str, current: float) -> None:
        super().__init__()
        self.cell, self.meaning, self.current = name, meaning, current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # The cell's name (W^0[i=1, j=0]) is text, not markup.
            yield Label(f"New value for {self.cell}", classes="field", markup=False)
            yield Label(self.meaning, markup=False)
            yield Input(repr(self.current), id="edit-value")  # any text: a letter is refused, not dropped
            yield Label("", id="edit-error", classes="error", markup=False)
            yield Label("Everything computed from it is computed again. Escape cancels.", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            value = float(event.value)
        except ValueError:
            value = float("nan")
        if value != value or value in (float("inf"), float("-inf")):
            self.show_error("Enter a finite number, e.g. 0.5 or -1e-3.")
            return
        self.dismiss(value)


EXPORT_FORMATS = (
    ("Markdown (MathJax, for a Q&A site)", "markdown"),
    ("LaTeX document", "latex"),
    ("Text", "text"),
)
EXPORT_SCOPES = (("this step", "step"), ("this iteration", "iteration"))


class Export(Dialog[tuple[str, str, str | None] | None]):
    """Export the current step or iteration to a file, or copy it to the clipboard.

    Dismissed with (scope, format, path), path None meaning the clipboard."""

    # What to export first, then its format, then the file, in the dialog's order (the choices
    # were a shift+tab away, behind the file name): Enter saves from any of them under the name
    # the choices give it, ↓ opens a choice. Before the first step there is only the iteration to
    # export: the format is the first choice to make. (on_mount)
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="cancel-export"),
        Binding("ctrl+y", "copy", "Send to clipboard", id="export-copy"),
        Binding("enter", "save", "Save", show=False, id="export-save"),  # on what and format too
    ]

    def __init__(
        self,
        default_stem: str,
        download: bool = False,
        step: int | None = None,
    ) -> None:
        """``default_stem``: the iteration's file name, without its suffix; ``step``: the step
        shown (None before the first: there is only the iteration to export, and its name says
        so, not "-step0"). ``download``: in a browser tab, where Enter sends the file to the browser
        (else a path that cannot be saved to is said in the dialog, which stays open with it)."""
        super().__init__()
        self.default_stem = default_stem
        self.step = step
        self.download = download

    def _stem(self, scope: str) -> str:
        return self.default_stem if scope == "iteration" else f"{self.default_stem}-step{self.step}"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Export", classes="field")
            scopes = EXPORT_SCOPES if self.step is not None else EXPORT_SCOPES[1:]
            scope = scopes[0][1]
            yield labelled("what", Choice(scopes, value=scope, allow_blank=False, id="export-scope"))
            yield labelled(
                "format", Choice(EXPORT_FORMATS, value="markdown", allow_blank=False, id="export-format")
            )
            yield labelled(
                "file", Input(f"{self._stem(scope)}.md", placeholder="path/to/file", id="export-path")
            )
            yield Label("", classes="error", markup=False)
            yield Label(
                f"Enter {'downloads' if self.download else 'saves'} · a choice opens with ↓ · "
                "ctrl+y sends to the clipboard · Escape cancels",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#export-scope" if self.step is not None else "#export-format", Select).focus()

    def _choice(self) -> tuple[str, str]:
        return str(self.query_one("#export-scope", Select).value), str(
            self.query_one("#export-format", Select).value
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "export-scope":  # the name follows, unless the learner typed their own
            path = self.query_one("#export-path", Input)
            stem, dot, suffix = path.value.rpartition(".")
            other = self._stem("step" if event.value == "iteration" else "iteration")
            if dot and stem == other:
                path.value = f"{self._stem(str(event.value))}.{suffix}"
        if event.select.id == "export-format":
            suffix = {"markdown": ".md", "latex": ".tex", "text": ".txt"}[str(event.value)]
            path = self.query_one("#export-path", Input)
            stem = path.value.rsplit(".", 1)[0] if "." in path.value else path.value
            path.value = stem + suffix

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        if path and self._can_save(path):
            self.dismiss((*self._choice(), path))

    def action_copy(self) -> None:
        self.dismiss((*self._choice(), None))
