"""A cell's computation term by term (engine/explain.cell_terms), as the Why pane, the quiz and the
exports write it: every factor named as the screen labels its matrix, and numbers written as the
matrices write them (an ASCII '-', a negative operand in parentheses), '−' only as an operator."""

from __future__ import annotations

import re
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stepper.engine import explain
from stepper.engine.explain import cell_name, cell_terms, cost_terms, derivative_terms
from stepper.engine.network import Network
from stepper.engine.steps import Ref
from stepper.engine.walk import Walk
from stepper.formatting import format_number
from stepper.netfile import load_network
from tests.test_gradients import networks

# A U+2212 minus glued to a digit is a number written with the operator's sign (the operator is
# spaced: 1 − 0.9806907).
OPERATOR_AS_SIGN = re.compile(r"−\d")
# A negative number glued to an operator: 0.9·-0.1, + -0.3, − -0.5.
BARE_NEGATIVE = re.compile(r"[·+−] ?-\d")


def every_cell_line(example: str | None) -> list[str]:
    net = load_network(example)
    walk = Walk(net)
    walk.forward(len(walk.steps))
    lines = []
    for step in walk.steps:
        matrix = walk.peek(step.output)
        if not isinstance(matrix, np.ndarray):
            continue  # the cost is one number, not a cell
        for row in range(matrix.shape[0]):
            for col in range(matrix.shape[1]):
                lines.append(cell_terms(net, walk.values, step.output, row, col))
    return lines


@pytest.mark.parametrize("example", [None, "xor"])
def test_numbers_in_a_cell_s_computation_carry_the_matrices_minus(example: str | None) -> None:
    """The tester saw `−0.5 · 0.002268322 = -0.001134161` and `−0.01·(-6.0000000)`: two minus signs."""
    lines = every_cell_line(example)
    assert lines
    assert [line for line in lines if OPERATOR_AS_SIGN.search(line)] == []
    assert [line for line in lines if BARE_NEGATIVE.search(line)] == []
    if example == "xor":  # it has negative numbers, in parentheses
        assert any("·(-" in line for line in lines)


def test_the_seed_s_update_is_written_with_one_minus_per_role() -> None:
    net = load_network()
    walk = Walk(net)
    walk.forward(len(walk.steps))
    assert cell_terms(net, walk.values, Ref("change", 2), 0, 0) == (
        "= −η · dC/dw = -0.5 · 0.02881269 = -0.01440634  (1.0000000 → 0.9855937)"
    )
    assert cell_terms(net, walk.values, Ref("weights_after", 1), 0, 0) == (
        "= w − η · dC/dw = 1.0000000 − 0.5 · 0.002268322 = 0.9988658"
    )


def test_element_wise_factors_are_named_as_the_step_s_formula_names_them() -> None:
    """The seed question's numbers, each factor named: a^1 · (1 − a^1), dC/da^2 · da^2/dn^2."""
    net = load_network()
    walk = Walk(net)
    walk.forward(len(walk.steps))
    v = walk.values
    assert cell_name(Ref("da_dn", 1), 0, 0) == "da^1/dn^1[o=0, j=0]"
    assert cell_terms(net, v, Ref("da_dn", 1), 0, 0) == (
        "= a^1[o,j] · (1 − a^1[o,j]) = 0.9002495 · (1 − 0.9002495) = 0.08980033"
    )
    assert cell_terms(net, v, Ref("delta", 3), 0, 0) == (
        "= dC/da^3[o,j] · da^3/dn^3[o,j] = 1.5613815 · 0.01893642 = 0.02956698"
    )
    # Products name their operands as the product layout does: left row o, above column j.
    assert cell_terms(net, v, Ref("n", 2), 1, 1).startswith(
        "= Σ_i [1 | a^1][o=1, i] · W^1[i, j=1] = 1·1.0000000"
    )
    assert cell_terms(net, v, Ref("grad", 2), 0, 0).startswith("= Σ_o [1 | a^2]ᵀ[b, o] · δ^3[o, j=0] =")
    assert cell_terms(net, v, Ref("dC_da", 2), 0, 0).startswith("= Σ_k δ^3[o=0, j=k] · W^2[i=0, j=k] =")


finite = st.floats(-50, 50, allow_nan=False)


@given(n=finite, activation=st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu", "linear"]))
def test_a_slope_s_computation_shows_its_inputs_and_its_value(n: float, activation: str) -> None:
    from stepper.engine.activations import ACTIVATIONS

    act = ACTIVATIONS[activation]
    a = float(act.forward(np.array([[n]]))[0, 0])
    assert act.derivative is not None
    slope = float(act.derivative(np.array([[n]]), np.array([[a]]))[0, 0])
    line = derivative_terms(activation, 2, n, a, slope)
    assert line is not None and line.endswith(format_number(slope))
    shown = format_number(n) if activation in ("relu", "leaky_relu") else format_number(a)
    assert shown in line or activation == "linear"
    assert not OPERATOR_AS_SIGN.search(line) and not BARE_NEGATIVE.search(line)


def test_the_seed_s_cost_is_written_out_term_by_term() -> None:
    """Step 7, C: a tester found only "C = Σ (a^3 − y)² over a^3 and y = 1.9082220", in the Why
    pane and in the quiz's ✗ wrong. By hand: a^3 = [[0.9806907, 0.9806907], [0.9803864, 0.9803864]]
    and y = [[0.2, 0.4], [1, 0]]: 0.6094 + 0.3372 + 0.0004 + 0.9612 = 1.9082."""
    net = load_network()
    walk = Walk(net)
    walk.forward(7)
    assert cost_terms(net, walk.values) == (
        "= Σ (a^3 − y)² = (0.9806907 − 0.2000000)² + (0.9806907 − 0.4000000)² + "
        "(0.9803864 − 1.0000000)² + (0.9803864 − 0.0000000)² = 1.9082220"
    )


def _evaluate(written: str) -> float:
    """The sum a cost's computation writes, evaluated from its printed numbers."""
    _, middle, _ = written.rsplit(" = ", 2)  # "= formula = terms = value"
    python = (
        middle.replace("½ · ", "0.5 * ")
        .replace("−[", "-(")
        .replace("]", ")")
        .replace("[", "(")
        .replace("−", "-")
        .replace("²", "**2")
        .replace("·", "*")
        .replace("ln(", "log(")
    )
    return float(eval(python, {"log": np.log}))  # our own output: numbers, + - * ** and log


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_a_cost_s_written_terms_add_up_to_the_cost(net: Network) -> None:
    """Every cost, random networks: the terms as printed (7 significant digits) add up to C."""
    walk = Walk(net)
    walk.forward(len(walk.steps))
    with mock.patch.object(explain, "MAX_TERMS", 10**6):  # every term (on screen, the first few and …)
        written = cost_terms(net, walk.values)
    assert written.endswith(f" = {format_number(float(walk.values.cost))}")
    total = _evaluate(written)
    assert np.isclose(total, walk.values.cost, rtol=1e-5, atol=1e-6), (written, total)
