"""The app with an optimizer and mini-batches: header, the state matrices, the Why pane."""

from __future__ import annotations

from stepper.app import StepperApp
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
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i", "b")  # iteration 2, to the end of its backward pass
        m_hat = view(app, "m_hat", 0)
        assert m_hat.has_class("-pending")
        for _ in range(3):  # m^0, v^0, m̂^0
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
