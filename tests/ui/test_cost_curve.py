"""The header's cost curve as the learner reads it (a tester's finding: after one iteration it was a
solid block 20 columns wide, after two half █ and half ▁, and nothing said what a bar was worth)."""

from __future__ import annotations

import pytest

from stepper.app import StepperApp
from stepper.app.widgets.cost_curve import BARS, CostChart
from stepper.netfile import Overrides, load_network
from tests.ui.contrast import border_runs, screenshot, unreadable
from tests.ui.helpers import screen_lines


def chart(app: StepperApp, which: str = "#loss") -> list[str]:
    """The chart's lines as the screen shows them."""
    return screen_lines(app, app.screen.query_one(which).region)


def bars(line: str) -> str:
    """The bars of a chart's line, its labels left out."""
    return "".join(ch for ch in line if ch in BARS[1:])


async def test_one_iteration_is_one_low_bar_at_the_left_with_its_cost() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert chart(app)[0].strip() == "cost per iteration"  # before the first cost: what will be here
        await pilot.press("i")
        await pilot.pause()
        top, bottom = chart(app)
        assert top.strip() == "C"  # not a full box: only the curve's name in the top row
        assert bottom.strip() == "1.91 ▄"  # the cost, then one bar half a cell high, the rest empty


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_n_iterations_are_n_columns_from_the_left_on_the_cost_s_scale(size) -> None:
    app = StepperApp()
    async with app.run_test(size=size) as pilot:
        for _ in range(5):
            await pilot.press("i")
        await pilot.pause()
        top, bottom = chart(app)
        costs = app.walk.history.costs.finite(5)
        # The curve's name (it said nothing once the first cost came; a tester), then the scale's
        # top and bottom, to three digits.
        assert top.split()[0] == "C"
        assert float(top.split()[1]) == pytest.approx(costs.max(), rel=5e-3)
        assert float(bottom.split()[0]) == pytest.approx(costs.min(), rel=5e-3)
        assert len(bars(bottom)) == 5  # a column per iteration, the rest of the width empty
        assert bottom.rstrip().endswith(bars(bottom))
        assert bars(bottom)[0] == "█" and bars(top)[0] == "█"  # iteration 1's cost, the highest
        assert bars(bottom)[-1] == "▁"  # iteration 5's, the lowest: at the bottom, still drawn


async def test_a_long_run_groups_iterations_into_every_column() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.goto_iteration(5001)
        await app.workers.wait_for_complete()
        await pilot.pause()
        loss = app.screen.query_one("#loss", CostChart)
        assert loss.values.size == 5000
        top, bottom = chart(app)
        drawn = bars(bottom)
        assert bottom.endswith(drawn) and len(drawn) >= 10  # the whole chart's width, bar after bar
        assert bars(top)[0] == "█" and drawn[-1] == "▁"  # the first group the highest, the last the lowest
        per_column = -(-5000 // len(drawn))
        assert f"the highest of up to {per_column} iterations" in str(loss.tooltip)
        assert "5000 iterations: first 1.9082220" in str(loss.tooltip)


async def test_mini_batches_name_the_batch_and_the_epoch_curves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Told apart by their names, not by colour: NO_COLOR."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = StepperApp(load_network("xor", Overrides(batch_size=2)))  # two batches an epoch
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(6):
            await pilot.press("i")
        await pilot.pause()
        (batch,) = chart(app, "#loss")
        (epoch,) = chart(app, "#epoch-loss")
        assert batch.startswith("batch ") and len(bars(batch)) == 6
        assert epoch.startswith("epoch ") and len(bars(epoch)) == 3  # three epochs of two batches
        last_epoch = app.walk.history.epoch_costs[3]
        assert float(epoch.split()[-1]) == pytest.approx(last_epoch, rel=5e-3)  # its last value
        assert batch.index(bars(batch)) == epoch.index(bars(epoch))  # their columns line up


async def test_side_by_side_each_half_has_its_curve() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v", "i", "i", "i")
        await pilot.pause()
        for half in ("#side-left", "#side-right"):
            top, bottom = chart(app, f"{half} #loss")
            assert len(bars(bottom)) == 3 and top.split()[0][0].isdigit(), (half, top, bottom)


async def test_half_an_80_column_screen_names_the_batch_and_epoch_curves_by_their_initials() -> None:
    app = StepperApp("minibatch-noise")  # batches of 1 beside the full batch
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v", *"iiiiiiiii")
        await pilot.pause()
        (batch,) = chart(app, "#side-left #loss")
        (epoch,) = chart(app, "#side-left #epoch-loss")
        assert batch.startswith("b ") and epoch.startswith("e ") and bars(batch) and bars(epoch)
        top, bottom = chart(app, "#side-right #loss")  # the full batch: no names, bars only
        assert bars(bottom) and not any(ch.isalnum() for ch in top + bottom)


async def test_a_tiny_screen_keeps_the_bars_and_leaves_the_labels_out() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i", "i")
        await pilot.resize_terminal(20, 10)
        await pilot.pause()
        top, bottom = chart(app)
        assert not any(ch.isdigit() for ch in top + bottom)
        assert len(bars(bottom)) == 2
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        low = app.walk.history.costs.finite(2).min()
        assert float(chart(app)[1].split()[0]) == pytest.approx(low, rel=5e-3)  # back with its labels


@pytest.mark.parametrize("batch_size", [None, 2], ids=["full-batch", "mini-batches"])
async def test_the_curve_reads_at_4_5_to_1_in_every_theme(batch_size) -> None:
    """Its labels and its bars: the Sparkline's lowest bars were $primary at 30%."""
    app = StepperApp(load_network("xor", Overrides(batch_size=batch_size)))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(6):
            await pilot.press("i")
        bad = []
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            svg = screenshot(app)
            region = app.screen.query_one("#curves").region
            labels = [r for r in unreadable(svg, minimum=100) if region.contains(r.col, r.line)]
            drawn = [r for r in border_runs(svg, set(BARS[1:])) if region.contains(r.col, r.line)]
            assert labels and drawn, theme
            bad += [(theme, r.text, round(r.ratio, 2)) for r in labels + drawn if r.ratio < 4.5]
        assert bad == []
