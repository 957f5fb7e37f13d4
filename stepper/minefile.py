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

import numpy as np

from stepper.engine.compare import STATE_QUANTITIES, TRACE_QUANTITIES, Mine
from stepper.engine.iteration import Array
from stepper.engine.network import Network
from stepper.engine.optimizers import STATE_NAMES
from stepper.engine.quantities import Q, Quantity
from stepper.errors import StepperError
from stepper.limits import MAX_COMPARE_ITERATIONS, MAX_INTEGER_DIGITS, MAX_MINE_JSON_BYTES
from stepper.npz import read_npz
from stepper.reading import check_nesting, decode, read_bytes


def mine_from_trace(document: Mapping[str, object], source: str) -> Mine:
    """The learner's numbers from a trace-schema document; bad input raises StepperError."""
    entries = document.get("iterations") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        raise StepperError(f'{source}: expected an object with an "iterations" list (the trace JSON schema)')
    mine: Mine = {}
    known = {"iteration", "cost", "epoch", "batch", "optimizer", *TRACE_QUANTITIES}
    for k, entry in enumerate(entries, start=1):
        where = f"{source}: iterations[{k - 1}]"
        if not isinstance(entry, Mapping):
            raise StepperError(f"{where}: expected an object of quantities, got {type(entry).__name__}")
        it = entry.get("iteration", k)
        if not isinstance(it, int) or isinstance(it, bool) or it < 1:
            raise StepperError(f'{where}: "iteration" must be a whole number >= 1, got {it!r}')
        if it in mine:
            raise StepperError(f"{where}: iteration {it} is given twice; expected each iteration once")
        unknown = sorted(set(entry) - known)
        if unknown:
            raise StepperError(
                f"{where}: unknown quantity {unknown[0]!r}; expected some of {', '.join(sorted(known))}"
            )
        quantities: dict[Quantity, dict[int, Array | float]] = {}
        cost = entry.get("cost")
        if cost is not None:
            if not _is_number(cost):
                raise StepperError(f'{where}: "cost" must be a number or null, got {cost!r}')
            quantities[Q.COST] = {0: float(cost)}
        for name in TRACE_QUANTITIES:
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


def _optimizer_state(value: object, where: str, quantities: dict[Quantity, dict[int, Array | float]]) -> None:
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
                quantities.setdefault(Quantity(name), {})[layer] = _matrix(
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
        Q.WEIGHTS_BEFORE: range(net.depth),
        Q.GRAD: range(net.depth),
        Q.WEIGHTS_AFTER: range(net.depth),
        **{name: range(net.depth) for name in STATE_QUANTITIES},
        Q.A: range(net.depth + 1),
        Q.COST: range(1),
    }
    states = STATE_NAMES[net.optimizer.name]
    for it, quantities in mine.items():
        for name, layers in quantities.items():
            if name in STATE_QUANTITIES and name not in states:
                has = f"state {', '.join(states)}" if states else "no state"
                raise StepperError(
                    f"{source}: iteration {it}: optimizer state '{name}', but the network's optimizer "
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
    quantities: dict[Quantity, dict[int, Array | float]] = {}
    names = "|".join(sorted(TRACE_QUANTITIES, key=len, reverse=True))
    for key, array in arrays.items():
        if np.iscomplexobj(array):
            raise StepperError(f"{source}: {key} holds complex numbers; expected real numbers")
        if key == "cost":
            if np.size(array) != 1:
                raise StepperError(f"{source}: cost must be one number, got shape {np.shape(array)}")
            quantities[Q.COST] = {0: float(np.asarray(array, dtype=np.float64).reshape(()))}
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
        quantities.setdefault(Quantity(found.group(1)), {})[int(found.group(2))] = array.astype(np.float64)
    return {1: quantities}


def load_mine(path: str) -> Mine:
    """A learner's numbers from a trace-schema JSON file or an .npz of named arrays (no pickle).

    The file is bounded before it is parsed (docs/commands.md, the input limits): a regular file of
    limited size, JSON nested at most a few deep with whole numbers of few digits, an .npz whose
    arrays are checked from their headers (shape, type) before their data is read."""
    if path.endswith(".npz"):
        mine = mine_from_npz(read_npz(path), path)
    else:
        what = "your numbers as trace JSON (or an .npz)"
        text = decode(read_bytes(path, path, MAX_MINE_JSON_BYTES, what), path, what)
        check_nesting(text, path, json=True)

        def whole(digits: str) -> int:
            if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
                raise StepperError(f"{path}: a whole number of {len(digits)} digits; expected a number")
            return int(digits)

        try:
            document = json.loads(text, parse_int=whole)
        except json.JSONDecodeError as exc:
            raise StepperError(f"{path}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
        except RecursionError:  # check_nesting refuses this first; the parser's limit is the last guard
            raise StepperError(f"{path}: lists nested too deeply") from None
        mine = mine_from_trace(document, path)
    last = max(mine, default=0)
    if last > MAX_COMPARE_ITERATIONS:
        raise StepperError(
            f"{path}: iteration {last} is beyond the {MAX_COMPARE_ITERATIONS} that compare runs"
        )
    return mine


def load_mine_for(net: Network, path: str) -> Mine:
    """The learner's numbers from ``path``, with every layer index checked against ``net``."""
    mine = load_mine(path)
    check_layers(net, mine, path)
    return mine
