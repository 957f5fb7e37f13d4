"""What the screen shows, compared with saved SVG snapshots (update with --snapshot-update)."""

from __future__ import annotations

from stepper.app import StepperApp


def test_start_screen_80x24(snap_compare) -> None:
    assert snap_compare(StepperApp(), terminal_size=(80, 24))


def test_start_screen_120x40(snap_compare) -> None:
    assert snap_compare(StepperApp(), terminal_size=(120, 40))


def test_mid_forward_pass(snap_compare) -> None:
    assert snap_compare(StepperApp(), press=["n", "n", "n"], terminal_size=(80, 24))


def test_mid_backward_pass_shows_the_product_layout(snap_compare) -> None:
    assert snap_compare(StepperApp(), press=["f", "n"] + ["n"] * 4, terminal_size=(120, 40))


def test_after_the_update(snap_compare) -> None:
    assert snap_compare(StepperApp(), press=["u"], terminal_size=(120, 40))


def test_help_screen(snap_compare) -> None:
    assert snap_compare(StepperApp(), press=["question_mark"], terminal_size=(80, 24))


def test_identical_columns_are_marked(snap_compare) -> None:
    """After the forward pass every hidden matrix carries the same group letter on each column."""
    assert snap_compare(
        StepperApp(), press=["f", "left_square_bracket", "left_square_bracket"], terminal_size=(80, 24)
    )
