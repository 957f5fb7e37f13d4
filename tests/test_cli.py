"""The command line's own face: what `stepper --help` promises."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_help_lists_every_command_of_the_spec() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "stepper", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("trace", "train", "diagnose", "map", "gradcheck", "compare", "examples", "serve"):
        assert f"    {command}" in out
    assert "SUPPRESS" not in out and "    open" not in out
    assert out.startswith("usage: stepper [NETWORK]")


def test_a_subcommand_error_names_the_subcommand(cli) -> None:
    run = cli("trace", "--lr", "inf")
    assert run.code == 2
    last = run.err.splitlines()[-1]
    assert last == "stepper trace: error: argument --lr: expected a finite number, got inf"
    assert run.err.startswith("usage: stepper trace ")


def test_usage_errors_name_only_commands_that_help_lists(cli) -> None:
    # `stepper [NETWORK]` runs an unlisted "open" command: its errors must not say "stepper open".
    run = cli("--lr", "x")
    assert run.code == 2
    assert run.err.splitlines()[-1] == "stepper: error: argument --lr: expected a number, got 'x'"
    assert "open" not in run.err
    assert run.err.startswith("usage: stepper [NETWORK] [--lr X]")


def test_an_unknown_option_is_named_by_its_command(cli) -> None:
    run = cli("trace", "--bogus")
    assert run.code == 2
    assert run.err.startswith("usage: stepper trace ")
    assert run.err.splitlines()[-1] == "stepper trace: error: unrecognized arguments: --bogus"


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["trace", "--json"], " (did you mean --format json?)"),
        (["map", "--latex"], ""),
        (["examples", "--json"], ""),
    ],
)
def test_a_format_given_as_its_own_option_is_pointed_to_format(cli, argv, hint) -> None:
    """`stepper trace --json` was refused with no hint (a tester); a format the command has not,
    or a command without formats, gets none."""
    run = cli(*argv)
    assert run.code == 2
    assert run.err.splitlines()[-1] == f"stepper {argv[0]}: error: unrecognized arguments: {argv[1]}{hint}"
