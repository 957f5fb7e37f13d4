"""A network file (docs/network-files.md) written from a Network, optionally with a stepper session.

Floats are written with ``repr``, the shortest text that reads back as the same float, so a saved
network and session round-trip exactly. The writer is small and specific on purpose: matrices are
laid out a row per line, so the file stays readable and diffs well.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from stepper.atomic import write_atomically
from stepper.engine.batching import TrainingSpec
from stepper.engine.init import InitSpec
from stepper.engine.network import Network, Session
from stepper.engine.optimizers import OptimizerSpec


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def _row(values: np.ndarray) -> str:
    return "[" + ", ".join(repr(float(x)) for x in values) + "]"


def _matrix(m: np.ndarray, indent: str) -> str:
    rows = [_row(r) for r in np.atleast_2d(m)]
    return "[" + (",\n" + indent + " ").join(rows) + "]"


def _rows(m: np.ndarray) -> str:
    return "[\n" + "".join(f"  {_row(r)},\n" for r in m) + "]"


def _matrices(ms: Sequence[np.ndarray]) -> str:
    return "[\n" + "".join(f"  {_matrix(m, '  ')},\n" for m in ms) + "]"


def network_toml(net: Network, session: Session | None = None) -> str:
    # A session's edits at iteration 1 are the network's initial weights: a headless command run on
    # the saved file sees them too.
    pins = list(session.pins) if session else []
    weights = tuple(net.weights)
    if pins and pins[0][0] == 1:
        weights = pins.pop(0)[1]
    lines = [
        f"name = {_string(net.name)}",
        f"description = {_string(net.description)}",
        f"layers = [{', '.join(str(n) for n in net.layers)}]",
        f"activation = [{', '.join(_string(a) for a in net.activations)}]",
        f"cost = {_string(net.cost)}",
        f"learning_rate = {net.learning_rate!r}",
        f"inputs = {_rows(net.inputs)}",
        f"targets = {_rows(net.targets)}",
        f"weights = {_matrices(weights)}",
    ]
    if net.init != InitSpec():
        # How the weights above were drawn: unused while they are given, but reopened, the re-init
        # dialog starts from this scheme, scale and seed, and `--init` draws with this scale.
        lines += _table("init", net.init.to_dict())
    if net.optimizer != OptimizerSpec():
        lines += _table("optimizer", net.optimizer.settings())
    if net.training != TrainingSpec():
        t = net.training
        lines += ["", "[training]", f"batch_size = {t.batch_size}", f"seed = {t.seed}"]
        if t.shuffle is not None:
            lines.append(f"shuffle = {'true' if t.shuffle else 'false'}")
    if session is not None:
        lines += ["", "[session]", f"iteration = {session.iteration}", f"step = {session.step}"]
        for iteration, pinned in pins:
            lines += ["", "[[session.pins]]", f"iteration = {iteration}", f"weights = {_matrices(pinned)}"]
    return "\n".join(lines) + "\n"


def _table(name: str, settings: dict[str, object]) -> list[str]:
    """A TOML table of names (the scheme, the optimizer) and numbers, after a blank line."""
    values = (_string(value) if isinstance(value, str) else repr(value) for value in settings.values())
    return ["", f"[{name}]", *(f"{key} = {value}" for key, value in zip(settings, values))]


def save_network(net: Network, path: str | Path, session: Session | None = None) -> None:
    write_atomically(path, network_toml(net, session))
