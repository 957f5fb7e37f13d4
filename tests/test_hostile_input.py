"""Hostile input is refused up front, with one message naming the file and exit 2 (issue 11).

Every hostile file is made here, in tmp_path; large ones are refused from their declared size, so
the tests stay small and fast.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.lib import format as npy

from stepper import limits
from stepper.netfile import load_network
from tests.test_bad_input import GOOD, edit, write


def refused(run, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert run.code == 2, run.err
    assert run.err.startswith("stepper: error: "), run.err
    assert run.err.count("\n") == 1, run.err  # one message
    assert "Traceback" not in run.err
    for fragment in fragments:
        assert fragment in run.err, run.err


# --- regular files only ---------------------------------------------------------------------------
def test_a_device_is_refused_at_once(cli) -> None:
    start = time.monotonic()
    refused(cli("trace", "/dev/zero"), "/dev/zero: is a device, expected a network file")
    refused(cli("compare", "/dev/zero"), "/dev/zero: is a device")
    assert time.monotonic() - start < 5


def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "net.toml"
    os.mkfifo(fifo)
    (tmp_path / "csv.toml").write_text(edit("[[0.8, 0.4], [0.3, 0.3]]", '"pipe.csv"'))
    os.mkfifo(tmp_path / "pipe.csv")
    os.mkfifo(tmp_path / "mine.json")
    for args in (
        ["trace", str(fifo)],
        ["trace", str(tmp_path / "csv.toml")],
        ["compare", str(tmp_path / "mine.json")],
    ):
        # A real process: were the pipe opened for reading the normal way, it would block for good.
        proc = subprocess.run(
            [sys.executable, "-m", "stepper", *args], capture_output=True, text=True, timeout=30
        )
        assert proc.returncode == 2 and "a named pipe (FIFO)" in proc.stderr, proc.stderr
        assert "not found" not in proc.stderr and "Traceback" not in proc.stderr


def test_an_empty_network_name_is_bad_input(cli) -> None:
    refused(cli("trace", ""), "expected a network file or a built-in example name, got an empty name")


# --- sizes stated up front ------------------------------------------------------------------------
def test_a_network_file_above_the_cap_is_refused_from_its_size(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("stepper.netfile.MAX_NETWORK_FILE_BYTES", 100)
    path = write(tmp_path, GOOD)
    refused(cli("trace", path), path, "larger than the 100 bytes allowed for a network file")


def test_a_csv_above_the_cap_is_refused_from_its_size(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("stepper.netfile.MAX_CSV_BYTES", 1024)
    (tmp_path / "x.csv").write_text("0.8,0.4\n" * 200)
    path = write(tmp_path, edit("[[0.8, 0.4], [0.3, 0.3]]", '"x.csv"'))
    refused(cli("trace", path), "x.csv", "1.56 KiB, larger than the 1 KiB allowed")


def test_a_json_of_numbers_above_the_cap_is_refused(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("stepper.minefile.MAX_MINE_JSON_BYTES", 1000)
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"iterations": [{"cost": 1.0}] * 100}))
    refused(cli("compare", str(mine)), "mine.json", "larger than the 1000 bytes allowed")


# --- .npz: headers checked before anything is unpacked --------------------------------------------
def npz_with_header(path: Path, shape: tuple[int, ...], data: bytes = b"", compress: bool = False) -> None:
    header = io.BytesIO()
    npy.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": shape})
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", method) as archive:
        archive.writestr("a1.npy", header.getvalue() + data)


def test_a_huge_declared_shape_is_refused_before_allocating(cli, tmp_path) -> None:
    npz_with_header(tmp_path / "huge.npz", (10**6, 10**6))
    assert (tmp_path / "huge.npz").stat().st_size < 400
    refused(cli("compare", str(tmp_path / "huge.npz")), "huge.npz: array 'a1' declares 1000000×1000000")


def test_a_zip_bomb_is_refused_from_its_header(cli, tmp_path) -> None:
    # 290 MB of zeros compress to about 280 KB; the header says how large it is.
    npz_with_header(tmp_path / "bomb.npz", (6000, 6000), bytes(6000 * 6000 * 8), compress=True)
    assert (tmp_path / "bomb.npz").stat().st_size < 1_000_000
    refused(cli("compare", str(tmp_path / "bomb.npz")), "bomb.npz", "more than the 256 MiB allowed")


def test_a_member_with_more_data_than_its_header_declares_is_refused(cli, tmp_path) -> None:
    npz_with_header(tmp_path / "liar.npz", (2, 3), bytes(8 * 10**6), compress=True)
    refused(cli("compare", str(tmp_path / "liar.npz")), "does not match its declared shape")


def test_complex_npz_values_are_refused(cli, tmp_path) -> None:
    np.savez(tmp_path / "c.npz", a1=np.ones((2, 3), dtype=complex))
    refused(cli("compare", str(tmp_path / "c.npz")), "c.npz: array 'a1' holds complex numbers")


def test_a_file_that_is_not_a_zip_is_refused(cli, tmp_path) -> None:
    (tmp_path / "no.npz").write_bytes(b"PK\x03\x04 not really")
    refused(cli("compare", str(tmp_path / "no.npz")), "no.npz: not a readable .npz")


# --- nesting and long numbers ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "text", "fragments"),
    [
        ("deep.toml", "a = " + "[" * 100_000 + "]" * 100_000, ["line 1", "nested more than 32 deep"]),
        ("digits.toml", GOOD.replace("[2, 3, 2]", "[2, " + "9" * 5000 + ", 2]"), ["line 2", "digits"]),
        ("deep.json", "[" * 100_000 + "]" * 100_000, ["nested more than 32 deep"]),
        ("digits.json", '{"iterations": [{"cost": ' + "1" * 5000 + "}]}", ["5000 digits"]),
    ],
)
def test_deep_nesting_and_huge_integers_are_refused(cli, tmp_path, name, text, fragments) -> None:
    (tmp_path / name).write_text(text)
    args = ("trace", str(tmp_path / name)) if name.endswith(".toml") else ("compare", str(tmp_path / name))
    refused(cli(*args), name, *fragments)


def test_a_long_integer_in_a_file_is_not_a_huge_allocation(cli, tmp_path) -> None:
    path = write(tmp_path, GOOD + "[session]\niteration = " + "9" * 40 + "\n")
    refused(cli("trace", path), "session.iteration", "line 9", "<= 10,000,000")


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("learning_rate = 0.5", "learning_rate = 1" + "0" * 400, "learning_rate"),
        ("[[0.8, 0.4]", "[[1" + "0" * 400 + ", 0.4]", "inputs[0][0]"),
    ],
)
def test_a_whole_number_beyond_float_range_is_refused(cli, tmp_path, old, new, key) -> None:
    refused(cli("trace", write(tmp_path, edit(old, new))), key, "a whole number of 401 digits")


# --- networks too large, from an estimate ---------------------------------------------------------
def test_a_network_too_large_to_hold_is_refused_with_the_estimate(cli, tmp_path) -> None:
    layers = [4096, 1] * 20
    rows = "\n".join(",".join(["0.5"] * 4096) for _ in range(976))
    (tmp_path / "x.csv").write_text(rows + "\n")
    (tmp_path / "y.csv").write_text("0.5\n" * 976)
    text = (
        f"layers = {layers[:-1]}\nactivation = 'sigmoid'\ncost = 'sse'\nlearning_rate = 1\n"
        "inputs = 'x.csv'\ntargets = 'y.csv'\n"
    )
    start = time.monotonic()
    refused(cli("trace", write(tmp_path, text)), "39 layers with 976 observations", "need about", "MiB")
    assert time.monotonic() - start < 20  # the estimate, not an attempt


@pytest.mark.parametrize("depth", [65, 812, 100_000])
def test_too_many_layers_are_refused(cli, tmp_path, depth: int) -> None:
    text = edit("[2, 3, 2]", "[2, " + ", ".join(["1"] * (depth - 2)) + ", 2]")
    refused(cli("trace", write(tmp_path, text)), f"{depth} layers is too deep", "at most 64")


def test_the_memory_estimate_worked_by_hand() -> None:
    # 2-3-3-2 × 2: parameters 3·3 + 4·3 + 4·2 = 29, neurons 10. One iteration: 3·29 + 6·2·10 = 207
    # floats, twice (shown and computing); the walk's 64 checkpoints: 64·29 = 1856. 8 bytes each.
    assert limits.parameters((2, 3, 3, 2)) == 29
    assert limits.memory_estimate((2, 3, 3, 2), 2) == 8 * (2 * 207 + 1856)


@given(
    st.lists(st.integers(1, 4096), min_size=2, max_size=8),
    st.integers(1, 100_000),
    st.integers(0, 6),
    st.integers(1, 500),
)
def test_the_estimate_grows_with_every_size(layers: list[int], m: int, i: int, more: int) -> None:
    base = limits.memory_estimate(layers, m)
    bigger = list(layers)
    bigger[i % len(layers)] += more
    assert limits.memory_estimate(bigger, m) > base
    assert limits.memory_estimate(layers, m + more) > base
    assert limits.memory_estimate([*layers, 1], m) > base


@pytest.mark.parametrize(
    ("layers", "observations"),
    [((784, 128, 10), 256), ((64, 128, 128, 10), 32), ((2, 3, 3, 2), 2)],  # the README's and benchmarks'
)
def test_the_networks_the_readme_talks_about_pass(layers, observations) -> None:
    assert limits.memory_estimate(layers, observations) < limits.MAX_MEMORY / 4


def test_a_784_128_10_network_from_csv_files_loads(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    np.savetxt(tmp_path / "x.csv", rng.uniform(size=(256, 784)), delimiter=",", fmt="%.4f")
    np.savetxt(tmp_path / "y.csv", np.eye(10)[rng.integers(0, 10, 256)], delimiter=",", fmt="%g")
    text = (
        "layers = [784, 128, 10]\nactivation = 'sigmoid'\ncost = 'sse'\nlearning_rate = 0.1\n"
        "inputs = 'x.csv'\ntargets = 'y.csv'\n[init]\nscheme = 'normal'\nscale = 0.1\n"
    )
    net = load_network(write(tmp_path, text))
    assert net.inputs.shape == (256, 784) and net.targets.shape == (256, 10)


# --- CSV: no silent data loss ---------------------------------------------------------------------
def csv_network(tmp_path: Path, csv_text: str | bytes) -> str:
    data = csv_text.encode() if isinstance(csv_text, str) else csv_text
    (tmp_path / "x.csv").write_bytes(data)
    return write(tmp_path, edit("[[0.8, 0.4], [0.3, 0.3]]", '"x.csv"'))


def test_a_csv_with_a_bom_keeps_its_first_row(tmp_path: Path) -> None:
    net = load_network(csv_network(tmp_path, "\ufeff0.8,0.4\n0.3,0.3\n".encode()))
    assert net.inputs.tolist() == [[0.8, 0.4], [0.3, 0.3]]


def test_a_header_row_is_skipped_only_when_no_field_is_a_number(tmp_path: Path) -> None:
    net = load_network(csv_network(tmp_path, "\ufeffx0,x1\n0.8,0.4\n0.3,0.3\n".encode()))
    assert net.inputs.tolist() == [[0.8, 0.4], [0.3, 0.3]]


@pytest.mark.parametrize(
    ("csv_text", "where"),
    [
        ("0.8,o.4\n0.3,0.3\n", "line 1, column 2: expected a number, got 'o.4'"),  # a typo in row 1
        ("x0,1\n0.8,0.4\n0.3,0.3\n", "line 1, column 1: expected a number, got 'x0'"),  # half a header
        ("0.8,0.4\n0.3,1_000\n", "line 2, column 2: expected a number, got '1_000'"),
        ("0.8,0.4\n0.3,١٢\n", "line 2, column 2"),
        ("x0,x1\n0.8,0.4\nx0,x1\n", "line 3, column 1"),  # a header only counts as the first row
    ],
)
def test_a_field_that_is_not_a_number_is_an_error_with_row_and_column(cli, tmp_path, csv_text, where) -> None:
    refused(cli("trace", csv_network(tmp_path, csv_text)), "x.csv", where)


@pytest.mark.parametrize(
    ("csv_text", "fragment"),
    [
        ("0.8," + "1" * 200_000 + "\n", "not readable as CSV"),  # beyond the csv module's field limit
        ("0.8,0.4\n0.3,0\x00.3\n", "line 2"),
        (b"0.8,0.4\n0.3,\xff\n", "not UTF-8"),
    ],
)
def test_a_csv_the_csv_module_chokes_on_is_bad_input(cli, tmp_path, csv_text, fragment) -> None:
    refused(cli("trace", csv_network(tmp_path, csv_text)), "x.csv", fragment)


# --- the small cases ------------------------------------------------------------------------------
def test_a_bom_in_a_toml_file_is_read(cli, tmp_path: Path) -> None:
    (tmp_path / "bom.toml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    plain = cli("trace", write(tmp_path, GOOD), "--format", "json").json()
    assert (
        cli("trace", str(tmp_path / "bom.toml"), "--format", "json").json()["iterations"]
        == plain["iterations"]
    )


def test_a_repeated_key_is_reported_at_its_own_line(cli, tmp_path: Path) -> None:
    text = GOOD + "inputs = [\n  [0.8, 0.4],\n  [0.3, 0.3],\n]\n"  # tomllib points at the closing ]
    refused(cli("trace", write(tmp_path, text)), "line 8: inputs is given twice (first at line 6)")


def test_a_repeated_key_in_a_table_is_reported_at_its_line(cli, tmp_path: Path) -> None:
    text = GOOD + "[init]\nscheme = 'normal'\nseed = 1\nseed = 2\n"
    refused(cli("trace", write(tmp_path, text)), "line 11: init.seed is given twice (first at line 10)")


PIN = "\n[[session.pins]]\niteration = {it}\nweights = [\n  [[1, 1, 1], [1, 1, 1], [1, 1, 1]],\n  {w1},\n]\n"
W1 = "[[1, 1], [1, 1], [1, 1], [1, 1]]"


def test_a_broken_session_pin_is_reported_at_its_own_line(cli, tmp_path: Path) -> None:
    text = GOOD + "[session]\niteration = 3\n" + PIN.format(it=2, w1=W1) + PIN.format(it=3, w1="[[1, 1]]")
    path = write(tmp_path, text)
    lines = Path(path).read_text().splitlines()
    line = [i for i, t in enumerate(lines, 1) if t.startswith("weights")][1]  # the second pin's
    refused(cli("trace", path), f"line {line}: session.pins[1].weights[1]", "expected 4 rows")


def test_a_pin_given_twice_is_refused(cli, tmp_path: Path) -> None:
    text = GOOD + "[session]\niteration = 3\n" + PIN.format(it=2, w1=W1) + PIN.format(it=2, w1=W1)
    refused(cli("trace", write(tmp_path, text)), "session.pins[1].iteration", "iteration 2 is pinned twice")


def test_an_iteration_given_twice_in_mine_is_refused(cli, tmp_path: Path) -> None:
    (tmp_path / "mine.json").write_text(json.dumps({"iterations": [{"iteration": 1}, {"iteration": 1}]}))
    refused(cli("compare", str(tmp_path / "mine.json")), "iterations[1]: iteration 1 is given twice")


@pytest.mark.parametrize("count", ["1_000", "١٢", " 12", "+5", "1e3", "9" * 30, "10000001"])
def test_iterations_take_plain_ascii_digits_within_the_cap(cli, count: str) -> None:
    run = cli("trace", "--iterations", count)
    assert run.code == 2 and run.out == ""
    assert "argument --iterations: expected" in run.err.splitlines()[-1]


def test_numpy_warnings_never_reach_stderr(cli, tmp_path: Path) -> None:
    text = edit("[[0.8, 0.4], [0.3, 0.3]]", "[[1e300, 1e300], [1e300, 1e300]]").replace('"sigmoid"', '"relu"')
    big = "[" + ", ".join(["[1e300, 1e300, 1e300]"] * 3) + "], [" + ", ".join(["[1e300, 1e300]"] * 4) + "]"
    path = write(tmp_path, text + f"weights = [{big}]\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for command in ("gradcheck", "trace", "diagnose", "train"):
            run = cli(command, path)
            assert run.code in (0, 1) and "Warning" not in run.err, run.err
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]


# --- long work in bounded memory ------------------------------------------------------------------
class Discard:
    """A stdout that counts what is written and keeps none of it."""

    def __init__(self) -> None:
        self.written = 0

    def write(self, text: str) -> int:
        self.written += len(text)
        return len(text)

    def flush(self) -> None:
        pass


# Iterations enough for several megabytes of output: the text trace is about 13 KB an iteration
# and, under tracemalloc, 20 ms (3000 of them were a minute of the suite); json about 0.8 KB.
@pytest.mark.parametrize(("fmt", "iterations"), [("json", 3000), ("text", 600)])
def test_a_long_trace_is_written_as_it_is_computed(monkeypatch, fmt: str, iterations: int) -> None:
    import tracemalloc

    from stepper.cli import main

    out = Discard()
    monkeypatch.setattr(sys, "stdout", out)
    tracemalloc.start()
    try:
        assert main(["trace", "--iterations", str(iterations), "--format", fmt]) == 0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.written > 6_000_000  # twice the peak allowed below, and more
    assert peak < 3_000_000  # one iteration at a time, not the whole trace


def test_the_streamed_trace_is_the_documents_json(cli) -> None:
    from stepper.engine.divergence import find_divergence
    from stepper.engine.iteration import run_iteration
    from stepper.engine.steps import build_steps
    from stepper.exports.json_out import trace_json

    run = cli("trace", "diverging", "--iterations", "300", "--format", "json")
    net = load_network("diverging")
    from stepper.engine.history import WeightHistory
    from stepper.engine.optimizers import OptimizerState

    steps, values, diverged, history = build_steps(net), [], None, WeightHistory(net)
    weights, state = net.weights, OptimizerState()
    with np.errstate(all="ignore"):
        for k in range(1, 301):
            values.append(run_iteration(net, weights, state, history.batch(k)))
            diverged = find_divergence(values[-1], steps, k)
            if diverged is not None:
                break
            weights, state = values[-1].weights_after, values[-1].state_after
    from stepper.exports.json_out import plain

    assert run.code == 1 and run.json() == json.loads(json.dumps(plain(trace_json(net, values, diverged))))
    assert run.json()["diverged"]["iteration"] == 269


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
def test_a_markdown_or_latex_trace_too_long_to_lay_out_whole_is_refused_up_front(cli, fmt) -> None:  # type: ignore[no-untyped-def]
    run = cli("trace", "--iterations", "100000", "--format", fmt)
    assert run.code == 2 and "at most 1,000 iterations" in run.err and run.out == ""
