"""Bad input gets one clear message naming the file and key, and exit status 2; never a traceback."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

GOOD = """\
name = "t"
layers = [2, 3, 2]
activation = "sigmoid"
cost = "sse"
learning_rate = 0.5
inputs  = [[0.8, 0.4], [0.3, 0.3]]
targets = [[0.2, 0.4], [1.0, 0.0]]
"""


def write(tmp_path: Path, text: str, name: str = "net.toml") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def edit(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


CASES = {
    "malformed TOML": (edit('cost = "sse"', "cost = sse"), ["not valid TOML", "line 4"]),
    "unknown key": (GOOD + "learnig_rate = 1\n", ["learnig_rate", "Did you mean 'learning_rate'?"]),
    "unknown init key": (GOOD + "[init]\nsed = 3\n", ["init.sed", "Did you mean 'seed'?"]),
    "missing key": (edit('cost = "sse"\n', ""), ["missing required key 'cost'"]),
    "wrong input width": (
        edit("[[0.8, 0.4], [0.3, 0.3]]", "[[0.8, 0.4, 1], [0.3, 0.3, 1]]"),
        ["inputs[0]", "expected 2 numbers", "line 6"],
    ),
    "ragged rows": (
        edit("[[0.2, 0.4], [1.0, 0.0]]", "[[0.2, 0.4], [1.0]]"),
        ["targets[1]", "expected 2 numbers in this row, got 1"],
    ),
    "row count": (edit("[[0.2, 0.4], [1.0, 0.0]]", "[[0.2, 0.4]]"), ["targets", "expected 2 rows"]),
    "nan": (edit("[[0.8, 0.4]", "[[nan, 0.4]"), ["inputs[0][0]", "finite"]),
    # Matrices are checked whole; the message still names the first bad cell and what it holds.
    "bool in a matrix": (
        edit("[[0.2, 0.4], [1.0, 0.0]]", "[[0.2, 0.4], [1.0, true]]"),
        ["targets[1][1]", "got a boolean (true)"],
    ),
    "string in a matrix": (
        edit("[0.3, 0.3]]", '[0.3, "0.3"]]'),
        ["inputs[1][1]", "expected a number, got a string ('0.3')"],
    ),
    "overflowing float": (edit("[0.3, 0.3]]", "[1e999, 0.3]]"), ["inputs[1][0]", "finite number, got inf"]),
    "inf": (edit("learning_rate = 0.5", "learning_rate = inf"), ["learning_rate", "finite"]),
    "unknown activation": (edit('"sigmoid"', '"sigmod"'), ["sigmod", "Did you mean 'sigmoid'?"]),
    "softmax hidden": (edit('"sigmoid"', '["softmax", "sigmoid"]'), ["output layer only"]),
    "activation count": (edit('"sigmoid"', '["sigmoid"]'), ["list of 2 names"]),
    "unknown cost": (edit('"sse"', '"l2"'), ["unknown cost 'l2'", "sse"]),
    "bce targets": (edit('"sse"', '"bce"').replace("[1.0, 0.0]]", "[1.5, 0.0]]"), ["targets", "[0, 1]"]),
    "zero learning rate": (edit("0.5", "0"), ["learning_rate", "positive"]),
    "negative learning rate": (edit("0.5", "-1"), ["learning_rate", "positive"]),
    "layers too few": (edit("[2, 3, 2]", "[2]"), ["layers", "at least 2"]),
    "layer of zero": (edit("[2, 3, 2]", "[2, 0, 2]"), ["layers[1]", ">= 1"]),
    "weights shape": (
        GOOD + "weights = [[[1, 1, 1]], [[1, 1], [1, 1], [1, 1], [1, 1]]]\n",
        ["weights[0]", "expected 3 rows"],
    ),
    "bad scheme": (GOOD + '[init]\nscheme = "zeros"\n', ["init.scheme", "unknown scheme 'zeros'"]),
    "too many neurons": (edit("[2, 3, 2]", "[2, 1000000, 2]"), ["layers[1]", "at most 4096"]),
    "too many weights": (edit("[2, 3, 2]", "[2, 4000, 4000, 4000, 2]"), ["too large to hold", "at most"]),
    "csv missing": (edit("[[0.8, 0.4], [0.3, 0.3]]", '"nope.csv"'), ["inputs", "nope.csv", "not found"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_network_file(cli, tmp_path: Path, case: str) -> None:
    text, expected = CASES[case]
    path = write(tmp_path, text)
    run = cli("trace", path)
    assert run.code == 2
    assert run.out == ""
    assert run.err.startswith("stepper: error: ") and path in run.err
    for fragment in expected:
        assert fragment in run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["trace", "--iterations", "-3"], "expected a whole number >= 0, got -3"),
        (["train", "--lr", "0"], "expected a positive number"),
        (["train", "--lr", "-0.1"], "expected a positive number"),
        (["trace", "--seed", "x"], "expected a whole number"),
        (["trace", "--init", "zeros"], "invalid choice: 'zeros'"),
        (["trace", "/no/such/net.toml"], "/no/such/net.toml: no such network file"),
        (["trace", "identical-colums"], "Did you mean 'identical-columns'?"),
        (["train", "--format", "yaml"], "invalid choice: 'yaml'"),
    ],
)
def test_bad_command_line(cli, args: list[str], expected: str) -> None:
    run = cli(*args)
    assert run.code == 2
    assert expected in run.err


def test_inputs_and_targets_from_csv(cli, tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("x0,x1\n0.8,0.4\n0.3,0.3\n")
    (tmp_path / "y.csv").write_text("0.2,0.4\n1.0,0.0\n")
    text = edit("[[0.8, 0.4], [0.3, 0.3]]", '"x.csv"').replace("[[0.2, 0.4], [1.0, 0.0]]", '"y.csv"')
    from_csv = cli("trace", write(tmp_path, text), "--format", "json").json()
    inline = cli("trace", write(tmp_path, GOOD, "inline.toml"), "--format", "json").json()
    assert from_csv["iterations"] == inline["iterations"]


def test_bad_csv_names_file_and_line(cli, tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("0.8,0.4\n0.3,oops\n")
    run = cli("trace", write(tmp_path, edit("[[0.8, 0.4], [0.3, 0.3]]", '"x.csv"')))
    assert run.code == 2
    assert "x.csv, line 2, column 2: expected a number, got 'oops'" in run.err


def test_divergence_is_reported_with_its_iteration(cli) -> None:
    run = cli("train", "diverging", "--iterations", "1000", "--format", "json")
    assert run.code == 1
    assert "stepper: diverged at iteration 269: cost became inf\n" in run.err
    doc = run.json()  # still valid JSON: no NaN or Infinity literals
    assert doc["diverged"] == {"iteration": 269, "quantity": "cost", "layer": None}
    assert len(doc["cost"]) == 269 and doc["cost"][-1] == "inf"  # C_k of the diverged iteration


def test_overrides_replace_the_files_settings(cli) -> None:
    doc = cli("trace", "--lr", "0.1", "--init", "normal", "--seed", "7", "--format", "json").json()
    assert doc["network"]["learning_rate"] == 0.1
    assert doc["network"]["init"] == {"scheme": "normal", "scale": 1.0, "seed": 7}
    again = cli("trace", "--init", "normal", "--seed", "7", "--format", "json").json()
    assert again["iterations"][0]["weights_before"] == doc["iterations"][0]["weights_before"]
    other = cli("trace", "--init", "normal", "--seed", "8", "--format", "json").json()
    assert other["iterations"][0]["weights_before"] != doc["iterations"][0]["weights_before"]


def test_seeded_init_is_the_same_on_every_machine(cli) -> None:
    """PCG64 with a fixed seed: these are the draws any machine with the pinned numpy makes."""
    doc = cli("trace", "--init", "normal", "--seed", "1", "--format", "json").json()
    assert doc["iterations"][0]["weights_before"][0][0] == pytest.approx(
        [0.345584192064786, 0.8216181435011584, 0.33043707618338714], rel=1e-15
    )


def test_as_a_real_process_no_traceback_and_no_textual(tmp_path: Path) -> None:
    bad = write(tmp_path, edit('cost = "sse"', "cost = sse"))
    proc = subprocess.run([sys.executable, "-m", "stepper", "trace", bad], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "line 4" in proc.stderr
    probe = (
        "import sys; from stepper.cli import main\n"
        "for cmd in (['trace'], ['train', '--iterations', '5'], ['gradcheck'], ['examples'], ['diagnose'],\n"
        "            ['trace', '--format', 'markdown'], ['trace', '--format', 'latex']):\n"
        "    main(cmd)\n"
        "assert not any(m.split('.')[0] == 'textual' for m in sys.modules), 'textual was imported'\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_on_a_terminal_an_error_naming_a_long_path_wraps_between_words(tmp_path: Path) -> None:
    """An error naming a long path ran past 80 columns, and the terminal broke it mid-word (a
    tester). On a terminal it wraps at its width, the path whole; into a pipe it stays one line."""
    import os
    import pty

    deep = tmp_path / "a-rather-long-folder-name" / "with-another-inside-it" / "and-one-more"
    deep.mkdir(parents=True)
    path = write(deep, edit('cost = "sse"', "cost = sse"), "my-network-file.toml")
    command = [sys.executable, "-m", "stepper", "trace", path]
    env = {**os.environ, "COLUMNS": "80", "LINES": "24"}
    main, terminal = pty.openpty()
    try:
        run = subprocess.run(command, stderr=terminal, stdout=subprocess.DEVNULL, env=env, timeout=60)
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal's other end is closed: everything is read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(main)
    lines = b"".join(chunks).decode().replace("\r", "").splitlines()
    assert run.returncode == 2
    assert len(lines) > 1 and all(len(line) < 80 for line in lines if path not in line), lines
    assert any(line.strip() == f"{path}: not valid" or line.strip().startswith(path) for line in lines)
    assert "not valid TOML" in " ".join(lines)
    piped = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert piped.returncode == 2 and len(piped.stderr.splitlines()) == 1
