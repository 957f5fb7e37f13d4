"""What a step costs the screen: one layout per step, and no re-arrangement of the whole screen for
matrices out of sight. (Speed itself is measured by benchmarks/step_latency.py; these count the work
Textual is asked to do, which is what made a step slow and does not depend on the machine.)"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType
from textual._compositor import ChopsUpdate, Compositor, LayoutUpdate
from textual.app import App

from stepper.app import StepperApp, textual_fixes


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


class Terminal:
    """A terminal the app writes to: each cell's character and style, as the app's updates leave
    them. A partial update writes only the cells the app thinks changed, so a cell it forgot
    keeps its old picture here, as it would on a real screen."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], tuple[str, object]] = {}
        self.full_repaints = 0

    def write(self, update: object, console: Console) -> None:
        if isinstance(update, LayoutUpdate):
            self.full_repaints += 1
        if not isinstance(update, (LayoutUpdate, ChopsUpdate)):
            return
        x = y = 0
        for segment in update.__rich_console__(console, console.options):
            if segment.control:
                for control in segment.control:
                    if control[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = int(control[1]), int(control[2])
            elif segment.text == "\n":
                x, y = 0, y + 1
            else:
                for character in segment.text:
                    self.cells[x, y] = (character, segment.style)
                    x += cell_len(character)


def repainted(app: StepperApp) -> dict[tuple[int, int], tuple[str, object]]:
    """The screen as a full repaint draws it now."""
    cells: dict[tuple[int, int], tuple[str, object]] = {}
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        x = 0
        for segment in strip:
            for character in segment.text:
                cells[x, y] = (character, segment.style)
                x += cell_len(character)
    return cells


# Stepping, focus and the cursor, the Why pane grown, symmetry broken, side by side and back: what
# scrolls panes, folds them, moves focus and changes roles. (Dialogs are left out: a modal screen's
# picture includes the screen under it, which a repaint of the top screen alone does not.)
KEYS = ["n"] * 10 + ["p"] * 3 + ["i", "tab", "right", "down", "left", "w", "s", "shift+tab", "v", "escape"]


@pytest.mark.parametrize(
    ("example", "size"),
    [(None, (80, 24)), (None, (120, 40)), (None, (200, 60)), ("sgd-vs-adam", (120, 40))],
)
async def test_the_terminal_shows_what_a_full_repaint_would(monkeypatch, example, size) -> None:
    """After every key the terminal, written to only with the app's partial updates, shows exactly
    what a full repaint would: no cell left with an old number, border or highlight, though a step
    repaints only what it changed (matrices out of sight are not repainted at all, and a pane that
    scrolls repaints what moved). And stepping never repaints the whole screen: over SSH that is
    the whole screen sent again, where a step changes a fraction of it."""
    terminal = Terminal()
    display = App._display

    def shown(self: App[Any], screen: Any, update: Any) -> None:
        if update is not None and screen is self.screen:
            terminal.write(update, self.console)
        display(self, screen, update)

    monkeypatch.setattr(App, "_display", shown)
    rng = random.Random(12)
    app = StepperApp(example) if example else StepperApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        terminal.cells = repainted(app)
        pressed: list[str] = []
        for _ in range(45):
            key = rng.choice(KEYS)
            pressed.append(key)
            await pilot.press(key)
            await pilot.pause()
            stale = [xy for xy, cell in repainted(app).items() if terminal.cells.get(xy) != cell]
            assert not stale, f"{len(stale)} cells stale after {pressed[-8:]}, first at {min(stale)}"
        terminal.full_repaints = 0
        await pilot.press("escape")  # out of side by side, if there
        await pilot.pause()
        before = terminal.full_repaints
        for _ in range(app.walk.steps_per_iteration):
            await pilot.press("n")
            await pilot.pause()
        assert terminal.full_repaints == before, "a step repainted the whole screen"


@pytest.mark.parametrize(("example", "size"), [(None, (120, 40)), ("sgd-vs-adam", (200, 60))])
async def test_painting_only_what_is_in_front_draws_what_textual_would(example, size) -> None:
    """The compositor cuts a line only into the pieces still to paint (textual_fixes), where
    Textual cut every widget's line at every edge in it: the screen it draws is the same, character
    for character and style for style, at every step, with matrices focused and side by side."""
    app = StepperApp(example) if example else StepperApp()
    keys = ["n"] * 12 + ["tab", "right", "w", "i", "n", "n", "v", "n", "escape"]
    async with app.run_test(size=size) as pilot:
        for key in ["n", *keys]:
            await pilot.press(key)
            await pilot.pause()
            compositor = app.screen._compositor
            whole = compositor.size.region

            def everything(_: int) -> bool:
                return True

            ours = compositor._render_chops(whole, everything)
            theirs = textual_fixes._render_chops(compositor, whole, everything)
            assert [{x: list(s or []) for x, s in line.items()} for line in ours] == [
                {x: list(s or []) for x, s in line.items()} for line in theirs
            ], key
