"""Random key sequences over every binding, dialogs included, with resizes down to 20x10.

Each example runs a seeded sequence; any exception fails the test with the seed and the last keys,
so a failure can be replayed (STEPPER_FUZZ_SEED=N picks another seed, STEPPER_FUZZ_KEYS=N more keys).
Sequences that once failed are kept below as regression tests.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from stepper.app import StepperApp
from stepper.app.screens.side_by_side import SideBySideScreen
from stepper.app.screens.walk import WalkScreen

# Every key of every screen (q, which ends the run, excepted) and what dialogs take: digits, text,
# Tab, Enter, Escape, arrows, the palette.
APP_KEYS = [
    b.key.split(",")[0]
    for cls in (WalkScreen, SideBySideScreen, StepperApp)
    for b in cls.BINDINGS  # type: ignore[attr-defined]
    if b.action != "quit"  # type: ignore[union-attr]
]
DIALOG_KEYS = ["tab", "shift+tab", "enter", "escape", "backspace", "up", "down", "ctrl+p", "ctrl+y", "1", "0"]
SIZES = [(80, 24), (120, 40), (60, 20), (20, 10), (200, 60), (40, 12)]
# sgd-vs-adam: an optimizer's state matrices and update steps, and side by side with two step counts.
EXAMPLES = ["identical-columns", "xor", "dead-relu", "partial-clones", "sgd-vs-adam"]
# About 2,500 keys per run in all: some 90 s of one core on the development machine.
KEYS_PER_EXAMPLE = int(os.environ.get("STEPPER_FUZZ_KEYS", "500"))
# Most keys come fast, as typed ahead or pasted; every SLOW_EVERY-th waits, as Pilot.press does,
# until the app looks idle, so that the run's ticks and the toasts' timers go off between keys.
SLOW_EVERY = 10


def sequence(seed: int, count: int) -> list[str | tuple[int, int]]:
    """Keys, with a resize (a (width, height) pair) now and then. Space (run) is pressed again two
    keys later: a run left going makes every later key wait for its ticks, and the fuzz slow."""
    rng = random.Random(seed)
    keys = sorted(set(APP_KEYS)) + DIALOG_KEYS
    moves: list[str | tuple[int, int]] = []
    while len(moves) < count:
        key = rng.choice(keys)
        if rng.random() < 0.03:
            moves.append(rng.choice(SIZES))
        elif key == "space":
            moves += ["space", rng.choice(keys), "space"]
        else:
            moves.append(key)
    return moves


async def press_quickly(app: StepperApp, pilot: Pilot[None], key: str) -> None:
    """A key as a terminal sends it, and every widget of the screen done with it before the next.
    (Pilot.press also waits twice for the process to look idle for 20 ms: most of a fuzz run's
    time, asleep.)"""
    app.post_message(events.Key(key, key if len(key) == 1 else None))
    await pilot.pause(0)


async def replay(
    network: str, moves: list[str | tuple[int, int]], seed: int | None = None, quick: bool = False
) -> None:
    app = StepperApp(network)
    done: list[str | tuple[int, int]] = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            for move in moves:
                done.append(move)
                if isinstance(move, tuple):
                    await pilot.resize_terminal(*move)
                elif quick and len(done) % SLOW_EVERY:
                    await press_quickly(app, pilot, move)
                else:
                    await pilot.press(move)
                if app.return_code is not None:  # the app ended: nothing more to press
                    break
            await pilot.pause()
    except Exception as exc:
        raise AssertionError(f"{network}, seed {seed}: {exc!r} after the keys {done[-25:]}") from exc
    assert app.return_code in (None, 0), f"{network}, seed {seed}: exit {app.return_code} after {done[-25:]}"


@pytest.mark.parametrize("network", EXAMPLES)
async def test_random_keys_never_crash(network: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # sessions and exports are written here
    seed = int(os.environ.get("STEPPER_FUZZ_SEED", "0")) + EXAMPLES.index(network)
    await replay(network, sequence(seed, KEYS_PER_EXAMPLE), seed, quick=True)


# Sequences that failed once, kept as they were found.
REGRESSIONS = [
    # v, i, Escape, n: the main walk explained a cell of the closed side-by-side screen.
    ("identical-columns", ["v", "i", "escape", "n"]),
]


# Keys that came fast, each sent before the last had been drawn (typed ahead, pasted, or in one
# packet over SSH), as the fuzz sends them: in the palette, Enter chose a command and Escape, handled
# before the choice came back from the list, closed the palette; the choice closed it again, popping
# the screen below (the walk's, the last one: the app crashed).
FAST_REGRESSIONS = [
    ("xor", ["ctrl+p", "g", "enter", "escape"]),
    ("xor", ["ctrl+p", "o", "p", "e", "n", "enter", "escape", "escape"]),
]


@pytest.mark.parametrize(("network", "moves"), REGRESSIONS)
async def test_sequences_that_once_crashed(network: str, moves, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    await replay(network, moves)


@pytest.mark.parametrize(("network", "moves"), FAST_REGRESSIONS)
async def test_keys_that_come_fast_close_the_palette_once(
    network: str, moves: list[str | tuple[int, int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    await replay(network, moves, quick=True)


@pytest.mark.parametrize(
    "keys",
    [["ctrl+p", "pagedown"], ["ctrl+p", "pageup"], ["O", "up", "tab", "pageup"]],
    ids=["palette-pagedown", "palette-pageup", "optimizer-list-pageup"],
)
async def test_a_page_key_in_a_list_not_drawn_yet_does_nothing(keys: list[str]) -> None:
    """Keys in one burst, as tmux sends them or a fast typist types them: ctrl+p then PageDown, or
    in the optimizer dialog Up (its list opens), Tab, PageUp, ended the app with a KeyError in
    Textual's list, paging through options not yet laid out (testers, five times out of five)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in keys:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause()
        await pilot.press("escape", "escape", "escape")
        assert app.return_code is None and app.screen is app.walk_screen
