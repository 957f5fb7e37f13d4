"""The JSON outputs of spec section 4. Floats are written with repr, so they round-trip exactly."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from stepper.engine.gradcheck import GradCheck
from stepper.engine.iteration import IterationValues
from stepper.engine.network import Network
from stepper.engine.training import TrainResult


def plain(value: Any) -> Any:
    """Arrays to lists of rows; inf and NaN (from a diverged run) to null, as JSON has neither."""
    if isinstance(value, np.ndarray):
        if np.isfinite(value).all():
            return value.tolist()
        return [plain(v) for v in value.tolist()]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def iteration_dict(k: int, v: IterationValues) -> dict[str, Any]:
    return {
        "iteration": k,
        "cost": v.cost,
        "n": list(v.n),
        "a": list(v.a),
        "dC_da": list(v.dC_da),
        "da_dn": list(v.da_dn),
        "delta": list(v.delta),
        "grad": list(v.grad),
        "weights_before": list(v.weights),
        "weights_after": list(v.weights_after),
    }


def trace_json(net: Network, iterations: list[IterationValues]) -> dict[str, Any]:
    return {
        "network": net.settings(),
        "iterations": [iteration_dict(k, v) for k, v in enumerate(iterations, start=1)],
    }


def train_json(net: Network, result: TrainResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "network": net.settings(),
        "iterations": result.iterations,
        "cost": result.costs,
        "outputs": result.outputs,
        "weights": list(result.weights),
    }
    if result.diverged is not None:
        out["diverged"] = {"iteration": result.diverged.iteration, "reason": result.diverged.what}
    return out


def gradcheck_json(check: GradCheck) -> dict[str, Any]:
    return check.to_dict()


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(plain(document), allow_nan=False)
