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
