"""One vocabulary of quantities (engine/quantities.py): every quantity a step names can be shown,
explained cell by cell, and looked up in the docs under the name the JSON gives it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from stepper.engine.explain import cell_meaning, cell_name, cell_terms
from stepper.engine.network import Network
from stepper.engine.optimizers import OptimizerSpec
from stepper.engine.quantities import SYMBOLS, Quantity
from stepper.engine.steps import Ref, build_steps
from stepper.engine.walk import Walk
from stepper.exports.json_out import dumps, trace_json
from stepper.netfile import load_network

DOCS = Path(__file__).resolve().parent.parent / "docs"

OPTIMIZERS = [
    OptimizerSpec(),
    OptimizerSpec(weight_decay=0.1),
    OptimizerSpec("momentum", weight_decay=0.1),
    OptimizerSpec("rmsprop"),
    OptimizerSpec("adam", weight_decay=0.1),
    OptimizerSpec("adamw", weight_decay=0.1),
]


def softmax_net(opt: OptimizerSpec) -> Network:
    """2-2-2 with a softmax output and the ce cost: da/dn is a Jacobian there, not stored."""
    return Network(
        layers=(2, 2, 2),
        activations=("sigmoid", "softmax"),
        cost="ce",
        learning_rate=0.5,
        inputs=np.array([[0.5, -1.0], [1.0, 2.0]]),
        targets=np.array([[1.0, 0.0], [0.0, 1.0]]),
        weights=(np.full((3, 2), 0.3), np.array([[0.1, -0.2], [0.4, 0.5], [-0.6, 0.7]])),
        optimizer=opt,
    )


def networks() -> list[Network]:
    seed = load_network()
    return [seed.with_optimizer(opt) for opt in OPTIMIZERS] + [softmax_net(opt) for opt in OPTIMIZERS]


def test_every_quantity_has_a_symbol() -> None:
    assert set(SYMBOLS) == set(Quantity)


@pytest.mark.parametrize("net", networks(), ids=lambda n: f"{n.activations[-1]}-{n.optimizer.label()}")
def test_every_quantity_a_step_names_is_shown_and_explained_cell_by_cell(net: Network) -> None:
    """What the Why pane does for a selected cell: name it, say what it means, write out its terms.
    A quantity without a symbol or a formula would end the app with a KeyError or ValueError."""
    walk = Walk(net)
    values = walk.values
    for step in build_steps(net):
        sources = (*(step.columns_from or ()), *(step.rows_from or ()))
        for ref in (step.output, *step.inputs, *(s.ref for s in sources)):
            assert isinstance(ref.quantity, Quantity), (step.title, ref)
            assert "{l}" not in ref.symbol
        for ref in (step.output, *step.inputs):
            jacobian = ref.quantity is Quantity.DA_DN and values.da_dn[ref.layer] is None
            if ref.quantity is Quantity.COST or jacobian:
                continue  # one number, or a Jacobian that is not stored: no cells to select
            assert cell_name(ref, 0, 0).startswith(ref.symbol)
            assert cell_meaning(ref, 0, 0)
            assert "=" in cell_terms(net, values, ref, 0, 0)


def test_every_quantity_of_the_trace_json_is_a_quantity_the_json_reference_documents() -> None:
    """A learner writing their own numbers for `compare` reads the keys in docs/json.md."""
    documented = set(re.findall(r"`(\w+)`", (DOCS / "json.md").read_text(encoding="utf-8")))
    for net in (load_network().with_optimizer(OptimizerSpec("adam")), load_network()):
        walk = Walk(net)
        document = json.loads(dumps(trace_json(net, [walk.values])))  # as a learner's program reads it
        iteration = document["iterations"][0]
        names = [k for k in iteration if k not in ("iteration", "epoch", "batch", "optimizer")]
        names += list(iteration["optimizer"]["state"])
        assert names
        for name in names:
            Quantity(name)  # a ValueError names a key outside the vocabulary
            assert name in documented, f"{name} is in the trace JSON but not in docs/json.md"


def test_v_is_said_as_the_optimizer_at_hand_has_it() -> None:
    """Adam's v read "the running average (momentum: running sum) of past gradients, or Adam's of
    squared gradients": both optimizers' meanings at once, for one of them."""
    v = Ref("v", 0)
    assert cell_meaning(v, 0, 0, "adam").startswith("Adam's running average of squared gradients")
    assert cell_meaning(v, 1, 0, "momentum").startswith("the velocity, the running sum of past gradients")
    assert "momentum" not in cell_meaning(v, 0, 0, "adamw")
    assert "Adam" not in cell_meaning(v, 0, 0, "momentum")
