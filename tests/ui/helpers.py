"""What the UI tests read off the app: its exact state, the view of one matrix, and a wait for
what a chain of refreshes brings about."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

import numpy as np
from textual.pilot import Pilot

from stepper.app import StepperApp
from stepper.app.widgets.matrix import MatrixView
from stepper.engine.steps import Ref


def state(app: StepperApp) -> tuple:
    """Position, every value revealed so far (as bytes: exact) and the current weights."""
    walk = app.walk
    values = tuple(
        None if walk.value(s.output) is None else np.asarray(walk.value(s.output)).tobytes()
        for s in walk.steps
    )
    return walk.position, values, tuple(w.tobytes() for w in walk.current_weights())


def view(app: StepperApp, quantity: str, layer: int) -> MatrixView:
    """The matrix of ``quantity`` and ``layer`` as the screen shows it: narrow, the step view's when
    the current step has it; else its layer pane's."""
    ref = Ref(quantity, layer)
    walk_view = getattr(app.screen, "view", None)
    on_screen = walk_view.matrices if walk_view is not None else []
    return next((v for v in on_screen if v.ref == ref), None) or next(
        v for v in app.query(MatrixView) if v.ref == ref and not v.open_bottom
    )


async def settled(pilot: Pilot[None], done: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Whether ``done()`` comes true within ``seconds``: a screen that lays itself out again over a
    few refreshes gets there later on a loaded machine (the suite runs a worker per core), but a
    screen that never gets there still fails."""
    end = time.monotonic() + seconds
    while not done() and time.monotonic() < end:
        await pilot.pause(0.05)
    return done()


async def at_steps(pilot: Pilot[None], steps: tuple[int, ...], done: int) -> AsyncIterator[int]:
    """Each of ``steps`` in turn (the walk at step ``done`` now), the screen settled there: n as
    many times as it takes, and two refreshes for what a step lays out after its first."""
    for step in steps:
        await pilot.press(*"n" * (step - done))
        done = step
        await pilot.pause()
        await pilot.pause()
        yield step


async def break_symmetry_twice(pilot: Pilot[None]) -> None:
    """s, then s again: random weights with some of their numbers small (0.01454942) and some
    negative, each s laid out before the next."""
    for _ in range(2):
        await pilot.press("s")
        await pilot.pause(0.3)


def symbol(widget: object) -> str | None:
    """The matrix's symbol as its title starts ("a^1", "δ^3"), None for any other widget."""
    return widget.caption.split()[0] if isinstance(widget, MatrixView) else None


async def focus_by(pilot: Pilot[None], key: str, target: object, most: int) -> None:
    """Press ``key`` (tab, shift+tab) until the keyboard is on ``target``, a widget or a matrix's
    symbol, ``most`` times at the most (the caller asserts it got there)."""
    for _ in range(most):
        focused = pilot.app.focused
        if focused is target or symbol(focused) == target:
            return
        await pilot.press(key)
        await pilot.pause()


def screen_lines(app: StepperApp, region=None) -> list[str]:  # type: ignore[no-untyped-def]
    """The characters on screen, line by line, as the terminal shows them (no colour); only those
    inside ``region`` (a Textual Region) when given."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True), end="")
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    if region is None:
        return lines
    return [line[region.x : region.right].ljust(region.width) for line in lines[region.y : region.bottom]]
