"""The names of an iteration's quantities: one vocabulary for the engine, the app and the exports.

Each name is the key the trace JSON uses (docs/json.md) and the symbol the screen shows
(docs/notation.md). :class:`Quantity` is a ``StrEnum``: a member *is* its name as a ``str`` (it
compares, hashes, formats and serialises as ``"n"``, ``"dC_da"``, ...), so JSON, text and widget ids
stay what they were when these were plain strings, while mypy catches a misspelt name.
"""

from __future__ import annotations

from enum import StrEnum


class Quantity(StrEnum):
    """One per-layer quantity of an iteration (or the cost, or the targets)."""

    # The forward pass, the cost and the backward pass (docs/notation.md).
    N = "n"  # pre-activation n^l
    A = "a"  # activation a^l (a^0: the inputs)
    COST = "cost"  # C, one number for the batch
    TARGETS = "targets"  # y
    DC_DA = "dC_da"  # dC/da^l
    DA_DN = "da_dn"  # da^l/dn^l (None for a softmax layer: a Jacobian, not stored)
    DELTA = "delta"  # δ^l = dC/dn^l
    GRAD = "grad"  # dC/dW^l
    # The weights: W^l as the iteration starts, as the update leaves them, and the step between.
    WEIGHTS = "weights"
    WEIGHTS_BEFORE = "weights_before"  # the trace JSON's (and compare's) name for WEIGHTS
    WEIGHTS_AFTER = "weights_after"
    CHANGE = "change"  # ΔW^l
    # The optimizer's terms (docs/network-files.md): the gradient with L2 decay, adamw's η·λ·W,
    # the state after the update, and "*_prev", the state the update starts from.
    G = "g"
    DECAY = "decay"
    V = "v"
    S = "s"
    M = "m"
    M_HAT = "m_hat"
    V_HAT = "v_hat"
    V_PREV = "v_prev"
    S_PREV = "s_prev"
    M_PREV = "m_prev"


Q = Quantity  # short, for the many Refs the step list builds

OPTIMIZER_TERMS = (Q.G, Q.DECAY, Q.V, Q.S, Q.M, Q.M_HAT, Q.V_HAT)
# The state an update starts from, and the state quantity it is the previous value of.
PREVIOUS_STATE = {Q.V_PREV: Q.V, Q.S_PREV: Q.S, Q.M_PREV: Q.M}

# Quantities shaped like a weight matrix: a bias row, then one row per neuron of the layer before.
# (WEIGHTS_BEFORE is only ever a trace-JSON key: the app and exports show it as WEIGHTS.)
WEIGHT_SHAPED = frozenset({Q.WEIGHTS, Q.WEIGHTS_AFTER, Q.GRAD, Q.CHANGE, *OPTIMIZER_TERMS, *PREVIOUS_STATE})

# How the screen and the exports write each quantity; {l} is the layer.
SYMBOLS: dict[Quantity, str] = {
    Q.N: "n^{l}",
    Q.A: "a^{l}",
    Q.COST: "C",
    Q.DC_DA: "dC/da^{l}",
    Q.DA_DN: "da^{l}/dn^{l}",
    Q.DELTA: "δ^{l}",
    Q.GRAD: "dC/dW^{l}",
    Q.WEIGHTS: "W^{l}",
    Q.WEIGHTS_BEFORE: "W^{l}",
    Q.WEIGHTS_AFTER: "W^{l}",
    Q.CHANGE: "ΔW^{l}",
    Q.TARGETS: "y",
    Q.G: "g^{l}",
    Q.DECAY: "η·λ·W^{l}",
    Q.V: "v^{l}",
    Q.S: "s^{l}",
    Q.M: "m^{l}",
    Q.M_HAT: "m̂^{l}",
    Q.V_HAT: "v̂^{l}",
    Q.V_PREV: "v^{l} (before)",
    Q.S_PREV: "s^{l} (before)",
    Q.M_PREV: "m^{l} (before)",
}


def row_label(quantity: Quantity, row: int) -> str:
    """Row ``row`` of ``quantity`` as the screen labels it: a weight-shaped matrix's bias row "b",
    then its weights' rows "i=0", "i=1", … (the neurons they come from); any other's observation
    "o=0", "o=1", …"""
    if quantity in WEIGHT_SHAPED:
        return "b" if row == 0 else f"i={row - 1}"
    return f"o={row}"


def symbol(quantity: Quantity, layer: int) -> str:
    """``quantity`` of ``layer`` as the screen writes it: symbol(Quantity.DELTA, 2) is "δ^2"."""
    return SYMBOLS[quantity].replace("{l}", str(layer))
