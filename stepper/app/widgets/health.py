"""The health notice: clones and other problems of the current iteration, in plain words."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from stepper.engine.diagnose import Diagnosis, Finding, clone_sentences


def short(finding: Finding) -> str:
    """The finding's first sentence, for one line of a narrow terminal."""
    text = finding.text
    for stop in (" — ", ": ", ". "):
        if stop in text:
            head = text.split(stop, 1)[0]
            if len(head) > 12:
                return head + ("." if stop == ". " else "")
    return text


def clone_summary(d: Diagnosis) -> str:
    """Two lines at 80 columns: which neurons, why it matters, what the network really is."""
    where = "; ".join(f"{layers}: {neurons}" for layers, neurons in clone_sentences(d.clones))
    effective = d.effective_shape
    return f"Clones in {where}: they can never differ. Effectively {effective}."


class HealthNotice(Horizontal):
    """Hidden while the network is healthy. Permanent problems (clones) are marked ✗, the rest !.

    In a wide terminal every finding is written out; at 80 columns clones get one summary and the
    rest their first sentence, and `h` opens the full report.
    """

    _shown = ""

    def compose(self) -> ComposeResult:
        yield Static(id="health-text")
        yield Button("s: break symmetry", id="break-symmetry", variant="warning", compact=True)

    def show(self, diagnosis: Diagnosis, wide: bool) -> None:
        findings = diagnosis.findings
        self.display = bool(findings)
        if not findings:
            return
        lines: list[str] = []
        if wide:
            # A divergence first: the notice's height is limited, and it is what ended training.
            ordered = sorted(findings, key=lambda f: f.kind != "diverging")
            lines = [f"{'✗' if f.permanent else '!'} {escape(f.text)}" for f in ordered]
        else:
            diverged = diagnosis.diverged
            if diverged is not None:
                # First and whole, whatever else is found: where it happened, in what, and the remedy
                # (the words of the CLI's stderr lines), with the key to the full report.
                lines += [
                    f"! Training {escape(diverged.message())}.",
                    f"  Remedy: {escape(diverged.hint)}.  [dim]h: why[/dim]",
                ]
            if diagnosis.clones:
                lines.append(f"✗ {escape(clone_summary(diagnosis))}")
            lines += [
                f"! {escape(short(f))}"
                for f in findings
                if not f.permanent and (f.kind != "diverging" or diverged is None)
            ]
            if diverged is None:
                lines[-1] += "  [dim]h: why[/dim]"
        text = "\n".join(lines)
        if text != self._shown:  # while training runs, most iterations find what the last one did
            self._shown = text
            self.query_one("#health-text", Static).update(text)
        self.query_one("#break-symmetry", Button).display = bool(diagnosis.clones)
