"""The progress of a long run (go to a far iteration, side by side far into training, a comparison
with many iterations of the learner's numbers): the bar, and in words what is computed and how to
stop it. The bar alone said "11% 00:00:15" under a header still at iteration 1, and a teacher could
not tell what was being computed (a tester's finding)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Label, ProgressBar


class RunProgress(ProgressBar):
    """A progress bar followed by what it counts: "iteration 22,100 of 200,000 · Escape cancels".
    The bar takes the width the words leave (at 80 columns they were cut)."""

    def __init__(self, *, id: str | None = None) -> None:
        # A total from the start: without one the bar is "indeterminate", and animates itself 15
        # times a second while hidden (5 ms of CPU a second, the whole time the stepper sat idle).
        super().__init__(total=1, show_eta=True, id=id)
        self._what = ""
        # The iteration the run counts from: its count then says the iteration reached; None, a run
        # of several walks, says how many of all their iterations are computed.
        self._first: int | None = None

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Label(id="progress-what")

    def start(self, total: int, what: str, first: int | None = None) -> None:
        """A run of ``total`` iterations, from iteration ``first`` (None: counted as iterations
        done), ``what`` in words before the count ("side by side: ")."""
        self._what, self._first = what, first
        self.update(total=total, progress=0)
        self.display = True
        self._say(0)

    def reached(self, done: int) -> None:
        self.update(progress=done)
        self._say(done)

    def _say(self, done: int) -> None:
        total = int(self.total or 0)
        if self._first is None:
            count = f"{done:,} of {total:,} iterations"
        else:
            count = f"iteration {self._first + done:,} of {self._first + total:,}"
        self.query_one("#progress-what", Label).update(f" {self._what}{count} · Escape cancels")
