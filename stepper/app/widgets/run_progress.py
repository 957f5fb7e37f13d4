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
        # From an iteration, the bar counts from iteration 0, so its percentage is the count's:
        # "5% … iteration 118,501 of 400,000" read as wrong (a tester's finding).
        start = first or 0
        self.update(total=start + total, progress=start)
        self.display = True
        self._say(0)

    def reached(self, done: int) -> None:
        self.update(progress=(self._first or 0) + done)
        self._say(done)

    def _say(self, done: int) -> None:
        if self._first is None:
            count = f"{done:,} of {int(self.total or 0):,} iterations"
        else:
            count = f"iteration {self._first + done:,} of {int(self.total or 0):,}"
        # After the time the bar's ETA gives: "00:00:14 left", not a bare time.
        self.query_one("#progress-what", Label).update(f" left · {self._what}{count} · Escape cancels")
