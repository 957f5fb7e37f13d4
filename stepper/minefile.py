"""Reading a learner's own numbers (``stepper compare MINE``, ``stepper --compare MINE``).

MINE is a JSON file in the trace schema (any subset of the quantities, any number of iterations,
null to skip a value) or an .npz of arrays named like ``a1``, ``delta3``, ``grad2`` (one iteration,
read without pickle); docs/commands.md. Like :mod:`stepper.netfile`, every problem is a
:class:`StepperError` naming the file and where in it; the engine's :mod:`stepper.engine.compare`
then checks the numbers.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from stepper.engine.compare import QUANTITY_VALUES, STATE_QUANTITIES, Mine
from stepper.engine.iteration import Array
from stepper.engine.network import Network
from stepper.engine.optimizers import STATE_NAMES
from stepper.errors import StepperError


def mine_from_trace(document: Mapping[str, object], source: str) -> Mine:
    """The learner's numbers from a trace-schema document; bad input raises StepperError."""
    entries = document.get("iterations") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        raise StepperError(f'{source}: expected an object with an "iterations" list (the trace JSON schema)')
    mine: Mine = {}
    known = {"iteration", "cost", "epoch", "batch", "optimizer", *QUANTITY_VALUES}
    for k, entry in enumerate(entries, start=1):
        where = f"{source}: iterations[{k - 1}]"
        if not isinstance(entry, Mapping):
            raise StepperError(f"{where}: expected an object of quantities, got {type(entry).__name__}")
        it = entry.get("iteration", k)
        if not isinstance(it, int) or isinstance(it, bool) or it < 1:
            raise StepperError(f'{where}: "iteration" must be a whole number >= 1, got {it!r}')
        unknown = sorted(set(entry) - known)
        if unknown:
            raise StepperError(
                f"{where}: unknown quantity {unknown[0]!r}; expected some of {', '.join(sorted(known))}"
            )
        quantities: dict[str, dict[int, Array | float]] = {}
        cost = entry.get("cost")
        if cost is not None:
            if not _is_number(cost):
                raise StepperError(f'{where}: "cost" must be a number or null, got {cost!r}')
            quantities["cost"] = {0: float(cost)}
        for name in QUANTITY_VALUES:
            layers = entry.get(name)
            if layers is None:
                continue
            if not isinstance(layers, list):
                raise StepperError(f'{where}: "{name}" must be a list with one matrix (or null) per layer')
            for layer, matrix in enumerate(layers):
                if matrix is None:
                    continue
                quantities.setdefault(name, {})[layer] = _matrix(matrix, f'{where}: "{name}"[{layer}]')
        _optimizer_state(entry.get("optimizer"), where, quantities)
        mine[it] = quantities
    return mine


def _optimizer_state(value: object, where: str, quantities: dict[str, dict[int, Array | float]]) -> None:
    """The learner's optimizer state after the update ("optimizer": {"state": {"m": [...]}})."""
    if value is None:
        return
    state = value.get("state") if isinstance(value, Mapping) else None
    if not isinstance(state, Mapping):
        raise StepperError(f'{where}: "optimizer" must be an object with a "state" object')
    for name, layers in state.items():
        if name not in STATE_QUANTITIES:
            raise StepperError(
                f"{where}: unknown optimizer state {name!r}; expected some of {', '.join(STATE_QUANTITIES)}"
            )
        if layers is None:
            continue
        if not isinstance(layers, list):
            raise StepperError(f'{where}: optimizer state "{name}" must be a list with one matrix per layer')
        for layer, matrix in enumerate(layers):
            if matrix is not None:
                quantities.setdefault(name, {})[layer] = _matrix(
                    matrix, f'{where}: optimizer "{name}"[{layer}]'
                )


def _matrix(value: object, where: str) -> Array:
    if not isinstance(value, list) or not value:
        raise StepperError(f"{where}: expected a matrix, a non-empty list of rows")
    rows: list[list[object]] = []
    for row in value:
        if not isinstance(row, list):
            raise StepperError(f"{where}: expected a matrix, a non-empty list of rows")
        rows.append(row)
    widths = {len(row) for row in rows}
    if len(widths) != 1 or 0 in widths:
        raise StepperError(f"{where}: the rows have different lengths {sorted(widths)}")
    for row in rows:
        for x in row:
            if x is not None and not _is_number(x):
                raise StepperError(f'{where}: expected numbers (or "inf", "-inf", "nan"), got {x!r}')
    # null inside a matrix means "not a number": it is compared, and never matches.
    return np.array([[_float(x) for x in row] for row in rows], dtype=np.float64)


def _float(x: object) -> float:
    """A checked cell as a float: null is NaN, "inf"/"-inf"/"nan" are what they say."""
    return float(x) if isinstance(x, (int, float, str)) else math.nan


NON_FINITE_STRINGS = ("inf", "-inf", "nan")  # how stepper's own JSON writes them (docs/json.md)


def _is_number(x: object) -> bool:
    return (isinstance(x, (int, float)) and not isinstance(x, bool)) or x in NON_FINITE_STRINGS


def check_layers(net: Network, mine: Mine, source: str) -> None:
    """Each quantity's layer index must exist in the network (bad input, not a wrong number)."""
    valid = {
        "weights_before": range(net.depth),
        "grad": range(net.depth),
        "weights_after": range(net.depth),
        **{name: range(net.depth) for name in STATE_QUANTITIES},
        "a": range(net.depth + 1),
        "cost": range(1),
    }
    states = STATE_NAMES[net.optimizer.name]
    for it, quantities in mine.items():
        for name, layers in quantities.items():
            if name in STATE_QUANTITIES and name not in states:
                has = f"state {', '.join(states)}" if states else "no state"
                raise StepperError(
                    f"{source}: iteration {it}: optimizer state {name!r}, but the network's optimizer "
                    f"{net.optimizer.name} has {has}"
                )
            allowed = valid.get(name, range(1, net.depth + 1))
            for layer in layers:
                if layer not in allowed:
                    raise StepperError(
                        f"{source}: iteration {it}: {name} has a matrix for layer {layer}, but the network "
                        f"{net.shape_label()} has layers {allowed.start}..{allowed.stop - 1} for it"
                    )


def mine_from_npz(arrays: Mapping[str, np.ndarray], source: str) -> Mine:
    """One iteration's numbers from arrays named like ``a1``, ``delta3``, ``grad2``, ``cost``."""
    quantities: dict[str, dict[int, Array | float]] = {}
    names = "|".join(sorted(QUANTITY_VALUES, key=len, reverse=True))
    for key, array in arrays.items():
        if key == "cost":
            if np.size(array) != 1:
                raise StepperError(f"{source}: cost must be one number, got shape {np.shape(array)}")
            quantities["cost"] = {0: float(np.asarray(array, dtype=np.float64).reshape(()))}
            continue
        found = re.fullmatch(rf"({names})_?(\d+)", key)
        if found is None:
            raise StepperError(
                f"{source}: array {key!r} is not a quantity and layer; expected names like a1, n2, delta3, "
                f"grad2, dC_da3, da_dn3, weights_before0, weights_after0 or cost"
            )
        array = np.asarray(array)
        if array.ndim != 2 or not np.issubdtype(array.dtype, np.number):
            raise StepperError(f"{source}: {key} must be a 2-D array of numbers, got shape {array.shape}")
        quantities.setdefault(found.group(1), {})[int(found.group(2))] = array.astype(np.float64)
    return {1: quantities}


def load_mine(path: str) -> Mine:
    """A learner's numbers from a trace-schema JSON file or an .npz of named arrays (no pickle)."""
    p = Path(path)
    if not p.is_file():
        raise StepperError(f"{path}: no such file")
    if p.suffix == ".npz":
        try:
            with np.load(p, allow_pickle=False) as data:
                return mine_from_npz({k: data[k] for k in data.files}, path)
        except (OSError, ValueError) as exc:
            raise StepperError(f"{path}: not a readable .npz of numeric arrays ({exc})") from None
    try:
        document = json.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise StepperError(f"{path}: not a text file; expected JSON (or an .npz)") from None
    except json.JSONDecodeError as exc:
        raise StepperError(f"{path}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
    return mine_from_trace(document, path)


def load_mine_for(net: Network, path: str) -> Mine:
    """The learner's numbers from ``path``, with every layer index checked against ``net``."""
    mine = load_mine(path)
    check_layers(net, mine, path)
    return mine
