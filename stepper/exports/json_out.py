"""The JSON outputs (docs/json.md). Floats are written with repr, so they round-trip exactly;
inf, -inf and NaN as the strings "inf", "-inf", "nan" (docs/json.md)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from stepper.engine.divergence import Divergence, shown_values
from stepper.engine.gradcheck import GradCheck
from stepper.engine.iteration import IterationValues
from stepper.engine.network import Network
from stepper.engine.optimizers import STATE_NAMES
from stepper.engine.quantities import Q
from stepper.engine.steps import Ref, Step, build_steps
from stepper.engine.training import TrainResult

NON_FINITE = {math.inf: "inf", -math.inf: "-inf"}


def number(x: float) -> float | str:
    """A float as JSON can hold it: inf, -inf and NaN become the strings "inf", "-inf", "nan"
    (docs/json.md), never bare Infinity/NaN and never null."""
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else NON_FINITE[x]


def plain(value: Any) -> Any:
    """Arrays to lists of rows, numpy scalars to Python numbers, non-finite floats to strings."""
    if isinstance(value, np.ndarray):
        if np.isfinite(value).all():
            return value.tolist()
        return plain(value.tolist())
    if isinstance(value, (float, np.floating)):
        return number(float(value))
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def optimizer_dict(
    net: Network, v: IterationValues, steps: tuple[Step, ...], diverged: Divergence | None
) -> dict[str, Any]:
    """The optimizer's name, t and state after this iteration's update (docs/json.md); in a
    diverged iteration, the state matrices computed after the divergence are null."""
    name = net.optimizer.name
    terms = v.terms or {}
    index = {s.output: s.index for s in steps}
    return {
        "name": name,
        "t": v.state_after.t,
        "state": {
            key: [
                None if diverged is not None and not diverged.shows(index[Ref(key, l)]) else m
                for l, m in enumerate(terms[key])
            ]
            for key in STATE_NAMES[name]
        },
    }


def iteration_dict(
    k: int, v: IterationValues, steps: tuple[Step, ...], net: Network, diverged: Divergence | None = None
) -> dict[str, Any]:
    """One iteration of the trace JSON; in a diverged iteration, what came after the divergence is null."""
    here = diverged if diverged is not None and diverged.iteration == k else None
    shown = shown_values(v, steps, here)
    # A Quantity key is written as its name, the trace JSON's key (docs/json.md).
    return {
        "iteration": k,
        "epoch": v.epoch or k,  # full batch: every iteration is an epoch
        "batch": v.batch.indices.tolist() if v.batch is not None else list(range(net.observations)),
        Q.COST: shown[Q.COST],
        Q.N: shown[Q.N],
        Q.A: shown[Q.A],
        Q.DC_DA: shown[Q.DC_DA],
        Q.DA_DN: shown[Q.DA_DN],
        Q.DELTA: shown[Q.DELTA],
        Q.GRAD: shown[Q.GRAD],
        Q.WEIGHTS_BEFORE: list(v.weights),
        Q.WEIGHTS_AFTER: shown[Q.WEIGHTS_AFTER],
        "optimizer": optimizer_dict(net, v, steps, here),
    }


def diverged_json(diverged: Divergence | None) -> dict[str, Any] | None:
    return None if diverged is None else diverged.to_json()


def trace_json_chunks(
    net: Network, iterations: Iterable[tuple[IterationValues, Divergence | None]]
) -> Iterator[str]:
    """``dumps(trace_json(...))`` written piece by piece, one iteration at a time: a trace of
    100,000 iterations never holds more than one in memory. ``iterations`` gives each iteration with
    its divergence (None, or where it diverged: the last one)."""
    steps = build_steps(net)
    head = dumps({"network": net.settings(), "iterations": []})
    assert head.endswith("[]}")
    yield head[:-2]
    diverged = None
    for k, (values, where) in enumerate(iterations, start=1):
        diverged = where or diverged
        yield (", " if k > 1 else "") + dumps(iteration_dict(k, values, steps, net, where))
    yield "], " + dumps({"diverged": diverged_json(diverged)})[1:]


def trace_json(
    net: Network, iterations: list[IterationValues], diverged: Divergence | None = None
) -> dict[str, Any]:
    steps = build_steps(net)
    return {
        "network": net.settings(),
        "iterations": [iteration_dict(k, v, steps, net, diverged) for k, v in enumerate(iterations, start=1)],
        "diverged": diverged_json(diverged),
    }


def train_json(net: Network, result: TrainResult) -> dict[str, Any]:
    return {
        "network": net.settings(),
        "iterations": result.iterations,
        "cost": result.costs,
        "epoch_cost": result.epoch_costs,
        "outputs": result.outputs,
        "weights": list(result.weights),
        "diverged": diverged_json(result.diverged),
    }


def gradcheck_json(check: GradCheck) -> dict[str, Any]:
    return check.to_dict()


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(plain(document), allow_nan=False)
