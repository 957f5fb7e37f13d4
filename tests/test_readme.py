"""The README's example session: every command in it prints what the README says it prints."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.test_compare import learner_trace, write

README = Path(__file__).resolve().parent.parent / "README.md"


def examples() -> list[tuple[str, list[str]]]:
    """(command, expected lines) for each `$ stepper …` of the README's example blocks."""
    out: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```\n(\$ stepper.*?)```", README.read_text(), re.S):
        for chunk in re.split(r"^(?=\$ )", block, flags=re.M):
            if chunk.strip():
                command, *lines = chunk.rstrip("\n").split("\n")
                out.append((command[2:].split("#")[0].strip(), lines))
    return out


def pieces(lines: list[str]) -> list[list[str]]:
    """The runs of lines between the README's "..." (output it leaves out)."""
    runs: list[list[str]] = [[]]
    for line in lines:
        if line.strip() == "...":
            runs.append([])
        else:
            runs[-1].append(line.rstrip())
    return [r for r in runs if r]


def test_the_readme_has_its_examples() -> None:
    commands = [c for c, _ in examples()]
    assert "stepper gradcheck" in commands and "stepper train diverging" in commands


@pytest.mark.parametrize(("command", "lines"), examples(), ids=[c for c, _ in examples()])
def test_each_readme_example_prints_what_the_readme_shows(cli, tmp_path, monkeypatch, command, lines) -> None:
    monkeypatch.chdir(tmp_path)
    args = shlex.split(command)[1:]
    if "mine.json" in args:  # the learner who forgot da/dn in a hidden layer
        write(tmp_path, learner_trace("random-init", "derivative forgotten"))
    run = cli(*args)
    # Trailing spaces are the only liberty: a Markdown file does not keep them.
    shown = [line.rstrip() for line in (run.out + run.err).rstrip("\n").split("\n")]
    at = 0
    for piece in pieces(lines):
        # Each shown run of lines is in the output as it is, in the README's order.
        found = next(
            (i for i in range(at, len(shown) - len(piece) + 1) if shown[i : i + len(piece)] == piece), None
        )
        assert found is not None, f"{command}: not in its output:\n" + "\n".join(piece)
        at = found + len(piece)
