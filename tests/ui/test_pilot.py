"""Behaviour of the stepper app, driven by keys as a person would."""

from __future__ import annotations

import gc
import re
import threading
import time
import weakref
from collections.abc import Callable

import pytest
from textual import events
from textual.color import Color
from textual.timer import Timer
from textual.widgets import Label, ProgressBar

from stepper.app import StepperApp, heap
from stepper.app.commands import screen_commands
from stepper.app.screens.health import HealthScreen
from stepper.app.screens.help import HelpScreen
from stepper.app.screens.prompts import GotoIteration, Reinitialise
from stepper.app.screens.side_by_side import SideBySideScreen
from stepper.app.widgets.cost_curve import CostChart
from stepper.app.widgets.matrix import MatrixView
from stepper.engine.history import WeightHistory
from stepper.engine.walk import Position
from tests.ui.helpers import focus_by, screen_lines, settled, state, symbol, view


def status(app: StepperApp) -> str:
    return str(app.query_one("#status").render())


async def test_n_steps_through_the_seed_numbers() -> None:
    app = StepperApp()
    # Every layer's pane (80x24, the step view: tests/ui/test_step_view.py).
    async with app.run_test(size=(120, 40)) as pilot:
        assert "step 0 of 22" in status(app)
        await pilot.press("n")
        assert "step 1 of 22" in status(app) and "n^1 = [1 | a^0] · W^0" in status(app)
        n1 = view(app, "n", 1)
        assert n1.has_class("-current") and "2.2000000" in n1.text() and "1.6000000" in n1.text()
        assert view(app, "a", 1).has_class("-pending")
        await pilot.press("n")
        assert "0.9002495" in view(app, "a", 1).text()
        for _ in range(9):
            await pilot.press("n")
        assert "step 11 of 22" in status(app)
        grad = view(app, "grad", 2).text()
        assert "0.02881269" in grad and "0.05805621" in grad
        assert "C = 1.9082220" in status(app)


async def test_forward_k_then_back_k_restores_the_exact_state() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"nnnnn")
        before = state(app)
        await pilot.press(*("n" * 30))
        assert app.walk.position == Position(2, 12)
        await pilot.press(*("p" * 30))
        assert state(app) == before


async def test_phase_keys_and_whole_iteration() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f")
        assert app.walk.position == Position(1, 6)
        await pilot.press("b")
        assert app.walk.position == Position(1, 19)
        await pilot.press("u")
        assert app.walk.position == Position(1, 22)
        assert view(app, "weights_after", 0).has_class("-current") is False  # last update is W^2
        assert view(app, "weights_after", 2).has_class("-current")
        await pilot.press("i")
        assert app.walk.position == Position(2, 22)
        await pilot.press("r")
        assert app.walk.position == Position(1, 0)


async def test_go_to_iteration_lands_on_the_same_state_as_stepping() -> None:
    stepped = StepperApp()
    async with stepped.run_test(size=(80, 24)) as pilot:
        await pilot.press(*("n" * (23 * 4)))
        expected = state(stepped)
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g")
        assert isinstance(app.screen, GotoIteration)
        await pilot.press("5", "enter")
        await pilot.pause()
        assert state(app) == expected


async def test_an_idle_stepper_does_not_wake_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing moves on the screen at rest, so nothing should run: the hidden progress bar animated
    itself 15 times a second (5 ms of CPU a second, on a laptop's battery or a shared SSH host)."""
    ticks: list[str] = []
    tick = Timer._tick

    async def counted(self: Timer, *, next_timer: float, count: int) -> None:
        ticks.append(self.name)
        await tick(self, next_timer=next_timer, count=count)

    monkeypatch.setattr(Timer, "_tick", counted)
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        ticks.clear()
        await pilot.pause(0.6)
        assert len(ticks) <= 1, ticks  # the progress bar's clock, once a second


async def test_the_apps_own_process_sets_its_screen_aside_from_full_collections_and_leaks_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A full garbage collection walked all 120,000 of the screen's objects every fifteen steps or
    so, a hitch of twice a step while n was held: the stepper's process freezes them once the
    screen is up. Widgets thrown away (the panes of a walk that s replaced) are collected all the
    same; frozen, they were kept for good."""
    monkeypatch.setattr(heap, "_enabled", True)  # as `stepper` does in its own process
    try:
        app = StepperApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert gc.get_freeze_count() > 10_000
            old_pane = weakref.ref(app.walk_screen.view.panes[0])  # (query_one would keep it, in its cache)
            await pilot.press("s")
            await pilot.pause()
            await pilot.pause()
            assert app.net.init.scheme != "constant" and old_pane() is None
            assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


async def test_a_long_run_shows_progress_and_can_be_cancelled() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g", *"500000", "enter")
        await pilot.pause(0.3)
        assert app.busy and app.query_one("#progress").display
        # In words, beside the bar and whole at 80 columns: where the run is, where it goes, how to stop.
        said = str(app.query_one("#progress-what", Label).render())
        reached = re.fullmatch(r" left · iteration ([\d,]+) of 500,000 · Escape cancels", said)
        assert reached, said
        # The percentage is the count's: iteration 118,501 of 400,000 read "5%" from a later start.
        bar = app.query_one("#progress", ProgressBar)
        assert bar.percentage == pytest.approx(int(reached[1].replace(",", "")) / 500_000, abs=0.01)
        assert app.query_one("#progress-what").region.right <= 80
        await pilot.pause(0.3)
        assert len(app.query_one("#loss", CostChart).values) > 100  # the loss curve grows during the run
        await pilot.press("n")  # refused while busy, with a notice: the UI still answers
        await pilot.press("s", "R")  # nothing may replace the walk while the worker fills its history
        assert app.net.init.scheme == "constant" and not isinstance(app.screen, Reinitialise)
        await pilot.click("#break-symmetry")  # nor the notice's button, which is no key
        await app.run_checked("reinitialise")  # nor the command palette
        assert app.net.init.scheme == "constant" and not isinstance(app.screen, Reinitialise)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.busy
        reached = app.walk.iteration
        assert 1 < reached < 500000
        assert app.walk.done == 0


async def test_side_by_side_far_into_training_is_computed_with_progress_and_can_be_cancelled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """v at iteration 500000 froze the screen for 45 s, without progress or Escape, and took the
    keys typed meanwhile as typed after it (a tester's finding): both walks are computed from
    iteration 1 again. Far ahead that is a long run, as g's is."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g", *"5000", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.walk.position == Position(5000, 0)
        # Each 100 iterations a worker computes take 5 ms more: the run lasts long enough to watch.
        weights_at = WeightHistory.weights_at

        def slowly(history: WeightHistory, iteration: int) -> object:
            if threading.current_thread() is not threading.main_thread():
                time.sleep(0.005)
            return weights_at(history, iteration)

        monkeypatch.setattr(WeightHistory, "weights_at", slowly)

        async def until(done: Callable[[], bool]) -> None:
            for _ in range(200):  # Pilot.press would wait for the busy process to look idle
                if done():
                    return
                await pilot.pause(0.01)

        app.post_message(events.Key("v", "v"))
        await until(lambda: app.query_one("#progress").display)
        assert app.busy and app.query_one("#progress").display and app.screen is app.walk_screen
        app.post_message(events.Key("escape", None))  # cancels the run; the walk stays
        cancelled = "Side by side cancelled: your walk is where it was."
        await until(lambda: cancelled in [n.message for n in app._notifications])
        assert not app.busy and app.screen is app.walk_screen and app.walk.position == Position(5000, 0)
        monkeypatch.undo()
        await pilot.press("v")
        await until(lambda: isinstance(app.screen, SideBySideScreen))
        screen = app.screen
        assert isinstance(screen, SideBySideScreen) and not app.query_one("#progress").display
        assert [c.walk.position for c in screen.columns] == [Position(5000, 0)] * 2
        assert screen.columns[1].walk.net.init.scheme == "normal"


async def test_help_screen_opens_and_closes() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_reinitialise_breaks_the_symmetry() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n")
        assert view(app, "a", 1).text().count(" C1") == 3  # the clone columns share a marker
        await pilot.press("R")
        assert isinstance(app.screen, Reinitialise)
        # It opens on the network's constant init, on the scheme: its list (down), normal two
        # below constant, then Tab to the scale and Enter.
        await pilot.press("down", "down", "down", "enter", "tab", "enter")
        await pilot.pause()
        assert app.net.init.scheme == "normal" and app.walk.position == Position(1, 0)
        await pilot.press("n", "n")
        await pilot.pause()
        assert " C1" not in view(app, "a", 1).text()


def notice(app: StepperApp) -> str:
    return str(app.query_one("#health-text").render())


async def test_the_clone_notice_explains_and_breaks_the_symmetry_with_s() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = " ".join(notice(app).split())
        assert "Layers 1 and 2: neurons 0, 1 and 2 are clones" in text
        assert "gradient descent can never make them differ" in text
        assert "effectively 2-1-1-2" in text
        assert "3 neurons, 1 distinct" in app.query_one("#layer-1").border_title
        # Every pane marks the clones: incoming columns and outgoing rows of W, and n, a, δ columns.
        w1 = view(app, "weights", 1).text()
        assert w1.count("j=") == w1.count(" C1") - 3 == 3  # 3 columns and 3 rows i=0..2 marked C1
        await pilot.press("s")
        await pilot.pause()
        assert app.net.init.scheme == "normal" and not app.query_one("#health").display
        assert app.query_one("#layer-1").border_title.endswith("3 neurons")
        await pilot.press("b")  # the whole backward pass: no column is marked anywhere
        assert all(" C1" not in v.text() for v in app.query(MatrixView))


async def test_the_notice_button_breaks_the_symmetry_at_80x24() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Clones in layers 1 and 2" in notice(app)
        assert "h: report" in " ".join(screen_lines(app, app.query_one("#health").region))
        await pilot.click("#break-symmetry")
        await pilot.pause()
        assert app.net.init.scheme == "normal" and app.diagnosis.clones == []


async def test_the_health_report_in_the_app_says_which_keys_break_the_clones() -> None:
    """It said "Try: stepper diagnose --init normal --seed 1": a command line, in the app."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        report = " ".join(str(app.screen.query_one("Static").render()).split())
        assert "Try: s (random weights), or v to watch both inits side by side" in report
        assert "stepper diagnose" not in report


async def test_h_opens_the_full_health_report() -> None:
    app = StepperApp("dead-relu")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "ReLU units 1 and 3 are dead" in notice(app)
        assert not app.query_one("#break-symmetry").display  # no clones, nothing to break
        await pilot.press("h")
        assert isinstance(app.screen, HealthScreen)
        report = str(app.screen.query_one("Static").render())
        assert "dead ReLU       layer 1: neurons 1 and 3" in report
        await pilot.press("escape")
        assert not isinstance(app.screen, HealthScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_the_health_report_is_wrapped_once_to_its_dialog(size: tuple[int, int]) -> None:
    """At 80x24 the report was wrapped to a guess wider than the dialog, and Textual folded its lines
    again, back to column 0; it also said "after 1 iterations"."""
    app = StepperApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press("i", "i", "h")
        await pilot.pause()
        body = app.screen.query_one("#health-report")
        report = str(body.render())
        lines = report.splitlines()
        assert "after 1 iteration:" in report
        assert max(len(line) for line in lines) <= body.content_size.width
        assert body.size.height == len(lines)  # no line folded by the widget
        assert body.content_size.width <= 100  # a measure that reads, not the whole 200 columns


async def test_a_partly_symmetric_network_marks_only_its_clones() -> None:
    app = StepperApp("partial-clones")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("n")
        n1 = view(app, "n", 1).text().splitlines()[0].split()
        assert n1 == ["j=0", "C1", "j=1", "j=2", "C1", "j=3"]
        w1 = view(app, "weights", 1).text()
        assert "i=0 C1" in w1 and "i=2 C1" in w1 and "i=1 C1" not in w1  # outgoing rows of layer 1
        assert "j=1 C1" in w1 and "j=2 C1" in w1  # incoming columns of layer 2's clones


async def test_the_why_pane_says_what_the_equal_now_mark_means_where_the_step_shows_one() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")  # the seed's update of W^2: its columns j=0, j=1 are all 1, not clones
        await pilot.pause()
        assert "j=0 =a" in view(app, "weights", 2).text()
        text = str(app.query_one("#explain-text").render())
        assert "=a marks columns equal in this iteration's values only: j=0 and j=1 of W^2." in text
        assert "They are not clones (those carry C1, C2, …)" in text
        await pilot.press("s", "i", "i")  # random weights: no two columns equal, and no mark to explain
        await pilot.pause()
        assert "=a" not in view(app, "weights", 2).text()
        assert "=a marks" not in str(app.query_one("#explain-text").render())


async def test_run_and_pause_trains_and_draws_the_loss_curve() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await pilot.pause(0.4)
        await pilot.press("space")
        reached = app.walk.iteration
        assert reached > 2
        await pilot.pause(0.2)
        assert app.walk.iteration == reached
        assert len(app.query_one("#loss", CostChart).values) >= reached - 1


async def test_selecting_a_cell_explains_it_term_by_term() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n")
        n2 = view(app, "n", 2)
        n2.focus()
        await pilot.press("down", "right")
        await pilot.pause()
        text = str(app.query_one("#explain-text").render())
        assert "n^2[o=1, j=1]" in text and "0.8320184·1.0000000" in text and "3.4960552" in text


async def test_the_update_shows_the_change_and_scrolls_it_into_view() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:  # the layer pane's ΔW (80x24 leaves it to the Why pane)
        await pilot.press("b")
        change = view(app, "change", 2)
        assert change.has_class("-pending") and "·" in change.text()
        await pilot.press("u")
        await pilot.pause()
        # ΔW^2 = −0.5 · dC/dW^2: the seed's gradient 0.02881269 moves the bias by −0.01440634.
        # An operand of the update (W updated = W + ΔW), shown with it.
        assert change.has_class("-input") and "-0.01440634" in change.text()
        assert "0.9855937" in view(app, "weights_after", 2).text()
        pane = app.query_one("#layer-3")
        assert pane.display and pane.shows_whole(change)


async def test_side_by_side_steps_both_inits_in_lockstep() -> None:
    app = StepperApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, SideBySideScreen)
        left, right = (c.walk for c in screen.columns)
        assert left.net.init.scheme == "constant" and right.net.init.scheme == "normal"
        await pilot.press("n", "n", "i", "i", "n", "n")
        assert left.position == right.position == Position(3, 1)
        # The constant init's columns stay equal (marked C1); the random init's have come apart.
        n1_left = screen.query_one("#side-left #s-n-1", MatrixView).text()  # each half's step view
        n1_right = screen.query_one("#side-right #s-n-1", MatrixView).text()
        assert n1_left.count("C1") == 3 and "C1" not in n1_right
        assert left.values.n[1][0, 0] == left.values.n[1][0, 2]
        assert right.values.n[1][0, 0] != right.values.n[1][0, 2]
        assert len(screen.query_one("#side-left #loss", CostChart).values) == 2
        assert len(screen.query_one("#side-right #loss", CostChart).values) == 2
        await pilot.press("p")
        assert left.position == right.position == Position(3, 0)
        await pilot.press("g")  # the main walk's keys are off while the side-by-side view is up
        assert isinstance(app.screen, SideBySideScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, SideBySideScreen) and app.walk.position == Position(1, 0)


async def test_narrow_shows_the_step_and_brackets_show_whole_layers() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        panes = list(app.query(".layer-pane"))
        step_pane = app.screen.view.step_pane
        assert step_pane.display and not any(p.display for p in panes)
        await pilot.press("right_square_bracket")  # the step's own layer first, whole
        assert [p.display for p in panes] == [True, False, False] and not step_pane.display
        await pilot.press("right_square_bracket")
        assert [p.display for p in panes] == [False, True, False] and not step_pane.display
        await pilot.press("left_square_bracket")
        assert [p.display for p in panes] == [True, False, False]
        await pilot.press("f")  # the walk moved: the step view again
        assert step_pane.display and not any(p.display for p in panes)
        # Escape goes back to the step too, the walk where it was (a tester found only n and p).
        await pilot.press("left_square_bracket")
        assert not step_pane.display
        await pilot.press("escape")
        await pilot.pause()
        assert step_pane.display and not any(p.display for p in panes)
        assert "step 6 of 22" in status(app)
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert all(p.display for p in panes) and not step_pane.display  # every layer, each whole
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert step_pane.display and not any(p.display for p in panes)
        await pilot.press("n")
        assert "step 7 of 22" in status(app)


async def test_q_quits() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
    assert app.return_code == 0


async def test_stepping_after_closing_side_by_side_keeps_the_walk() -> None:
    """Regression (issue 12): v, i, Escape, n raised AttributeError in the Why pane and lost the walk."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v", "i", "escape", "n")
        await pilot.pause()
        assert app.walk.position == Position(1, 1) and "step 1 of 22" in status(app)
    assert app.return_code in (None, 0)


async def test_the_palette_finds_a_key_by_what_it_does() -> None:
    """A tester typed "forward", "quiz" and "help" into the palette and found nothing: the keys
    were named by the footer's words (Fwd, Check yourself) and the help key was not there.
    ("quiz" finds Check yourself by its help sentence, as "forward" finds Fwd.)"""
    app = StepperApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p", *"forward", "enter")
        await pilot.pause()
        assert app.walk.position == Position(1, 6)  # the end of the forward pass
        await pilot.press("ctrl+p", *"help", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_the_palette_runs_the_keys_of_the_screen_in_front() -> None:
    app = StepperApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p", *"Iter", "enter")
        await pilot.pause()
        assert app.walk.position == Position(1, 22)
        await pilot.press("v", "ctrl+p", *"Next", "enter")  # side by side: both walks move
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SideBySideScreen)
        # Side by side starts where the main walk is (the end of iteration 1): Next starts iteration 2.
        assert [c.walk.position for c in screen.columns] == [Position(2, 0)] * 2
        assert app.walk.position == Position(1, 22)  # the main walk stays where it was


async def test_side_by_side_walks_with_different_step_counts_start_each_iteration_together() -> None:
    """adam (25 steps) beside sgd (15): n moved both, and sgd was in iteration 2 while adam was at
    step 18 of iteration 1 (a tester's finding). sgd now waits at the end of its iteration."""
    app = StepperApp("adam-bias-correction")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("v", "b", *"n" * 5)
        screen = app.screen
        assert isinstance(screen, SideBySideScreen)
        where = lambda: [c.walk.position for c in screen.columns]  # noqa: E731
        assert where() == [Position(1, 18), Position(1, 15)]
        # p gives back the pairs n made: sgd stays at its end until adam is back at step 15.
        await pilot.press("p", "p", "p")
        assert where() == [Position(1, 15), Position(1, 15)]
        await pilot.press("p")
        assert where() == [Position(1, 14), Position(1, 14)]
        await pilot.press(*"n" * 12)
        assert where() == [Position(2, 0), Position(2, 0)]
        await pilot.press("p", "p")
        assert where() == [Position(1, 24), Position(1, 15)]


async def test_the_main_views_keys_pressed_side_by_side_say_where_they_work_and_d_works_there() -> None:
    """s, e or o side by side did nothing and said nothing (a tester's finding): they act on one
    walk, and two are shown. d, the precision, is a way of reading both, and works on both."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v", "s", "e")
        screen = app.screen
        assert isinstance(screen, SideBySideScreen)
        said = [n.message for n in app._notifications]
        assert said == [
            "Break symmetry (s) works on the main view's walk: Escape closes side by side.",
            "Edit weight (e) works on the main view's walk: Escape closes side by side.",
        ]
        assert app.screen is screen  # no dialog opened, nothing changed
        await pilot.press("d")
        assert [c.digits for c in screen.columns] == [3, 3]
        await pilot.press("question_mark")
        assert not {"s", "e", "o"} & {k for k, _ in app.screen.keys}  # not listed as keys of this screen
        await pilot.press("escape", "escape")
        assert app.screen is app.walk_screen and app.walk_screen.view.digits == 3  # kept on return


async def test_side_by_side_explains_the_same_cell_on_both_sides_where_there_is_room() -> None:
    """At 120x40 each half had 16 empty lines and no Why pane: a cell selected there was explained
    nowhere (a tester's finding). Now each half explains the cell chosen on either side, in its own
    numbers: the clones' sum beside the random init's. At 80x24 there is no room for it."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v", "n", "n", "n", "right")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SideBySideScreen)
        # (Each text with its lines joined: a half wraps the sum.)
        left, right = (" ".join(str(c.query_one("#explain-text").render()).split()) for c in screen.columns)
        assert left.startswith("n^2[o=0, j=1]: observation 0, neuron 1 of layer 2") and "= 3.7007485" in left
        assert (
            right.startswith("n^2[o=0, j=1]: observation 0, neuron 1 of layer 2") and "= -0.1635735" in right
        )
        # The explained cell is highlighted on both sides, with the keyboard on the left only: the
        # right half's matrix showed no cell at all (a tester's finding).
        for column, number in zip(screen.columns, ("3.7007485", "-0.1635735")):
            n2 = next(v for v in column.matrices if v.ref.symbol == "n^2")
            line = n2.render_line(n2.line_of_row(0))
            assert [s.text.strip() for s in line if s.style and s.style.reverse] == [number], column.id
        assert screen.columns[0].matrices[0].screen.focused in screen.columns[0].matrices
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v", "n")
        await pilot.pause()
        assert not any(c.query_one("#explain").display for c in app.screen.columns)


@pytest.mark.parametrize("size", [(200, 60), (200, 45)])
async def test_wide_halves_explain_the_cell_too_and_w_makes_both_panes_taller(size) -> None:
    """At 200x60, where the halves lay their layers across, neither had a Why pane: the most room
    of all and the selected cell explained nowhere (a tester's finding). Each half explains it in
    its own numbers, under its layers; w makes both panes taller, and back."""
    app = StepperApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press("i", "n", "v", "n", "n", "n", "right")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SideBySideScreen) and all(c.wide for c in screen.columns)
        texts = []
        for column in screen.columns:
            explain = column.query_one("#explain")
            layers = column.query_one("#layers")
            assert explain.display and explain.size.height >= 8, column.id
            assert explain.region.y >= layers.region.bottom, column.id  # under the layers
            texts.append(" ".join(str(column.query_one("#explain-text").render()).split()))
        left, right = texts
        head = "n^2[o=0, j=1]: observation 0, neuron 1 of layer 2"
        assert left.startswith(head) and "= 3.6967939" in left, left[:200]
        assert right.startswith(head) and "= -0.2782069" in right, right[:200]
        heights = [c.query_one("#explain").size.height for c in screen.columns]
        await pilot.press("w")
        await pilot.pause()
        assert all(c.query_one("#explain").size.height > h + 2 for c, h in zip(screen.columns, heights))
        await pilot.press("w")
        await pilot.pause()
        assert [c.query_one("#explain").size.height for c in screen.columns] == heights


async def test_side_by_side_on_a_low_screen_w_says_there_is_no_room_for_the_why_panes() -> None:
    app = StepperApp()
    async with app.run_test(size=(200, 30)) as pilot:
        await pilot.press("v", "n", "w")
        await pilot.pause()
        assert not any(c.query_one("#explain").display for c in app.screen.columns)
        notes = [str(n.message) for n in app._notifications]
        assert any("Why panes need a screen of 40 lines" in note for note in notes), notes
        # Grown to 40 lines, the halves have their Why panes: the notice goes with its truth (it
        # stayed up over the halves' bottom borders, a tester).
        await pilot.resize_terminal(200, 40)
        await pilot.pause()
        assert all(c.query_one("#explain").display for c in app.screen.columns)
        notes = [str(n.message) for n in app._notifications]
        assert not any("Why panes need" in note for note in notes), notes


async def test_the_operand_column_of_the_selected_cell_scrolls_into_view() -> None:
    """Side by side at 80x24, n^2's cell j=2: W^1 showed j=0–1 of 3, its ▼ column 2 out of sight
    (a tester's finding)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n", "v", "right", "right")
        await pilot.pause()
        for column in app.screen.columns:
            w1 = next(v for v in column.matrices if v.ref.symbol == "W^1")
            assert w1.state is not None and w1.state.mark_col == 2
            assert "j=1–2 of 3" in str(w1.border_title), (column.id, w1.border_title)


async def test_side_by_side_starts_with_the_cursor_on_the_current_matrix_at_every_size() -> None:
    """At 200x60 n, n, n, v left the cursor on a^0, the first matrix, not on n^2 (a tester)."""
    for size in ((80, 24), (120, 40), (200, 60)):
        app = StepperApp()
        async with app.run_test(size=size) as pilot:
            await pilot.press("n", "n", "n", "v")
            await pilot.pause()
            focused = app.screen.focused
            assert isinstance(focused, MatrixView) and focused.ref.symbol == "n^2", (size, focused)


async def test_comparing_a_network_with_how_it_already_trains_says_so_instead_of_two_equal_walks() -> None:
    app = StepperApp()  # sgd, full batch
    async with app.run_test(size=(120, 40)) as pilot:
        # The palette does not offer what would change nothing (a tester's finding); a command
        # run all the same says so.
        names = [name for name, _, _ in screen_commands(app.walk_screen)]
        assert "Side by side: compare with adam" in names and "Optimizer: adam" in names
        assert not {"Side by side: compare with sgd", "Side by side: compare with full batch"} & set(names)
        assert not {"Optimizer: sgd", "Batch size: all (full batch)"} & set(names)
        assert names.count("Break symmetry") == 1 and "Break the symmetry: random init" not in names
        await app.walk_screen.run_checked("side_by_side_with('0')")
        await pilot.pause()
        assert app.screen is app.walk_screen
        assert [n.message for n in app._notifications] == [
            "This network already trains with sgd, full batch: nothing to compare. "
            "v shows it beside another init."
        ]
        await app.walk_screen.run_checked("side_by_side_with('adam')")
        await pilot.pause()
        assert isinstance(app.screen, SideBySideScreen)


async def test_side_by_side_has_the_same_stepping_keys_as_the_main_screen() -> None:
    app = StepperApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("v", "f", "l", "r")  # l and r work here too: one set of stepping keys
        screen = app.screen
        assert isinstance(screen, SideBySideScreen)
        assert [c.walk.position for c in screen.columns] == [Position(1, 0)] * 2
        await pilot.press("f", "l")
        assert [c.walk.position for c in screen.columns] == [Position(1, 7)] * 2
        # A layer's backward steps end with the gradient of the weights in its pane: dC/dW^2 is
        # step 11, marked ▶L3 in the header, and l stopped before it (a tester's finding).
        await pilot.press("l")
        assert [c.walk.position for c in screen.columns] == [Position(1, 11)] * 2
        await pilot.press("l")
        assert [c.walk.position for c in screen.columns] == [Position(1, 15)] * 2
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = [k for k, _ in app.screen.keys]
        assert "n" in keys and "escape,v" in keys and "R" not in keys  # the help of the screen in front


async def test_the_walk_stops_at_the_divergence_with_a_notice() -> None:
    app = StepperApp(network="exploding")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(4):  # iterations 1, 2, then the end of iteration 3 is past the inf cost
            await pilot.press("i")
        await pilot.pause()
        assert "Iteration 3 · step 11 of 36" in status(app) and "C = inf" in status(app)
        assert any("diverged at iteration 3: cost became inf" in n.message for n in app._notifications)
        await pilot.press("n")
        assert "step 11 of 36" in status(app)  # no further
        await pilot.press("p")
        assert "step 10 of 36" in status(app)


async def test_at_the_divergence_one_toast_a_whole_notice_a_why_and_the_inputs_of_the_cost() -> None:
    """diverging: C becomes inf in iteration 269. Keys pressed there add no toasts; the notice says
    where, in what and the remedy within 80 columns; the Why pane says the walk stopped; the output
    layer's pane shows a^1 (what made C inf), not the empty dC/dW^0 and ΔW^0 of the step not reached."""
    app = StepperApp(network="diverging")
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.goto_iteration(268)
        await pilot.pause()
        await pilot.press("i")  # iteration 268's update: the pane scrolls down to W^0 updated
        await pilot.pause()
        await pilot.press("i")  # to the end of 269, as space does: it stops at the inf cost
        await pilot.pause()
        assert "Iteration 269 · step 3 of 8" in status(app) and "C = inf" in status(app)
        for _ in range(4):
            await pilot.press("n")
        await pilot.pause()
        toasts = [n for n in app._notifications if "diverged at iteration 269" in n.message]
        assert len(toasts) == 1
        notice = str(app.query_one("#health-text").render())
        assert "Training diverged at iteration 269: cost became inf." in notice
        assert "Remedy: try a smaller learning rate (key O, then η)." in notice  # the app's key, not --lr
        assert all(len(line) <= 76 for line in notice.splitlines())  # inside the notice at 80x24
        why = str(app.query_one("#explain-text").render())
        assert "Stopped: diverged at iteration 269: cost became inf." in why
        assert "(key O, then η)" in why and "--lr" not in why
        # The step view shows the cost's operands: a^1 (what made C inf) and the targets.
        a1 = view(app, "a", 1)
        assert a1 in app.screen.view.step_pane.order and a1.region.height > 0
        await pilot.press("h")  # the full report names no command line either
        await pilot.pause()
        report = " ".join(str(app.screen.query_one("Static").render()).split())
        assert "Training diverged at iteration 269" in report and "--lr" not in report


async def test_a_divergence_heads_the_wide_notice_above_the_clones(tmp_path) -> None:
    """(1e40)^8 overflows n^8 in iteration 1: the notice (of limited height) says that first, with
    the remedy for initial weights, before the two clone findings."""
    path = tmp_path / "big.toml"
    path.write_text(
        'layers = [2, 8, 8, 8, 8, 8, 8, 8, 8, 1]\nactivation = "linear"\ncost = "sse"\n'
        "learning_rate = 0.1\ninputs = [[1.0, 2.0]]\ntargets = [[1.0]]\n"
        '[init]\nscheme = "constant"\nvalue = 1e40\n'
    )
    app = StepperApp(network=str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        notice = str(app.query_one("#health-text").render())
        assert notice.startswith("! Training diverged at iteration 1: n of layer 8 became inf.")
        assert "initial weights or the" in notice and "✗ Layers 1, 2" in notice


def why(app: StepperApp) -> str:
    return str(app.query_one("#explain-text").render())


async def test_arrows_select_a_cell_of_the_current_matrix_without_tab() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n")  # n^2 just computed
        await pilot.press("down", "down", "right")  # the last down stops at the last row
        await pilot.pause()
        n2 = view(app, "n", 2)
        assert app.screen.focused is n2 and n2.cursor == (1, 1)
        assert "cursor o=1, j=1" in str(n2.border_title)  # focus is said in words, not colour alone
        assert n2.border_title.startswith("▶ ")  # and the current step by a mark
        text = why(app)
        # The cell's computation comes first, above the step's general text.
        assert text.index("n^2[o=1, j=1]") < text.index("Each neuron j of layer 2")
        assert "0.8320184·1.0000000" in text and "3.4960552" in text
        await pilot.press("n")  # the cursor follows the current step, on the same cell
        a2 = view(app, "a", 2)
        assert app.screen.focused is a2 and a2.cursor == (1, 1)
        assert why(app).startswith("a^2[o=1, j=1]")


async def test_the_cursor_is_on_the_current_matrix_from_the_start_so_the_first_arrow_moves_it() -> None:
    """The tester's "the first arrow press only shows the cursor": it is shown before any key."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = app.screen.focused
        assert first is not None and getattr(first, "cursor", None) == (0, 0)
        assert "o=0, j=0" in str(first.border_title) and why(app).startswith("a^0[o=0, j=0]")
        await pilot.press("right")  # the first press moves it
        assert first.cursor == (0, 1) and why(app).startswith("a^0[o=0, j=1]")
        await pilot.press("n", "n", "n")  # it follows the steps, as before
        n2 = view(app, "n", 2)
        assert app.screen.focused is n2 and n2.cursor == (0, 1)
        await pilot.press("o", *"xor", "enter")  # a new network: on its first matrix again
        await pilot.pause()
        await pilot.pause()
        assert app.net.name == "xor" and getattr(app.screen.focused, "cursor", None) == (0, 0)


async def test_w_gives_the_why_pane_most_of_the_screen() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:  # 80x24: tests/ui/test_step_view.py
        await pilot.press("n")
        short = app.query_one("#explain").size.height
        await pilot.press("w")
        await pilot.pause()
        assert app.query_one("#explain").size.height > short + 2
        await pilot.press("w")
        await pilot.pause()
        assert app.query_one("#explain").size.height == short


async def test_the_derivative_formula_names_its_layer() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f", "n", "n", "n")  # da^3/dn^3, step 9
        await pilot.press("down")
        await pilot.pause()
        assert "a^3 ⊙ (1 − a^3)" in why(app) and "a^ " not in why(app)


async def test_a_matrix_never_shows_part_of_a_number() -> None:
    """Issue 12: xor at 80x24 showed ".04589631" for -0.04589631 in a clipped column of W^0."""
    app = StepperApp("xor")
    async with app.run_test(size=(80, 24)) as pilot:
        w0 = view(app, "weights", 0)
        w0.focus()
        await pilot.pause()
        whole = w0.text()
        for _ in range(3):
            await pilot.press("right")
            await pilot.pause()
            for y in range(1, 5):
                shown = w0.render_line(y).text
                numbers = shown.split()[1:] if y != 2 else []
                assert all(n in whole for n in numbers), (shown, whole)


async def test_at_120x40_the_current_matrix_shows_every_column() -> None:
    """Issue 12: step 11's dC/dW^2 showed 1 of its 2 columns, step 14's δ^2 lost its third."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        for step in range(1, 23):
            await pilot.press("n")
            await pilot.pause()
            current = next((v for v in app.query(MatrixView) if v.has_class("-current")), None)
            if current is None:  # the cost: one number, in the header
                continue
            assert current.region.width >= current.virtual_size.width + 2, (step, current.ref)


async def test_holding_n_draws_once_for_the_keys_that_queued_up() -> None:
    """Key repeat queues n faster than a step is drawn: every n steps, the screen is drawn once for
    the queued ones, so stepping stops as soon as the key is let go."""
    from textual import events

    from stepper.app.widgets.walk_view import WalkView

    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        drawn: list[int] = []
        original = WalkView.refresh_view

        def counting(self) -> None:  # type: ignore[no-untyped-def]
            drawn.append(self.walk.done)
            original(self)

        WalkView.refresh_view = counting  # type: ignore[method-assign]
        try:
            for _ in range(15):  # a burst, as key repeat sends it: no waiting between keys
                app.post_message(events.Key("n", "n"))
            await pilot.pause()
            await pilot.pause()
        finally:
            WalkView.refresh_view = original  # type: ignore[method-assign]
        assert app.walk.position == Position(1, 15)
        assert 1 <= len(drawn) < 15 and drawn[-1] == 15
        assert "step 15 of 22" in status(app)


async def test_dialogs_fit_80x24_and_notifications_wait_for_them(tmp_path, monkeypatch) -> None:
    from textual.widgets import Input, Label

    from stepper.app.screens.prompts import Export, OpenNetwork

    monkeypatch.chdir(tmp_path)
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        dialog = app.screen
        assert isinstance(dialog, OpenNetwork)
        path = dialog.query_one("#open-path", Input)
        assert dialog.focused is path and path.region.bottom <= 24  # focused and in view
        await pilot.press(*"xor", "enter")  # typing a name opens it
        await pilot.pause()
        assert app.net.name == "xor"
        await pilot.press("x")
        assert isinstance(app.screen, Export)
        labels = [str(label.render()) for label in app.screen.query(Label)]
        assert {"what", "format", "file"} <= set(labels)  # every field labelled
        for label in app.screen.query(Label):
            assert label.region.right <= 80 and label.region.bottom <= 24  # hints whole, in view
        app.notify("over the dialog?")
        await pilot.pause()
        shown = lambda: [n.message for n in app._notifications]  # noqa: E731
        assert "over the dialog?" not in shown()  # held while the dialog is up
        await pilot.press("escape")
        await pilot.pause()
        assert "over the dialog?" in shown()


async def test_role_borders_follow_the_theme_and_focus_as_textuals_own_restyle_would() -> None:
    """Matrices restyle from rules kept per place (for speed): after steps, a theme change and a
    focused cell, each one's border and background must be what a fresh restyle gives."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"nnnn")
        app.theme = "nord"
        await pilot.press("n", "n", "right")
        await pilot.pause()
        views = list(app.query(MatrixView))
        kept = {v: (v.styles.border, v.styles.background) for v in views}
        for v in views:
            app.stylesheet.update_nodes([v])  # Textual's own restyle, nothing kept
        assert {v: (v.styles.border, v.styles.background) for v in views} == kept
        current = next(v for v in views if v.has_class("-current"))
        assert current.has_focus
        assert current.styles.border.top[1] == Color.parse(app.theme_variables["text-success"])


async def test_the_cursor_is_on_the_current_matrix_at_every_step() -> None:
    """At 80x24 steps 12 and 16 (operands from another layer) left the cursor, and the Why pane's
    first lines, on an operand of an earlier step."""
    for size in ((80, 24), (120, 40)):
        app = StepperApp()
        async with app.run_test(size=size) as pilot:
            for step in range(1, 23):
                await pilot.press("n")
                await pilot.pause()
                current = [v for v in app.query(MatrixView) if v.has_class("-current")]
                if current:  # the cost (step 7) has no matrix
                    assert app.focused in current, (size, step, app.focused)


async def test_tab_stops_outside_the_matrices_are_seen_without_colour() -> None:
    """A fresh tester: Tab went from the matrices to two stops that showed nothing (the Why pane and
    the notice's button changed shade only)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n", "tab")
        await pilot.pause()
        assert app.focused is app.query_one("#explain")
        assert app.focused.styles.border_top[0] == "heavy"
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is app.query_one("#break-symmetry")
        assert "reverse" in str(app.focused.styles.text_style)
        # And in its characters: read as text (a capture of the terminal), reverse video is nothing,
        # and a tester saw a stop with nothing focused. As wide as unfocused: the notice stays put.
        button = app.focused.region
        assert screen_lines(app, button) == ["▶s: break symmetry◀"]
        await pilot.press("tab")
        await pilot.pause()
        assert screen_lines(app, button) == [" s: break symmetry "]


async def tab_cycle(app: StepperApp, pilot, key: str, where: object) -> list:  # type: ignore[no-untyped-def]
    """The stops ``key`` (tab or shift+tab) goes through, round to the focused widget, each checked:
    on screen, seen to take the keyboard (the screen changes), the Why pane only while it scrolls."""
    start, stops = app.focused, []
    for _ in range(40):
        before = screen_lines(app)
        await pilot.press(key)
        await pilot.pause()
        focused = app.focused
        assert focused is not None and screen_lines(app) != before, (where, key, focused)
        assert focused in app.screen._compositor.visible_widgets and focused.region.area, (where, key)
        if focused.id == "explain":
            assert focused.max_scroll_y > 0, (where, key)
        # A matrix not computed yet (dots, "not computed yet") is no stop: unless Tab started there.
        if isinstance(focused, MatrixView) and focused is not start:
            assert focused.computed, (where, key, focused.caption)
        stops.append(focused)
        if focused is start:
            return stops
    raise AssertionError((where, key, "never back"))


async def test_tab_stops_only_where_there_is_something_to_see_and_use() -> None:
    """A fresh tester at 80x24: Tab from the current matrix went to the Why pane with nothing to
    scroll, a stop that took the keys and did nothing with them. Every stop of the Tab cycle is on
    screen and shows it has the keyboard (the screen changes), the Why pane is one only while it
    can scroll (which depends on the cell it explains), and Shift+Tab goes back the same way. No
    stop is a matrix not computed yet (at 120x40 Tab went from n^2 through seven of them, dots
    and "not computed yet", and left the layer pane scrolled down to them; a fresh tester): the
    cases with most of them, before the first step and at step 3, wide and side by side too."""
    cases = [((80, 24), (), (0, 1, 2, 3, 6, 7, 14, 22)), ((120, 40), (), (3, 22)), ((200, 60), (), (3, 22))]
    cases += [((80, 24), ("v",), (3,)), ((120, 40), ("v",), (3,))]
    for size, keys, steps in cases:
        app = StepperApp()
        async with app.run_test(size=size) as pilot:
            await pilot.press(*keys)
            at = 0
            for step in steps:
                await pilot.press(*"n" * (step - at))
                at = step
                await pilot.pause()
                where = (size, keys, step)
                forward = [w for w in await tab_cycle(app, pilot, "tab", where) if w.id != "explain"]
                backward = [w for w in await tab_cycle(app, pilot, "shift+tab", where) if w.id != "explain"]
                assert backward == [*forward[-2::-1], forward[-1]], where


async def test_tab_passes_over_the_matrices_not_computed_yet() -> None:
    """A fresh tester at 120x40, step 3: Tab from n^2 went to a^2, dC/da^2, … seven matrices of
    dots in a row, the layer pane scrolled down to them and left there. Tab's matrices are the
    computed ones on screen, each once, and the first Tab leaves the current matrix in view. A
    click still gives a matrix not computed yet the keyboard (its cell explained: "not computed
    yet"), and Tab goes on from it to the next stop, not back to the first."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n", "n")
        await pilot.pause()
        current = app.focused
        assert symbol(current) == "n^2"
        pane = current.parent
        before = pane.scroll_y
        await pilot.press("tab")
        await pilot.pause()
        assert not isinstance(app.focused, MatrixView), symbol(app.focused)
        assert pane.scroll_y == before and pane.region.contains_region(current.region)
        stops = [current]
        for _ in range(20):
            await pilot.press("tab")
            await pilot.pause()
            if app.focused is current:
                break
            stops.append(app.focused)
        shown = [v for v in app.screen.view.matrices if v.display and v.parent.display]
        assert [v for v in shown if not v.computed], "nothing to pass over"
        matrices = [w for w in stops if isinstance(w, MatrixView)]
        assert sorted(map(symbol, matrices)) == sorted(symbol(v) for v in shown if v.computed)
        # Clicked, a matrix of dots has the keyboard; Tab moves on from it.
        pending = next(v for v in shown if symbol(v) == "a^2")
        await pilot.click(pending, offset=(8, 2))
        await pilot.pause()
        assert app.focused is pending and "a^2[o=0, j=0]: not computed yet" in "\n".join(screen_lines(app))
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is not None and not isinstance(app.focused, MatrixView), symbol(app.focused)


async def test_the_keyboard_leaves_a_matrix_as_it_goes_back_to_not_computed() -> None:
    """Back with p, or on into the next iteration, the matrix the keyboard is on may have nothing
    to show any more: the keyboard goes with the cursor to the current step's matrix, never to
    nothing nor to a matrix of dots."""
    for size in [(120, 40), (200, 60)]:
        app = StepperApp()
        async with app.run_test(size=size) as pilot:
            await pilot.press("n", "n", "n")
            await pilot.pause()
            await focus_by(pilot, "shift+tab", "a^1", 20)
            assert symbol(app.focused) == "a^1", size
            await pilot.press("p", "p")  # step 1: a^1 is not computed yet
            await pilot.pause()
            focused = app.focused
            assert isinstance(focused, MatrixView) and focused.has_class("-current"), (size, focused)
            assert symbol(focused) == "n^1" and "cursor" in str(focused.border_subtitle), size
            await pilot.press("i")  # the whole iteration: every matrix computed
            await pilot.pause()
            await focus_by(pilot, "tab", "δ^3", 40)
            assert symbol(app.focused) == "δ^3", size
            await pilot.press("n")  # the next iteration, before its first step: δ^3 not computed
            await pilot.pause()
            # Where the cursor starts an iteration: the first operand of its first step.
            assert symbol(app.focused) == "a^0" and app.focused.computed, size
            assert "cursor" in str(app.focused.border_subtitle), size


async def test_tab_onto_an_operand_lands_on_the_row_or_column_that_makes_the_cell() -> None:
    """A tester: Tab onto an operand of the current product put its cursor on the first cell, not
    on the row ▶ or column ▼ that makes the current matrix's cell, where the computation is. At
    120x40 Tab goes through other matrices first, whose cells it selects (and the marks went with
    the selection). Forward (n^2 = [1 | a^1] · W^1, its cell o=1, j=1: row 1 of a^1, column 1 of
    W^1) and backward (dC/da^2 = δ^3 · W^2ᵀ, o=1, j=1: row 1 of δ^3, row 2 of W^2, i=1), both ways
    round the Tab cycle; the Why pane explains the cell landed on. The operands of an entry-by-entry
    step land on the cell itself."""
    cases = [
        (3, {"a^1": (1, 0), "W^1": (0, 1)}, ["a^1[o=1, j=0]", "W^1[b, j=1]"]),
        (12, {"δ^3": (1, 0), "W^2": (2, 0)}, ["δ^3[o=1, j=0]", "W^2[i=1, j=0]"]),
        # Entry by entry (δ^3 = dC/da^3 ⊙ da^3/dn^3): on the cell itself.
        (10, {"dC/da^3": (1, 1), "da^3/dn^3": (1, 1)}, ["dC/da^3[o=1, j=1]", "da^3/dn^3[o=1, j=1]"]),
    ]
    for size in [(80, 24), (120, 40)]:
        for steps, cells, names in cases:
            for key in ["tab", "shift+tab"]:
                app = StepperApp()
                async with app.run_test(size=size) as pilot:
                    await pilot.press(*"n" * steps, "down", "right")
                    await pilot.pause()
                    result = app.focused
                    assert isinstance(result, MatrixView) and result.cursor == (1, 1)
                    landed, why = {}, []
                    for _ in range(20):
                        await pilot.press(key)
                        await pilot.pause()
                        if app.focused is result:
                            break
                        if symbol(app.focused) in cells:
                            landed[symbol(app.focused)] = app.focused.cursor
                            why.append(screen_lines(app, app.screen.query_one("#explain").region)[1])
                    where = (size, steps, key)
                    assert landed == cells, where
                    for name in names:
                        assert any(name in line for line in why), (where, name, why)


async def test_the_decision_map_shows_it_has_the_keyboard() -> None:
    """Tab stops on the map (its arrows scroll it): its border said nothing of it, a stop where
    nothing on screen showed focus. Focused, its border is heavy, as the Why pane's."""
    for size in [(80, 24), (120, 40)]:
        app = StepperApp("xor")
        async with app.run_test(size=size) as pilot:
            await pilot.press("n", "m")
            await pilot.pause()
            the_map = app.query_one("#map")
            await focus_by(pilot, "tab", the_map, 12)
            assert app.focused is the_map, size
            top = screen_lines(app, the_map.region)[0]
            assert top.startswith("┏━ Map") and top.endswith("┓"), (size, top)
            await pilot.press("tab")
            await pilot.pause()
            assert screen_lines(app, the_map.region)[0].startswith("╭─ Map"), size


async def test_ctrl_c_says_how_to_quit_in_plain_words() -> None:
    """ctrl+c quits most terminal programs; here it says how this one quits. It read "Press
    [b]ctrl+q[/b] to quit the app", Textual's markup in a plain-text toast (a tester's finding)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["Press q or ^q to quit the app."]
        assert app.is_running


async def test_a_resize_while_the_view_is_taken_down_is_no_error() -> None:
    """A browser tab closed as its app started: the view's parts went first, and the resize that
    came after them raised NoMatches in the server's log (a tester)."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        walk = app.query_one("#walk")
        await walk.query_one("#map").remove()
        walk.apply_width(100)  # type: ignore[attr-defined]
        await pilot.pause()
        assert app.is_running


@pytest.mark.parametrize("keys", ["sni", "snnn", "ssn"])
async def test_keys_pressed_right_after_s_move_the_new_walk(keys: str) -> None:
    """s, then n and i at once (typed fast, or pasted): the new walk is shown a moment after s, and
    the keys meanwhile moved the old one; the new walk stood at step 0 (a test failing on a loaded
    machine found it). They move the walk s made, as they would a moment later."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in keys:
            app.post_message(events.Key(key, key))
        steps = {"sni": 22, "snnn": 3, "ssn": 1}[keys]
        assert await settled(pilot, lambda: app.walk.done == steps and app.walk.net.init.scheme == "normal")
        assert app.walk.net.init.seed == keys.count("s")  # each s a new init, the last one shown
        assert f"step {steps} of 22" in screen_lines(app)[0]
