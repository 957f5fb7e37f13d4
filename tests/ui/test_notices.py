"""File names in notifications read whole (issue 12's tester: "identical-columns-iteration1-step0.m"
/ "d." at 80x24): relative to the folder stepper runs in, never folded inside a name."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets._toast import Toast

from stepper.app import StepperApp
from stepper.app.notices import breakable, short_path
from tests.ui.helpers import screen_lines, settled


async def toast_lines(app: StepperApp, pilot) -> list[str]:
    for _ in range(20):  # the notice is held while the dialog closes, then shown
        if app.screen.query(Toast):
            break
        await pilot.pause(0.05)
    await pilot.pause()
    # The characters as the terminal shows them (the screenshot's runs of text break where the
    # widgets under the toast meet, and a "." alone between two runs was lost).
    return [line.strip(" ▌") for line in screen_lines(app, app.screen.query(Toast).last().region)]


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
async def test_an_export_notice_shows_the_file_name_whole(tmp_path, monkeypatch, size) -> None:
    monkeypatch.chdir(tmp_path)
    app = StepperApp()
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.press("n", "x", "enter")  # the default name: identical-columns-iteration1-step1.md
        await pilot.pause()
        name = "identical-columns-iteration1-step1.md"
        assert (tmp_path / name).exists()
        lines = await toast_lines(app, pilot)
        assert any(name in line for line in lines), lines


async def test_a_path_in_a_folder_reads_from_here_broken_at_slashes(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "course" / "week-3" / "backprop-exercises"
    folder.mkdir(parents=True)
    target = folder / "seed-network-session.toml"
    app = StepperApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("ctrl+s")
        path = app.screen.query_one("#save-path")
        path.value = str(target)  # typed as an absolute path
        await pilot.press("enter")
        await pilot.pause()
        assert target.exists()
        text = " ".join(await toast_lines(app, pilot))
        assert str(tmp_path) not in text  # relative to where stepper runs
        assert "seed-network-session.toml" in text


def test_breakable_keeps_a_fitting_path_whole_and_breaks_after_separators() -> None:
    assert breakable("a/b.md", 10) == "a/b.md"
    assert breakable("course/week-3/seed-session.toml", 20) == "course/week-3/\nseed-session.toml"
    assert breakable("identical-columns-iteration1-step0.md", 30) == "identical-columns-iteration1-\nstep0.md"
    assert all(len(line) <= 8 for line in breakable("abcdefghijklmnop", 8).splitlines())


def test_short_path_is_relative_to_here_or_home() -> None:
    here, home = Path("/work/class"), Path("/home/ann")
    assert short_path("/work/class/out/x.md", here, home) == "out/x.md"
    assert short_path("/home/ann/x.md", here, home) == "~/x.md"
    assert short_path("/etc/x.md", here, home) == "/etc/x.md"
    assert short_path("x.md", here, home) == "x.md"


async def test_leaving_side_by_side_says_the_walk_is_where_it_was_left() -> None:
    """A fresh tester: after stepping on side by side, Escape (or v) showed the main walk back at an
    earlier step without a word, as if the steps were lost. The notice says whose step this is."""
    app = StepperApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("n", "n", "n", "n", "v", "n", "i", "escape")
        text = " ".join(await toast_lines(app, pilot))
        assert "Back to your walk at iteration 1, step 4 of 22" in text, text
        assert "(at iteration 1, step 22) was only a comparison" in text, text
        app.clear_notifications()
        await pilot.press("v", "v")  # left as it came: no other place to name
        text = " ".join(await toast_lines(app, pilot))
        assert "step 4 of 22, where you left it: side by side was only a comparison" in text, text


async def test_a_notice_the_walk_made_untrue_is_taken_down() -> None:
    """ "Back to your walk at iteration 1, step 0" stayed up after the walk moved on and side by
    side opened again, over its right half's title (a tester's finding): a step that makes a
    notice about the walk untrue takes it down."""
    app = StepperApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("v", "n", "escape")
        assert "Back to your walk at iteration 1, step 0" in " ".join(await toast_lines(app, pilot))
        await pilot.press("n")
        await pilot.pause()
        assert not [n for n in app._notifications if "Back to your walk" in n.message]


def test_a_finding_is_cut_to_its_first_sentence_at_80_columns() -> None:
    """The constant-output finding was cut at its dash, after its colon: three lines, and the
    notice's fourth line was cut mid-sentence, its "h: why" gone (a tester's finding)."""
    from stepper.app.widgets.health import short
    from stepper.engine.diagnose import Finding, FindingKind

    text = (
        "The output does not depend on the input: every observation gets (0.5993, 0.2001), "
        "the mean of the targets — the hidden layers pass on nothing."
    )
    assert short(Finding(FindingKind.CONSTANT_OUTPUT, text)) == "The output does not depend on the input"
    assert short(Finding(FindingKind.CONSTANT_OUTPUT, "Short: then the rest.")) == "Short: then the rest."


def test_a_network_without_hidden_layers_is_not_told_its_hidden_neurons_can_learn() -> None:
    """sgd-vs-adam (2-1) and minibatch-noise (1-1) have no hidden neuron: "every hidden neuron can
    learn something of its own" spoke of none (a tester's finding)."""
    from stepper.app.walk_state import clone_sentences_line
    from stepper.engine.walk import Walk
    from stepper.netfile import load_network

    for name in ("sgd-vs-adam", "minibatch-noise"):
        line = clone_sentences_line(Walk(load_network(name)).diagnosis)
        assert line.startswith("✓ No hidden layer, so no clones"), name
    line = clone_sentences_line(Walk(load_network("xor")).diagnosis)
    assert line == "✓ No clones: every hidden neuron can learn something of its own."


def below_header(app: StepperApp) -> list[str]:
    """The screen's lines under the header: the step's matrices (or the layer panes) and the Why pane."""
    return screen_lines(app)[app.screen.query_one("#layers").region.y :]


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)], ids=["80x24", "120x40", "200x60"])
async def test_a_notice_hides_neither_the_why_pane_nor_the_steps_matrices(size) -> None:
    """A tester at 80x24 pressed s, n, i: for 5 s the "Re-initialised: …" toast lay over the bottom
    right, over the end of the Why pane's computation ("= w − η · dC/dw = -0▌"). Notices go over the
    header: everything under it reads as it does without one."""
    app = StepperApp()
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.press("s", "n", "i")
        assert await settled(pilot, lambda: bool(app.screen.query(Toast)))
        await pilot.pause()
        toast = app.screen.query(Toast).last()
        assert "Re-initialised" in " ".join(screen_lines(app, toast.region))
        assert toast.region.bottom <= app.screen.query_one("#layers").region.y  # within the header
        assert screen_lines(app)[0].startswith(" Iteration 1 · step 22")  # where the walk is, in view
        with_notice = below_header(app)
        app.clear_notifications()
        assert await settled(pilot, lambda: not app.screen.query(Toast))
        await pilot.pause()
        assert with_notice == below_header(app)
        assert any("= w − η · dC/dw = " in line for line in with_notice)  # the computation, whole


async def test_notices_one_at_a_time_stay_in_the_header_at_80x24() -> None:
    """Back from side by side, the longest notice of the tester's walk (three lines), then another
    at once: the newest shows, alone; stacked, the two reached down over the step's matrices."""
    app = StepperApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("s", "i", "v", "n", "n", "escape")
        assert await settled(pilot, lambda: bool(app.screen.query(Toast)))
        await pilot.pause()
        header = app.screen.query_one("#layers").region.y
        toast = app.screen.query(Toast).last()
        assert "Back to your walk at iteration 1, step 22 of 22" in " ".join(screen_lines(app, toast.region))
        assert toast.region.bottom <= header
        app.notify("Another notice.")
        await pilot.pause()
        await pilot.pause()
        shown = [t for t in app.screen.query(Toast) if t.region.area]
        assert len(shown) == 1 and "Another notice." in " ".join(screen_lines(app, shown[0].region))
        assert shown[0].region.bottom <= header


async def test_a_held_notice_that_the_re_initialisation_made_untrue_is_dropped() -> None:
    """A tester's keys at 80x24: the "Back to your walk at iteration 1, step 22 of 22" notice waited
    behind help, the palette and the re-init dialog, and showed after the re-initialisation, over a
    walk at step 0 (with the notice of the re-initialisation before, seed 1's, as if it were now)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        said = lambda: " ".join(n.message for n in app._notifications)  # noqa: E731
        await pilot.press("s", "i", "v", *"n" * 11, "escape")
        assert await settled(pilot, lambda: "Back to your walk at iteration 1, step 22" in said())
        await pilot.press("question_mark", "escape")  # still true: it waits, then shows again
        assert await settled(pilot, lambda: "Back to your walk at iteration 1, step 22" in said())
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("escape", "R")
        await pilot.pause()
        await pilot.press("enter")
        assert await settled(pilot, lambda: "seed 2" in said())
        await pilot.pause(0.2)
        assert app.walk.position.done == 0
        assert "Back to your walk" not in said()
        assert "seed 1" not in said()
        assert not app._held_notices
