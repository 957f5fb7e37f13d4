"""What the screen shows with an optimizer and mini-batches (update with --snapshot-update)."""

from __future__ import annotations

from stepper.app import StepperApp
from stepper.netfile import Overrides, load_network


def test_adam_bias_correction_mid_update_80x24(snap_compare) -> None:
    """Iteration 2's m̂^0 just computed: its formula, the header's t, epoch and batch, the curves."""
    net = load_network("adam-bias-correction", Overrides(batch_size=3))
    assert snap_compare(StepperApp(network=net), press=["i", "b", "n", "n", "n"], terminal_size=(80, 24))


def test_adam_update_of_the_output_weights_200x60(snap_compare) -> None:
    assert snap_compare(StepperApp(network="sgd-vs-adam"), press=["u"], terminal_size=(200, 60))


def test_side_by_side_sgd_waits_for_adam_80x24(snap_compare) -> None:
    """sgd's walk done with its 8 steps, adam's at its 9th of 13: sgd's column title says it waits
    for adam (it stood at "8/8" with nothing saying why), whole at half of 80 columns."""
    assert snap_compare(StepperApp(network="sgd-vs-adam"), press=["v", *"n" * 9], terminal_size=(80, 24))
