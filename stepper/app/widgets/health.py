"""The health notice: clones and other problems of the current iteration, in plain words."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Button, Static

from stepper.app.walk_state import LEARNING_RATE_KEY
from stepper.engine.diagnose import Diagnosis, Finding, clone_sentences, layers_text


def short(finding: Finding) -> str:
    """The finding's first sentence (to its first dash, colon or full stop), for one line of a narrow
    terminal. The first of them in the text, not the first kind found: "The output does not depend
    on the input: every observation gets (0.5993, 0.2001), the mean of the targets — …" was cut at
    its dash and took three lines, and the notice's fourth was cut mid-sentence."""
    text = finding.text
    stops = [(text.find(stop, 13), stop) for stop in (" — ", ": ", ". ")]
    found = [(at, stop) for at, stop in stops if at >= 13]
    if not found:
        return text
    at, stop = min(found)
    return text[:at] + ("." if stop == ". " else "")


def clone_summaries(d: Diagnosis) -> list[str]:
    """The clones in a sentence, from the fullest wording to the shortest: which neurons, why it
    matters, what the network really is. The notice takes the first that fits two lines (after an
    edit that leaves some clones, the fullest took three at 80 columns); the last names the layers
    only (the layer map's "3=1" and the C1 marks say which neurons, `h` the whole report)."""
    sentences = clone_sentences(d.clones)
    effective = d.effective_shape
    where = "; ".join(f"{layers}: {neurons}" for layers, neurons in sentences)
    listed = "; ".join(f"{layers} {neurons}" for layers, neurons in sentences)
    layers = layers_text(sorted({g.layer for g in d.clones}))
    return [
        f"Clones in {where}: they can never differ. Effectively {effective}.",
        f"Clones, which can never differ: {listed}. Effectively {effective}.",
        f"Clones in {layers} can never differ: effectively {effective}.",
    ]


class Wordings(Widget):
    """Text that says the same in several wordings, from the fullest to the shortest, and shows the
    first whose key line (the clones' sentence) wraps to two lines at most in the width it gets.

    The wording is chosen where Textual asks for the text's height at a width, so a resize or an
    edit is laid out once, in the right wording (choosing it on a resize event came a layout late:
    the notice kept the height of the wording it replaced).
    """

    DEFAULT_CSS = "Wordings { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._wordings: list[tuple[Content, Content | None]] = [(Content(""), None)]
        self._chosen: dict[int, Content] = {}  # by width: asked at every layout and repaint

    def update(self, wordings: list[tuple[str, str | None]]) -> None:
        """``wordings``: (markup, the markup of its key line or None), the fullest first."""
        self._wordings = [
            (Content.from_markup(text), None if line is None else Content.from_markup(line))
            for text, line in wordings
        ]
        self._chosen = {}
        self.refresh(layout=True)

    def chosen(self, width: int) -> Content:
        if width not in self._chosen:
            fits = (
                text
                for text, line in self._wordings
                if width <= 0 or line is None or len(line.wrap(width)) <= 2
            )
            self._chosen[width] = next(fits, self._wordings[-1][0])
        return self._chosen[width]

    def render(self) -> Content:
        return self.chosen(self.content_size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.chosen(width).wrap(width))


class MarkedButton(Button):
    """A button whose focus shows in its characters too, ▶ and ◀ in place of the spaces around its
    label: reverse video alone, on a screen read as text (a capture of the terminal, a screen
    reader), left a Tab stop where nothing showed focus (a tester's finding at 80x24). The spaces
    are its own, not Textual's line pad, so that the marks can take their place: as wide either
    way, no new layout of the notice."""

    def on_mount(self) -> None:
        self.styles.line_pad = 0

    def render(self) -> RenderResult:
        label = super().render()
        if not isinstance(label, Content):
            return label
        # Textual restyles (and repaints) a widget whose focus changes: its :focus rule.
        left, right = ("▶", "◀") if self.has_focus else (" ", " ")
        return Content.assemble(left, label, right)


class HealthNotice(Horizontal):
    """Hidden while the network is healthy. Permanent problems (clones) are marked ✗, the rest !.

    In a wide terminal every finding is written out; at 80 columns clones get one summary in two
    lines at most (shorter words where the full ones would take three) and the rest their first
    sentence, and `h` opens the full report: its key beside the text, under the button, as the
    keys are (at the end of the text it wrapped with the last sentence, "never differ.
    Effectively 2-1-1-2.  h: why", and read as part of it; a tester's finding). "h: report", as
    the key's help says: "h: why" was taken for the Why pane's key (a tester).
    """

    _shown: list[tuple[str, str | None]] | None = None

    def compose(self) -> ComposeResult:
        yield Wordings(id="health-text")
        with Vertical(id="health-keys"):
            yield MarkedButton("s: break symmetry", id="break-symmetry", variant="warning", compact=True)
            yield Static("h: report", id="report-key")

    def show(self, diagnosis: Diagnosis, wide: bool) -> None:
        self.display = bool(diagnosis.findings)
        if not diagnosis.findings:
            return
        self.query_one("#break-symmetry", Button).display = bool(diagnosis.clones)
        self.query_one("#report-key", Static).display = not wide
        if wide:
            # A divergence first: the notice's height is limited, and it is what ended training.
            ordered = sorted(diagnosis.findings, key=lambda f: f.kind != "diverging")
            lines = [f"{'✗' if f.permanent else '!'} {escape(f.text)}" for f in ordered]
            wordings: list[tuple[str, str | None]] = [("\n".join(lines), None)]
        elif diagnosis.clones:
            wordings = [narrow_lines(diagnosis, summary) for summary in clone_summaries(diagnosis)]
        else:
            wordings = [narrow_lines(diagnosis, None)]
        if wordings != self._shown:  # while training runs, most iterations find what the last one did
            self._shown = wordings
            self.query_one("#health-text", Wordings).update(wordings)


def narrow_lines(diagnosis: Diagnosis, summary: str | None) -> tuple[str, str | None]:
    """The notice at 80 columns with the clones said in ``summary``: its markup, and its clone line's."""
    lines: list[str] = []
    diverged = diagnosis.diverged
    if diverged is not None:
        # First and whole, whatever else is found: where it happened, in what, and the remedy
        # (the words of the CLI's stderr lines); the key to the full report is beside the text.
        lines += [
            f"! Training {escape(diverged.message())}.",
            f"  Remedy: {escape(diverged.remedy(LEARNING_RATE_KEY))}.",
        ]
    clone_line = len(lines)
    if summary is not None:
        lines.append(f"✗ {escape(summary)}")
    lines += [
        f"! {escape(short(f))}"
        for f in diagnosis.findings
        if not f.permanent and (f.kind != "diverging" or diverged is None)
    ]
    return "\n".join(lines), lines[clone_line] if summary is not None else None
