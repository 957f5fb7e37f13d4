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


async def test_the_notices_key_hint_stands_apart_from_its_sentences() -> None:
    """At 80x24 the clone notice's "h: why" came at the end of its wrapped sentence, "never differ.
    Effectively 2-1-1-2.  h: why", and read as part of it (a tester's finding). It stands beside
    the text, whole, under the button's key; with no button (no clones), at the notice's right."""
    for network, size in [(None, (80, 24)), (None, (60, 20)), ("saturated", (80, 24))]:
        app = StepperApp(network)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            notice = app.query_one("#health")
            lines = screen_lines(app, notice.region)
            text = app.query_one("#health-text").region
            assert not any("h:" in line[: text.right] for line in lines), (network, size, lines)
            hint = [line.index("h: report") for line in lines if "h: report" in line]
            assert len(hint) == 1 and hint[0] >= text.right - notice.region.x, (network, size, lines)
            button = [line.find("s: break symmetry") for line in lines if "s: break" in line]
            assert button == ([hint[0]] if network is None else []), (network, size, lines)


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


def header_lines(app: StepperApp) -> list[str]:
    """The screen's lines above the layers: where the walk is, the formula, the layers, the health."""
    return screen_lines(app)[: app.screen.query_one("#layers").region.y]


def covered(app: StepperApp, toast: Toast) -> dict[str, int]:
    """Cells of what the learner reads that ``toast`` lies over: the header's, the Why pane's
    title and its cell's computation, the matrices in view."""
    from stepper.app.widgets.matrix import MatrixView

    header, why = app.screen.view.kept_clear()
    place = toast.region
    matrices = [
        region.intersection(clip)
        for widget, (region, clip) in app.screen._compositor.visible_widgets.items()
        if isinstance(widget, MatrixView)
    ]
    return {
        name: sum(place.intersection(region).area for region in regions)
        for name, regions in (("header", header), ("why", why), ("matrices", matrices))
    }


async def shown_toast(app: StepperApp, pilot) -> Toast:
    assert await settled(pilot, lambda: bool(app.screen.query(Toast)))
    await pilot.pause()
    await pilot.pause()  # placed after the layout that showed it
    return app.screen.query(Toast).last()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)], ids=["80x24", "120x40", "200x60"])
async def test_a_notice_covers_neither_the_header_nor_the_why_panes_computation(size) -> None:
    """A tester at 80x24 pressed s, n, i: for 5 s the "Re-initialised: …" toast lay over the bottom
    right, over the end of the Why pane's computation ("= w − η · dC/dw = -0▌"); moved over the
    header, it hid the end of its first line ("step k of 22 · C = …", a later tester). Now the
    header reads as it does without a notice, and so does the Why pane's computation."""
    app = StepperApp()
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.press("s", "n", "i")
        toast = await shown_toast(app, pilot)
        assert "Re-initialised" in " ".join(screen_lines(app, toast.region))
        assert covered(app, toast) == {"header": 0, "why": 0, "matrices": 0}
        with_notice = header_lines(app)
        assert with_notice[0].startswith(" Iteration 1 · step 22 of 22 · C = ")
        assert any("= w − η · dC/dw = " in line for line in screen_lines(app))  # the computation
        app.clear_notifications()
        assert await settled(pilot, lambda: not app.screen.query(Toast))
        await pilot.pause()
        assert with_notice == header_lines(app)


LONG_NOTICE = (
    "≠ mine.json first differs at iteration 1: dC/dW^2: shape 2×4, expected 4×2. It is the "
    "expected matrix transposed: rows and columns swapped. 8 of 114 numbers differ."
)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)], ids=["80x24", "120x40", "200x60"])
async def test_a_long_notice_keeps_clear_of_the_header_and_the_step_at_every_step(size) -> None:
    """The compare notice (four lines at 80 columns) at each step of an iteration: never over the
    header, the step's matrices or the Why pane's computation. At 80x24 the update's matrices leave
    the Why pane no spare line: the notice goes beside the matrices, narrower where it must."""
    app = StepperApp()
    async with app.run_test(size=size, notifications=True) as pilot:
        for step in range(23):
            if step:
                await pilot.press("n")
            app.clear_notifications()
            await pilot.pause()
            app.notify(LONG_NOTICE, timeout=60)
            toast = await shown_toast(app, pilot)
            assert covered(app, toast) == {"header": 0, "why": 0, "matrices": 0}, step
            # Whole, however narrow it had to be (its height is taken for its width).
            lines = screen_lines(app, toast.region)
            assert " ".join(line.strip(" ▌") for line in lines) == LONG_NOTICE, step


async def test_the_compare_notice_leaves_the_header_line_whole(tmp_path) -> None:
    """The tester's `stepper --compare FILE` at 120x40: "Iteration 1 · step 11 of 22 · C = 1.9082220
    · backward · W^" and the notice over the rest of the line for 12 s."""
    import json

    import numpy as np

    from tests.test_compare import learner_trace

    grad2 = np.array(learner_trace("identical-columns", None, iterations=1)["iterations"][0]["grad"][2])
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"iterations": [{"grad": [None, None, grad2.T.tolist()]}]}))
    app = StepperApp(compare=mine)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        toast = await shown_toast(app, pilot)
        assert "first differs at iteration 1" in " ".join(screen_lines(app, toast.region))
        first = screen_lines(app)[0]
        assert "Iteration 1 · step 11 of 22 · C = 1.9082220 · backward · W^2 (layer 2 → 3)" in first
        assert covered(app, toast)["header"] == 0
        # Its time on screen is its reading time, not 12 s: this one is 169 characters, 10 s.
        assert toast._timeout <= 10.0
        await pilot.press("escape")  # closes it at once
        assert await settled(pilot, lambda: not app.screen.query(Toast), 1.0)


def test_a_notices_time_grows_with_its_length_within_5_and_10_seconds() -> None:
    from stepper.app.notices import reading_time

    assert reading_time("Saved.") == 5.0  # 2 + 6/20 s, raised to the least
    assert reading_time("x" * 100) == 7.0  # 2 + 100/20
    assert reading_time("x" * 400) == 10.0  # 22 s, cut to the most


async def test_notices_one_at_a_time_clear_of_the_header_at_80x24() -> None:
    """Back from side by side, the longest notice of the tester's walk (three lines), then another
    at once: the newest shows, alone; stacked, the two reached over the step's matrices."""
    app = StepperApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("s", "i", "v", "n", "n", "escape")
        toast = await shown_toast(app, pilot)
        assert "Back to your walk at iteration 1, step 22 of 22" in " ".join(screen_lines(app, toast.region))
        assert covered(app, toast) == {"header": 0, "why": 0, "matrices": 0}
        app.notify("Another notice.")
        await pilot.pause()
        await pilot.pause()
        shown = [t for t in app.screen.query(Toast) if t.region.area]
        assert len(shown) == 1 and "Another notice." in " ".join(screen_lines(app, shown[0].region))
        assert covered(app, shown[0]) == {"header": 0, "why": 0, "matrices": 0}


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


def shown_message(app: StepperApp) -> str:
    """The one notice on screen (the newest), as the learner reads it; "" with none."""
    shown = [t for t in app.screen.query(Toast) if t.region.area]
    assert len(shown) <= 1, shown
    return " ".join(screen_lines(app, shown[0].region)) if shown else ""


async def test_the_notice_of_what_a_dialog_did_shows_over_one_that_waited(tmp_path, monkeypatch) -> None:
    """A tester's keys: s, then ctrl+s and Enter within the re-initialisation notice's time. The
    "Re-initialised" notice waited behind the dialog and came back after "Saved to …", hiding it
    until both ran out: the save was never confirmed. A quiz answer, said in the Why pane and by no
    notice, leaves "Saved to …" the one shown when its dialog closes."""
    monkeypatch.chdir(tmp_path)
    app = StepperApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("s")
        assert await settled(pilot, lambda: "Re-initialised" in shown_message(app))
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        assert await settled(pilot, lambda: "Saved to" in shown_message(app)), shown_message(app)
        await pilot.pause(0.3)  # and it stays the one shown
        assert "Saved to" in shown_message(app)
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("Input").value = "2.2"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert await settled(pilot, lambda: "Saved to" in shown_message(app)), shown_message(app)
        await pilot.pause(0.3)
        assert "Saved to" in shown_message(app) and "right" not in shown_message(app)


async def test_at_80x24_the_compare_notice_leaves_the_learners_own_number_in_view(tmp_path) -> None:
    """A tester's `stepper --compare` at 80x24 with dC/dW^2's bias row put last: the notice lay over
    the Why pane's "≠ yours (mine.json): …", the line that says what the learner wrote."""
    import json

    import numpy as np

    from tests.test_compare import learner_trace

    grad2 = np.array(learner_trace("identical-columns", None, iterations=1)["iterations"][0]["grad"][2])
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"iterations": [{"grad": [None, None, np.roll(grad2, -1, axis=0).tolist()]}]}))
    app = StepperApp(compare=mine)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        toast = await shown_toast(app, pilot)
        assert "first differs at iteration 1" in " ".join(screen_lines(app, toast.region))
        yours = next(i for i, line in enumerate(screen_lines(app)) if "≠ yours (mine.json)" in line)
        assert not (toast.region.y <= yours < toast.region.bottom), (yours, toast.region)
        assert covered(app, toast)["header"] == 0 and covered(app, toast)["why"] == 0
