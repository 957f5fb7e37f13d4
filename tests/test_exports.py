"""`stepper trace --format markdown | latex | text`: shareable traces that carry the seed's numbers."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

SEED_NUMBERS = ["2.2000000", "1.6000000", "0.9002495", "0.8320184", "0.02881269", "0.05805621", "1.9082220"]


def test_markdown_has_a_heading_formula_and_mathjax_matrix_per_step(cli) -> None:
    run = cli("trace", "--format", "markdown")
    assert run.code == 0
    md = run.out
    assert len(re.findall(r"^### Step \d+: ", md, flags=re.M)) == 22
    assert "### Step 1: forward · pre-activation n^1" in md
    assert (
        r"$$n^{1} = [1 \mid a^{0}] \cdot W^{0} \qquad (2\times 3) \cdot (3\times 3) \to (2\times 3)$$" in md
    )
    assert r"$$\delta^{3} = \partial C/\partial a^{3} \odot \partial a^{3}/\partial n^{3}" in md
    assert md.count(r"\begin{pmatrix}") == md.count(r"\end{pmatrix}") > 40
    for number in SEED_NUMBERS:
        assert number in md
    # The question's layout of a product: the operands and the result, each named.
    assert r"}_{[1 \mid a^{0}]} \cdot \underbrace{" in md


def _balanced(text: str) -> bool:
    depth = 0
    for ch in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("network", ["identical-columns", "xor", "dead-relu", "vanishing"])
def test_latex_is_a_whole_amsmath_document(cli, network) -> None:
    tex = cli("trace", network, "--format", "latex", "--iterations", "2").out
    assert tex.startswith(r"\documentclass") and r"\usepackage{amsmath}" in tex
    assert tex.count(r"\begin{document}") == 1 and tex.rstrip().endswith(r"\end{document}")
    assert tex.isascii(), "pdflatex needs every symbol spelled as a LaTeX command"
    assert _balanced(tex)
    for env in ("pmatrix", "document"):
        assert tex.count(rf"\begin{{{env}}}") == tex.count(rf"\end{{{env}}}")
    assert tex.count(r"\section*{Iteration") == 2


def test_latex_of_the_seed_carries_its_numbers(cli) -> None:
    tex = cli("trace", "--format", "latex").out
    for number in SEED_NUMBERS:
        assert number in tex


ACTIVATION_COSTS = """
layers = [2, 3, 3, 2]
activation = {activation}
cost = "{cost}"
learning_rate = 0.1
inputs = [[0.1, 0.9], [0.8, 0.2]]
targets = [[0.0, 1.0], [1.0, 0.0]]
[init]
scheme = "normal"
seed = 4
"""

VARIANTS = [
    ('["relu", "leaky_relu", "linear"]', "mse"),
    ('["tanh", "sigmoid", "softmax"]', "ce"),
    ('["leaky_relu", "tanh", "sigmoid"]', "bce"),
    ('"linear"', "half_sse"),
]


# A 10-wide network (the widest the LaTeX export promises to fit at full width) with numbers of every
# length: 12 observations, inputs up to -9.123457, scientific-notation weights.
WIDE = """
layers = [10, 10, 10]
activation = ["tanh", "softmax"]
cost = "ce"
learning_rate = 0.5
inputs = [{inputs}]
targets = [{targets}]
[init]
scheme = "normal"
scale = 1e-9
seed = 1
"""


def _wide_network(path: Path) -> Path:
    rows = [[round(-9.123456789 * (o + 1) / (j + 1), 9) for j in range(10)] for o in range(12)]
    inputs = ", ".join(str(row) for row in rows)
    targets = ", ".join(str([1.0 if j == o % 10 else 0.0 for j in range(10)]) for o in range(12))
    path.write_text(WIDE.format(inputs=inputs, targets=targets))
    return path


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no LaTeX on this machine (.ci/run installs it)")
@pytest.mark.parametrize(("activation", "cost"), [("sigmoid", "sse"), *VARIANTS, ("10 wide", "ce")])
def test_latex_compiles_and_fits_the_page(cli, tmp_path: Path, activation, cost) -> None:
    if activation == "sigmoid":
        tex = cli("trace", "--format", "latex").out
    elif activation == "10 wide":
        tex = cli("trace", str(_wide_network(tmp_path / "wide.toml")), "--format", "latex").out
    else:
        net = tmp_path / "net.toml"
        net.write_text(ACTIVATION_COSTS.format(activation=activation, cost=cost))
        tex = cli("trace", str(net), "--format", "latex").out
    assert _pdflatex(tmp_path, tex) > 1000


def _pdflatex(folder: Path, tex: str) -> int:
    """Compile ``tex`` in ``folder``: nothing may run off the page. The size of the PDF it made."""
    (folder / "trace.tex").write_text(tex)
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "trace.tex"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    log = (folder / "trace.log").read_text(errors="replace")
    overfull = [line for line in log.splitlines() if line.startswith("Overfull \\hbox")]
    assert not overfull, "runs off the page: " + "; ".join(overfull)
    return (folder / "trace.pdf").stat().st_size


@pytest.mark.parametrize(("activation", "cost"), VARIANTS)
def test_every_activation_and_cost_exports_as_ascii_latex(cli, tmp_path: Path, activation, cost) -> None:
    net = tmp_path / "net.toml"
    net.write_text(ACTIVATION_COSTS.format(activation=activation, cost=cost))
    tex = cli("trace", str(net), "--format", "latex").out
    assert tex.isascii() and _balanced(tex)


def test_text_lays_products_out_as_in_the_question(cli) -> None:
    out = cli("trace").out
    assert "[1 | a^0] (left) · W^0 (above) = n^1 (grid):" in out
    # The left operand's row [1 0.8 0.4] meets the result row [2.2 2.2 2.2].
    assert "│ 1.0000000 0.8000000 0.4000000 │ 2.2000000 2.2000000 2.2000000 │" in out
    assert "[1 | a^2]ᵀ (left) · δ^3 (above) = dC/dW^2 (grid):" in out


def test_product_grid_pads_both_sides_of_every_bar() -> None:
    """By hand, a 1×3 · 3×2 with a 10-character cell (0.05000000): every row of the grid has one space
    inside each bar, on the left as on the right, and the three blocks line up."""
    from stepper.exports.product import product_layout

    lines = product_layout(np.array([[1.0, 0.05, 0.1]]), np.full((3, 2), 0.5), np.array([[0.3775, 0.3925]]))
    assert lines is not None
    assert lines[-1] == "│  1.0000000 0.05000000  0.1000000 │  0.3775000  0.3925000 │"
    assert lines[0] == " " * 35 + "│  0.5000000  0.5000000 │"
    assert lines[3] == " " * 35 + "├───────────────────────┤"
    assert len({len(line) for line in lines}) == 1


@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 4),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
)
def test_product_grid_rows_are_aligned_and_padded(m, k, n, x) -> None:
    from stepper.exports.product import product_layout

    lines = product_layout(np.full((m, k), x), np.full((k, n), -x), np.full((m, n), x * 2))
    assert lines is not None and len({len(line) for line in lines}) == 1
    for line in lines[:k] + lines[k + 1 :]:  # all but the ├──┤ between the right operand and result
        assert "│" in line and all(part.startswith(" ") for part in line.split("│")[1:-1])


def test_markdown_and_latex_write_inf_and_nan_as_symbols(cli) -> None:
    md = cli("trace", "exploding", "--iterations", "3", "--format", "markdown").out
    assert "$$C = \\infty$$" in md and "C = inf$$" not in md
    from stepper.exports.tex import tex_number

    assert (tex_number(float("inf")), tex_number(-float("inf")), tex_number(float("nan"))) == (
        "\\infty",
        "-\\infty",
        "\\mathrm{NaN}",
    )
    assert tex_number(0.5) == "0.5000000"


def test_the_header_says_observation_for_one(cli, tmp_path) -> None:
    text = (
        'layers = [1, 1]\nactivation = "sigmoid"\ncost = "sse"\nlearning_rate = 0.5\n'
        "inputs = [[1.0]]\ntargets = [[0.5]]\nweights = [[[0.0], [1.0]]]\n"
    )
    path = tmp_path / "one.toml"
    path.write_text(text)
    assert " 1 observation\n\n" in cli("trace", str(path)).out  # the header's last part
    assert " 2 observations\n\n" in cli("trace").out


@pytest.mark.parametrize(
    "args",
    [
        ("trace", "adam-bias-correction"),
        ("train", "minibatch-noise", "--iterations", "2"),
        ("diagnose", "adam-bias-correction"),
        ("map", "xor", "--resolution", "5"),
        ("trace", "identical-columns", "--optimizer", "momentum", "--batch-size", "1"),
    ],
    ids=lambda a: " ".join(a),
)
def test_the_network_line_fits_80_columns_broken_between_its_parts(cli, args) -> None:
    """The network's line (about 100 characters with an optimizer and batches) wraps at 80 columns
    between its comma-separated parts, indented under its first: a terminal broke it mid-word."""
    lines = cli(*args).out.split("\n")
    ends = next(i for i, line in enumerate(lines) if i and not line.startswith("  "))
    head = lines[:ends]  # the first line and those indented under it
    assert len(head) >= 2 and all(len(line) <= 80 for line in head), head
    assert all(line.startswith("  ") and not line.startswith("   ") for line in head[1:]), head
    assert all(line.rstrip().endswith(",") for line in head[:-1]), head  # broken after a comma
    joined = " ".join(line.strip() for line in head)
    assert re.search(r"\d+ observations?(, optimizer [^,]+)?(, batches of \d+)?$", joined), joined


def test_every_export_narrates_the_symmetry(cli) -> None:
    text = cli("trace").out
    assert "Columns 0–2 of n^1 are equal because columns 0–2 of W^0 (the weights in) are" in text
    md = cli("trace", "--format", "markdown").out
    assert "> Columns 0–2 of δ^2 are equal because dC/da^2 and da^2/dn^2 have equal columns 0–2" in md
    assert "neurons 0–2 of layer 2 are still clones." in md
    tex = cli("trace", "--format", "latex").out
    assert r"\emph{Columns 0--2 of $n^{1}$ are equal because" in tex


def test_the_quiz_leaves_every_result_blank_and_answers_it_at_the_end(cli) -> None:
    run = cli("trace", "--format", "markdown", "--quiz")
    assert run.code == 0
    questions, key = run.out.split("## Answer key, iteration 1")
    assert len(re.findall(r"^### Step \d+: ", questions, flags=re.M)) == 22
    assert len(re.findall(r"^### Step \d+: ", key, flags=re.M)) == 22
    # The givens are in the questions, no result is: n^1 is 2.2 and a^1 0.9002495 (which the header's
    # rounding note quotes as its example, so it is left out).
    body = questions.split("## Iteration 1", 1)[1]
    assert "0.8000000" in body and "2.2000000" not in body and "0.9002495" not in body
    # One blank per number computed: forward 32, cost 1, backward 20 + 30 + 27, update 9 + 12 + 8.
    assert questions.count(r"\underline{\hphantom{0.0000000}}") == 32 + 1 + 77 + 29
    for number in SEED_NUMBERS:
        assert number in key
    assert (
        "`n^1[o=0, j=0] = Σ_i [1 | a^0][o=0, i] · W^0[i, j=0] = "
        "1·1.0000000 + 0.8000000·1.0000000 + 0.4000000·1.0000000 = 2.2000000`"
    ) in key
    # The cost too, which had only its value: its four squares are the work a learner checks.
    assert "`C = Σ (a^3 − y)² = (0.9806907 − 0.2000000)² + (0.9806907 − 0.4000000)² + " in key
    # The narration is the teacher's: in the key, not a hint in the questions.
    assert "clones" not in questions and "still clones" in key


def test_a_quiz_of_two_iterations_says_where_the_weights_come_from(cli) -> None:
    tex = cli("trace", "xor", "--format", "latex", "--quiz", "--iterations", "2").out
    assert tex.isascii() and _balanced(tex)
    assert "The weights are your answers to the update steps of iteration 1." in tex
    assert r"\section*{Answer key, iteration 2}" in tex


def test_the_quiz_needs_markdown_or_latex(cli) -> None:
    run = cli("trace", "--quiz")
    assert run.code == 2
    assert run.err.strip() == "stepper: error: --quiz needs --format markdown or latex, not --format text"


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no LaTeX on this machine")
@pytest.mark.parametrize("wide", [False, True], ids=["seed", "10 wide"])
def test_the_latex_quiz_compiles_and_fits_the_page(cli, tmp_path: Path, wide: bool) -> None:
    network = [str(_wide_network(tmp_path / "wide.toml"))] if wide else []
    assert _pdflatex(tmp_path, cli("trace", *network, "--format", "latex", "--quiz").out) > 1000


def test_latex_writes_scientific_numbers_as_powers_of_ten() -> None:
    """A weight of 1e200 was written 1.000000e+200 inside the maths: e plus 200."""
    from stepper.exports.tex import tex_number, work_math

    assert tex_number(1e200) == r"1.000000 \times 10^{200}"
    assert tex_number(-3.2e-9) == r"-3.200000 \times 10^{-9}"
    assert tex_number(0.9002495) == "0.9002495"
    assert work_math("= (-1.966706e+154 − 1.0000000)²") == r"= (-1.966706 \times 10^{154} - 1.0000000)^{2}"


def test_latex_writes_a_cost_in_scientific_notation_as_a_power_of_ten_in_text_and_answer_key(cli) -> None:
    """Iteration 5 of diverging costs 1401754: "C = 1.401754e+06" in the text line and the quiz's
    answer key set as "e plus 06" (the answer key's C was no maths number)."""
    tex = cli("trace", "diverging", "--format", "latex", "--iterations", "5").out
    assert r"Cost of iteration 5: C = $1.401754 \times 10^{6}$\par" in tex
    key = cli("trace", "diverging", "--format", "latex", "--quiz", "--iterations", "5").out
    assert r"\stepperdisplay{C = 1.401754 \times 10^{6}}" in key
    assert not re.search(r"\de[+-]\d", tex + key)


def test_latex_sets_less_than_and_greater_than_as_maths_not_as_inverted_marks(cli) -> None:
    """In text mode the default OT1 encoding prints > as ¿: dead-relu's narration "active for every
    observation (n^1 > 0, …" read "(n1 ¿ 0" in the PDF."""
    from stepper.exports.tex import latex_text

    tex = cli("trace", "dead-relu", "--format", "latex").out
    assert r"active for every observation $(n^{1}$ $>$ 0, where ReLU's slope is 1)" in tex
    # Outside math, no bare < or >; inside math they stay as they are.
    assert latex_text("a < b and n^1>0") == r"a $<$ b and $n^{1}>0$"
