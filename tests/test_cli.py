"""The command line's own face: what `stepper --help` promises."""

from __future__ import annotations

import subprocess
import sys


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
