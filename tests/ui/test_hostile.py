"""The app with hostile input (issue 11): user text stays text, far-away work runs in a worker
with progress and cancel, and closing or resizing at an awkward moment raises nothing."""

from __future__ import annotations

import json
import time
from pathlib import Path

from textual.events import Resize
from textual.geometry import Size
from textual.widgets import ProgressBar

from stepper.app import StepperApp
from stepper.app.screens.health import HealthScreen
from stepper.app.screens.prompts import GotoIteration
from stepper.app.widgets.layer_pane import LayerPane
from stepper.engine.walk import Position
from stepper.errors import StepperError
from stepper.exports.network_file import save_network
from stepper.netfile import load_network
from tests.test_bad_input import GOOD


def toasts(app: StepperApp) -> list[str]:
    """The notifications as the screen shows them (run_test(notifications=True) draws them)."""
    # (A long path is broken onto lines at its separators: read as one.)
    return [str(toast.render()).replace("\n", "") for toast in app.screen.query("Toast")]


async def test_markup_in_a_path_is_shown_as_written(tmp_path: Path) -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        path = tmp_path / "[bold]x.toml"
        app.walk_screen.save_session(str(path))
        await pilot.pause()
        assert path.exists()
        assert any(f"Saved to {path}." in text for text in toasts(app))
        app.walk_screen.save_session(str(tmp_path / "no[" / "]y.toml"))  # an error naming it: no such folder
        await pilot.pause()
        assert any("no[/]y.toml: cannot save" in text for text in toasts(app))


async def test_markup_in_a_network_name_and_file_name_does_not_crash(tmp_path: Path) -> None:
    (tmp_path / "a[").mkdir()
    path = tmp_path / "a[" / "]b.toml"  # a[/]b.toml
    path.write_text(GOOD.replace('name = "t"', 'name = "[/]x[red]"'))
    app = StepperApp()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        app.walk_screen.open_network((str(path), None, None))
        await pilot.pause()
        await pilot.pause()
        assert app.net.name == "[/]x[red]"
        assert any("Opened [/]x[red]." in text for text in toasts(app))
        app.walk_screen.open_network((str(tmp_path / "a[" / "]missing.toml"), None, None))
        await pilot.pause()
        assert any("a[/]missing.toml: no such network file" in text for text in toasts(app))


async def test_markup_in_a_compare_file_name_is_text_in_the_why_pane(tmp_path: Path) -> None:
    from tests.test_compare import learner_trace

    mine = tmp_path / "[b]mine[red].json"
    mine.write_text(json.dumps(learner_trace("random-init", "derivative forgotten")))
    app = StepperApp("random-init", compare=mine)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await pilot.pause()
        assert any("≠ [b]mine[red].json first differs" in text for text in toasts(app))
        why = str(app.query_one("#explain-text").render())
        assert "≠ [b]mine[red].json differs in 6 of 6 cells" in why


def far_session(tmp_path: Path, iteration: int) -> Path:
    path = tmp_path / "far.toml"
    net = load_network()
    walk_session = type(net.session) if net.session else None
    from stepper.engine.network import Session

    assert walk_session in (None, Session)
    save_network(net, path, Session(iteration, 5, ()))
    return path


async def test_a_session_saved_far_into_training_opens_at_once_and_can_be_cancelled(tmp_path) -> None:
    path = far_session(tmp_path, 5_000_000)
    start = time.monotonic()
    app = StepperApp(path)
    assert time.monotonic() - start < 5  # not 5,000,000 iterations before the first screen
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
        assert app.busy and app.query_one("#progress", ProgressBar).display
        assert app.query_one("#progress", ProgressBar).total == 5_000_000  # counted to the iteration
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.busy and 1 < app.walk.iteration < 5_000_000


async def test_a_session_a_long_run_away_is_reached_in_the_worker(tmp_path) -> None:
    app = StepperApp(far_session(tmp_path, 3000))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.walk.position == Position(3000, 5) and not app.busy


def test_a_session_beyond_the_cap_is_refused(cli, tmp_path) -> None:
    text = (tmp_path / "x").parent.joinpath("s.toml")
    text.write_text(GOOD + "[session]\niteration = 1000000000\n")
    run = cli(str(text))
    assert run.code == 2 and "session.iteration: expected a whole number <= 10,000,000" in run.err
    try:
        StepperApp(text)
    except StepperError as exc:
        assert "1000000000" in str(exc)
    else:
        raise AssertionError("the app opened a session beyond the cap")


def test_compare_beyond_the_cap_is_refused_before_the_screen(cli, tmp_path) -> None:
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"iterations": [{"iteration": 10**9, "cost": 1.0}]}))
    run = cli("--compare", str(mine))
    assert run.code == 2 and "iteration 1000000000 is beyond the 100000 that compare runs" in run.err


async def test_a_long_compare_runs_in_a_worker_and_opens_at_the_difference(tmp_path) -> None:
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"iterations": [{"iteration": 5000, "cost": 123.0}]}))
    app = StepperApp(compare=mine)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()  # reaching iteration 5000 is a second long run
        await pilot.pause()
        assert not app.busy
        assert app.walk.iteration == 5000 and app.walk.current_step.output.quantity == "cost"
        assert any("first differs at iteration 5000" in text for text in toasts(app))


async def test_go_to_refuses_an_iteration_beyond_the_cap() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        # "1.5" went to iteration 15: the field dropped the point (a tester's finding).
        for typed in ("1000000000", "1_000", "1.5", "-3"):
            await pilot.press("g", *typed, "enter")
            assert isinstance(app.screen, GotoIteration)
            assert "from 1 to 10,000,000" in str(app.screen.query_one("#goto-error").render())
            await pilot.press("escape")
        assert app.walk.iteration == 1 and not app.busy
        await pilot.press("g", *"1,200", "enter")  # as the hint writes numbers
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.walk.iteration == 1200


async def test_a_resize_under_another_screen_lays_out_the_main_screen() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        assert isinstance(app.screen, HealthScreen)
        await pilot.resize_terminal(160, 40)
        await pilot.pause(0.1)
        await pilot.press("escape")
        await pilot.pause()
        assert app.walk_screen.view.wide
        assert sum(pane.display for pane in app.query(LayerPane)) == 3  # side by side again


async def test_closing_the_app_while_training_stops_the_run_first() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await pilot.pause(0.2)
        app.exit()
        assert not app.walk_screen.running  # no tick reaches widgets being taken down
        # A tick already under way when the widgets go: it finds nothing to update, and says nothing.
        await app.walk_screen.view.remove_children()
        app.walk_screen._run_tick()
        app.walk_screen.on_resize(Resize(Size(130, 40), Size(130, 40)))
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g", *"5000000", "enter")
        await pilot.pause(0.2)
        app.exit()
        assert all(w.is_cancelled for w in app.workers)


async def test_side_by_side_of_a_far_session_starts_both_walks_where_the_main_walk_is(tmp_path) -> None:
    app = StepperApp(far_session(tmp_path, 3000))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        here = app.walk.position
        assert here.iteration == 3000
        await pilot.press("v")
        await pilot.pause()
        assert [view.walk.position for view in app.screen.walk_views()] == [here] * 2


async def test_a_notice_held_under_a_dialog_keeps_user_text_as_text(tmp_path: Path) -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("x")  # the export dialog: notices wait until it closes
        await pilot.pause()
        path = tmp_path / "[bold]x.toml"
        app.walk_screen.save_session(str(path))
        await pilot.pause()
        assert path.exists() and not toasts(app)
        await pilot.press("escape")
        await pilot.pause()
        assert any(f"Saved to {path}." in text for text in toasts(app))  # as written, brackets too


def test_suggested_file_names_are_made_from_the_network_name_as_a_file_name() -> None:
    from stepper.app.screens.walk import file_stem

    assert file_stem("[/]x[red]") == "x-red"  # was "[/]x[red]-session.toml": "no such folder ["
    assert file_stem("identical-columns") == "identical-columns"
    assert file_stem("réseau 2") == "réseau-2"
    assert file_stem("...") == "network"
