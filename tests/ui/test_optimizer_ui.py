"""The app with an optimizer and mini-batches: header, the state matrices, the Why pane."""

from __future__ import annotations

import numpy as np

from stepper.app import StepperApp
from stepper.app.widgets.cost_curve import CostChart
from stepper.netfile import Overrides, load_network
from tests.ui.helpers import state, view


def status(app: StepperApp) -> str:
    return str(app.query_one("#status").render())


def adam_batches() -> StepperApp:
    return StepperApp(network=load_network("adam-bias-correction", Overrides(batch_size=3)))


async def test_header_says_t_epoch_and_batch_and_the_step_count() -> None:
    app = adam_batches()
    async with app.run_test(size=(120, 40)) as pilot:
        # numpy.random.default_rng(0).permutation(4) = [2, 0, 1, 3]: batches [2, 0, 1] and [3]
        assert "t=1 · epoch 1, batch 1/2 (obs 2, 0, 1)" in status(app) and "step 0 of 25" in status(app)
        await pilot.press("i", "i", "n")  # the end of iteration 2, then the first step of 3
        assert "t=3 · epoch 2, batch 1/2" in status(app)
        await pilot.press("p", "p")
        assert "t=2 · epoch 1, batch 2/2 (obs 3)" in status(app)
        assert view(app, "a", 0).text().count("o=") == 1  # a^0 is the batch's one observation


async def test_adam_state_is_stepped_and_the_why_pane_writes_beta_to_the_t() -> None:
    app = adam_batches()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i", "b")  # iteration 2, to the end of its backward pass
        m_hat = view(app, "m_hat", 0)
        assert m_hat.has_class("-pending")
        await pilot.press("n")  # m^0 ← β1 · m^0 + …: the m^0 it starts from is shown beside the new
        before, after = view(app, "m_prev", 0), view(app, "m", 0)
        assert before.has_class("-input") and after.has_class("-current")
        assert before.state is not None and after.state is not None
        grad = view(app, "grad", 0).state
        assert grad is not None and grad.value is not None and before.state.value is not None
        assert before.state.value.any()  # iteration 2: the m iteration 1 left, not zeros
        np.testing.assert_allclose(after.state.value, 0.9 * before.state.value + 0.1 * grad.value, rtol=1e-12)
        for _ in range(2):  # v^0, m̂^0
            await pilot.press("n")
        assert m_hat.has_class("-current") and "m̂^0 = m^0 / (1 − β1^t)" in status(app)
        m_hat.focus()
        await pilot.press("down", "down")
        await pilot.pause()
        text = str(app.query_one("#explain-text").render())
        assert "β1^t = 0.9^2 = 0.8100000" in text and "bias-corrected first moment" in text


async def test_stepping_back_over_an_adam_update_restores_the_state_exactly() -> None:
    app = adam_batches()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i", "i", "n", "n")
        here = state(app)
        for _ in range(30):
            await pilot.press("n")
        for _ in range(30):
            await pilot.press("p")
        assert state(app) == here


async def test_t_chooses_the_optimizer_and_batch_size_from_the_same_init() -> None:
    from stepper.app.screens.prompts import TrainingSettings

    app = StepperApp(network="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        init = [w.copy() for w in app.walk.history.weights_at(1)]
        await pilot.press("i", "O")
        assert isinstance(app.screen, TrainingSettings)
        app.screen.query_one("#train-optimizer").value = "adam"
        app.screen.query_one("#train-batch").value = "2"
        app.screen.query_one("#train-lr").focus()
        await pilot.press("enter")
        await pilot.pause()
        net = app.walk.net
        assert net.optimizer.name == "adam" and net.batch_size == 2
        assert app.walk.position.iteration == 1
        assert all((a == b).all() for a, b in zip(init, app.walk.history.weights_at(1)))
        assert "t=1 · epoch 1, batch 1/2" in status(app) and "step 0 of 25" in status(app)
        await pilot.press("O")
        app.screen.query_one("#train-batch").value = "-1"
        app.screen.query_one("#train-batch").focus()
        await pilot.press("enter")
        assert "whole number >= 0" in str(app.screen.query_one("#train-error").render())


async def test_the_palette_switches_the_optimizer() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p", *"momentum", "enter")
        await pilot.pause()
        assert app.walk.net.optimizer.name == "momentum"
        assert "t=1" in status(app) and "step 0 of 28" in status(app)


async def test_side_by_side_compares_two_optimizers_from_the_same_init_with_both_curves() -> None:
    from stepper.app.screens.side_by_side import SideBySideScreen

    app = StepperApp(network="sgd-vs-adam")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, SideBySideScreen)
        left, right = (c.walk for c in screen.columns)
        assert (left.net.optimizer.name, right.net.optimizer.name) == ("adam", "sgd")
        assert all((a == b).all() for a, b in zip(left.net.weights, right.net.weights))
        assert screen.columns[0].border_title.startswith("adam")
        assert screen.columns[1].border_title.startswith("sgd")
        for _ in range(5):
            await pilot.press("i")
        assert left.iteration == right.iteration == 5  # lockstep by iteration: their step counts differ
        left_curve = screen.query_one("#side-left #loss", CostChart).values
        right_curve = screen.query_one("#side-right #loss", CostChart).values
        assert len(left_curve) == len(right_curve) == 5 and left_curve.tolist() != right_curve.tolist()
    # From iteration 2, step 3: both runs start at iteration 2, each trained its own way to it, at
    # its first step (adam's and sgd's steps differ), and a toast says so. It went back to
    # iteration 1 without a word (a tester's finding).
    app = StepperApp(network="sgd-vs-adam")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i", "n", "n", "n", "v")
        await pilot.pause()
        left, right = (c.walk for c in app.screen.columns)
        assert (left.iteration, left.done, right.iteration, right.done) == (2, 0, 2, 0)
        assert not all((a == b).all() for a, b in zip(left.current_weights(), right.current_weights()))
        assert any("starts at iteration 2's first step" in n.message for n in app._notifications)


async def test_side_by_side_compares_batch_sizes() -> None:
    from stepper.app.screens.side_by_side import SideBySideScreen

    app = StepperApp(network="minibatch-noise")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, SideBySideScreen)
        left, right = (c.walk for c in screen.columns)
        assert (left.net.batch_size, right.net.batch_size) == (1, 8)
        for _ in range(16):
            await pilot.press("i")
        await pilot.press("n")
        # two epochs of batches of 1 on the left: its epoch curve has two points
        assert len(screen.query_one("#side-left #epoch-loss", CostChart).values) == 2
        assert screen.query_one("#side-left #epoch-loss").display
        assert not screen.query_one("#side-right #epoch-loss").display
