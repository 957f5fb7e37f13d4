"""What a step costs the screen: one layout per step, and no re-arrangement of the whole screen for
matrices out of sight. (Speed itself is measured by benchmarks/step_latency.py; these count the work
Textual is asked to do, which is what made a step slow and does not depend on the machine.)"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from textual._compositor import Compositor

from stepper.app import StepperApp


def count_calls(monkeypatch: pytest.MonkeyPatch, counts: Counter[str]) -> None:
    """Count the compositor's layouts (reflow), scroll passes (reflow_visible) and arrangements of
    the screen (each of those makes one; so does a rebuild of its whole map)."""
    for name, key in (("reflow", "layouts"), ("reflow_visible", "scrolls"), ("_arrange_root", "arranges")):
        method: Callable[..., Any] = getattr(Compositor, name)

        def counted(
            self: Compositor, *args: Any, _call: Callable[..., Any] = method, _key: str = key, **kw: Any
        ) -> Any:
            counts[_key] += 1
            return _call(self, *args, **kw)

        monkeypatch.setattr(Compositor, name, counted)


@pytest.mark.parametrize(("example", "size"), [(None, (80, 24)), (None, (120, 40)), ("xor", (80, 24))])
async def test_a_step_lays_the_screen_out_once(monkeypatch, example, size) -> None:
    """Stepping through an iteration lays the screen out about once per step (a step at 80x24 sizes
    the step view to its matrices), where it was up to three times (the Why pane's text, the step
    view and their scrollbars each asked for another); and the whole screen is re-arranged only
    after a pane scrolled (Textual's own rule), not for matrices kept current out of sight."""
    counts: Counter[str] = Counter()
    count_calls(monkeypatch, counts)
    app = StepperApp(example) if example else StepperApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")  # the first step shows the Why pane's first text: a layout of its own
        await pilot.pause()
        counts.clear()
        steps = app.walk.steps_per_iteration
        for _ in range(steps):
            await pilot.press("n")
            await pilot.pause()
    # The last step ends the iteration (every matrix goes back to "not computed yet"): one more.
    # Wide, a pane's scrollbar came and went as a step folded it, and that was a second layout on
    # most steps: the panes keep theirs placed (stepper.tcss, PlacedScrollBar).
    allowed = steps + 1
    assert counts["layouts"] <= allowed, counts
    rebuilds = counts["arranges"] - counts["layouts"] - counts["scrolls"]
    assert rebuilds <= counts["scrolls"], counts
