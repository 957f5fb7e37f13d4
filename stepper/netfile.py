"""Network files (docs/network-files.md): reading, validating and resolving them into a Network.

Every problem becomes a :class:`StepperError` whose message names the file, the key (and its line
when it can be found) and what was expected.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from stepper.engine.activations import ACTIVATIONS
from stepper.engine.batching import TrainingSpec
from stepper.engine.costs import COSTS
from stepper.engine.datasets import GENERATORS, MAX_NOISE, DataSpec, generate
from stepper.engine.init import SCHEMES, InitSpec, initial_weights
from stepper.engine.network import Network, Session
from stepper.engine.optimizers import ALL_HYPER_KEYS, HYPER_KEYS, OPTIMIZERS, OptimizerSpec, check_hyper
from stepper.engine.steps import update_steps
from stepper.errors import StepperError
from stepper.limits import (
    MAX_CELLS_PER_LAYER,
    MAX_CSV_BYTES,
    MAX_INTEGER_DIGITS,
    MAX_ITERATIONS,
    MAX_LAYER_SIZE,
    MAX_LAYERS,
    MAX_MEMORY,
    MAX_NETWORK_FILE_BYTES,
    MAX_OBSERVATIONS,
    MAX_PARAMETERS,
    megabytes,
    memory_estimate,
    parameters,
)
from stepper.reading import check_nesting, open_bounded, read_text

DEFAULT_EXAMPLE = "identical-columns"

TOP_KEYS = (
    "name",
    "description",
    "layers",
    "activation",
    "cost",
    "learning_rate",
    "inputs",
    "targets",
    "weights",
    "init",
    "optimizer",
    "training",
    "session",
)
REQUIRED_KEYS = ("layers", "activation", "cost", "learning_rate", "inputs", "targets")
INIT_KEYS = ("scheme", "value", "scale", "seed")
# inputs = { generator = "spiral", points = 200, noise = 0.1, seed = 0 }: a Playground data set;
# targets = { generator = "spiral", labels = [0.0, 1.0] }: its labels (negative, positive).
GENERATOR_KEYS = ("generator", "points", "noise", "seed")
LABEL_KEYS = ("generator", "labels")
OPTIMIZER_KEYS = ("name", *ALL_HYPER_KEYS)
TRAINING_KEYS = ("batch_size", "shuffle", "seed")
# A saved stepper (docs/network-files.md, [session]): where it was, and edits.
SESSION_KEYS = ("iteration", "step", "pins")
PIN_KEYS = ("iteration", "weights")

ROW_SUM_TOLERANCE = 1e-9  # softmax + ce: each target row sums to 1 within this

# The Python types of the numbers a TOML parser gives (bool is not among them: True is no weight).
_NUMBER_TYPES = {int, float}


@dataclass(frozen=True)
class Overrides:
    """Command-line settings that replace the file's: --lr, --init, --seed, and the optimizer's
    and batching's (--optimizer, --batch-size, --momentum, --beta1, ...)."""

    learning_rate: float | None = None
    init: str | None = None
    seed: int | None = None
    optimizer: str | None = None
    batch_size: int | None = None
    # Hyper-parameters by their [optimizer] key (momentum, beta1, beta2, eps, weight_decay).
    hyper: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Source:
    """Where a network came from: a file path, or a built-in example (``path`` is then None)."""

    label: str
    text: str
    path: Path | None
    # Served in a browser: the folder every file it names (its CSV data) must be in (`stepper.served`).
    within: Path | None = None


def example_names() -> list[str]:
    folder = resources.files("stepper.examples")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def example_text(name: str) -> str:
    return (resources.files("stepper.examples") / f"{name}.toml").read_text(encoding="utf-8")


def find_source(network: str | None) -> Source:
    """A path to a network file, or the name of a built-in example (None: the default)."""
    if network is None:
        network = DEFAULT_EXAMPLE
    if not network.strip():
        raise StepperError(
            f"{network!r}: expected a network file or a built-in example name, got an empty name"
        )
    path = Path(network)
    if path.suffix == ".toml" or path.exists() or "/" in network or "\\" in network:
        if not path.exists() and not path.is_symlink():
            raise StepperError(f"{network}: no such network file")
        what = "a network file (.toml)"
        text = read_text(path, network, MAX_NETWORK_FILE_BYTES, what)
        return Source(str(network), text, path)
    names = example_names()
    if network not in names:
        close = difflib.get_close_matches(network, names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise StepperError(
            f"{network}: no such network file or built-in example.{hint} "
            f"Built-in examples: {', '.join(names)} (see `stepper examples`)."
        )
    return Source(f"example {network}", example_text(network), None)


def load_network(
    network: str | None = None, overrides: Overrides | None = None, notes: list[str] | None = None
) -> Network:
    """Read, validate and resolve a network file or example, applying command-line overrides.

    ``notes`` collects one-line notes for stderr (an override that replaces the file's weights).
    """
    return parse_network(find_source(network), overrides or Overrides(), notes)


def parse_network(source: Source, overrides: Overrides, notes: list[str] | None = None) -> Network:
    return _Reader(source, notes).network(parse_toml(source), overrides)


def parse_toml(source: Source) -> dict[str, Any]:
    """The file's TOML, with nesting, long whole numbers and repeated keys reported by line."""
    text = source.text
    check_nesting(text, source.label)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        repeated = _repeated_key(text) if "Cannot overwrite" in str(exc) else None
        if repeated is not None:
            key, first, again = repeated
            raise StepperError(
                f"{source.label}, line {again}: {key} is given twice (first at line {first})"
            ) from None
        raise StepperError(f"{source.label}: not valid TOML: {exc}") from None
    except ValueError:  # Python refuses to read whole numbers of more than 4300 digits
        long = re.search(r"[0-9_]{100,}", text)
        line = text.count("\n", 0, long.start()) + 1 if long else 0
        where = f", line {line}" if line else ""
        raise StepperError(f"{source.label}{where}: a number with far too many digits") from None
    except RecursionError:  # check_nesting catches this first; a parser's limit is the last guard
        raise StepperError(f"{source.label}: lists or tables nested too deeply") from None


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]*?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def _repeated_key(text: str) -> tuple[str, int, int] | None:
    """The first key given twice in one table: (key, its first line, the repeated line).

    tomllib reports a repeated key where its value ends, which for a matrix is lines later."""
    seen: dict[str, int] = {}
    table = ""
    depth = 0  # inside a multi-line value, lines that look like keys are not keys
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line) if depth == 0 else None
        if header is not None:
            table = header.group(1) + ("[]" if line.lstrip().startswith("[[") else "")
            if table.endswith("[]"):  # each [[array]] entry is a table of its own
                seen = {k: v for k, v in seen.items() if not k.startswith(table + ".")}
            continue
        key = _KEY.match(line) if depth == 0 else None
        if key is not None:
            name = f"{table}.{key.group(1)}" if table else key.group(1)
            if name in seen:
                return name.replace("[]", ""), seen[name], number
            seen[name] = number
        stripped = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|#.*', "", line)
        depth += stripped.count("[") + stripped.count("{") - stripped.count("]") - stripped.count("}")
    return None


_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_NON_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def _csv_number(field: str) -> float | None:
    """A CSV field as a number, or None. Plain decimal notation only: float() would also take
    "1_000" and non-ASCII digits, which no spreadsheet writes."""
    text = field.strip()
    if _NUMBER.fullmatch(text) or text.lower() in _NON_FINITE:
        return float(text)
    return None


def _short(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut short: a message quotes a value, not a whole row of a file."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return f"a number of {len(str(abs(value)))} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(value: Any) -> str:
    """A value read from TOML as the file's author wrote it: true, not Python's True."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return f"a string ({_short(value)})"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return _short(value)


def _number_problem(value: Any) -> str | None:
    """What is wrong with a value read where a finite number belongs (None: nothing)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"expected a number, got {_shown(value)}"
    if isinstance(value, int) and abs(value) > 10**MAX_INTEGER_DIGITS:  # beyond float64's reach
        return f"expected a number, got a whole number of {len(str(abs(value)))} digits"
    if not math.isfinite(value):
        return f"expected a finite number, got {value}"
    return None


class _Reader:
    def __init__(self, source: Source, notes: list[str] | None = None) -> None:
        self.source = source
        # One-line notes for stderr about overrides that change what the file says.
        self.notes = notes if notes is not None else []

    # --- messages -------------------------------------------------------------------------
    def where(self, key: str) -> str:
        line = self.line_of(key)
        if line:
            return f"{self.source.label}, line {line}: {key}"
        return f"{self.source.label}: {key}"

    def line_of(self, key: str) -> int | None:
        """The line that sets ``key`` ("inputs[0][1]", "init.seed", "session.pins[1].weights[0]"):
        looked for in the table it belongs to (the k-th [[session.pins]] for pins[k]); else the
        line of the top-level key it is part of (an inline table), else None."""
        text = self.source.text
        parts = key.split(".")
        leaf = re.sub(r"\[.*$", "", parts[-1])
        table = ".".join(re.sub(r"\[.*$", "", p) for p in parts[:-1])
        entry = re.search(r"\[(\d+)\]$", parts[-2]) if len(parts) > 1 else None
        whole = re.fullmatch(r"[^\[]+\[(\d+)\]", parts[-1])
        if table and whole and self._headers(f"{table}.{leaf}"):  # a whole [[table]] entry
            headers = self._headers(f"{table}.{leaf}")
            if int(whole.group(1)) < len(headers):
                return text.count("\n", 0, headers[int(whole.group(1))].start()) + 1
        if table:
            headers = self._headers(table)
            index = int(entry.group(1)) if entry else 0
            if index < len(headers):
                start = headers[index].end()
                following = re.search(r"^[ \t]*\[", text[start:], re.MULTILINE)
                end = start + following.start() if following else len(text)
                found = re.search(rf"^[ \t]*{re.escape(leaf)}\s*=", text[start:end], re.MULTILINE)
                if found:
                    return text.count("\n", 0, start + found.start()) + 1
                return text.count("\n", 0, headers[index].start()) + 1
        top = re.sub(r"\[.*$", "", parts[0])
        first_header = re.search(r"^\s*\[", text, re.MULTILINE)
        head = text[: first_header.start()] if first_header else text
        found = re.search(rf"^[ \t]*{re.escape(top)}\s*=", head, re.MULTILINE)
        if found:
            return text.count("\n", 0, found.start()) + 1
        return None

    def _headers(self, table: str) -> list[re.Match[str]]:
        pattern = r"^[ \t]*\[\[?\s*([^\]]*?)\s*\]\]?"
        return [m for m in re.finditer(pattern, self.source.text, re.MULTILINE) if m.group(1) == table]

    def fail(self, key: str, message: str) -> StepperError:
        return StepperError(f"{self.where(key)}: {message}")

    def unknown(self, key: str, allowed: tuple[str, ...], section: str = "") -> StepperError:
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        return self.fail(f"{section}{key}", f"unknown key.{hint} Allowed keys: {', '.join(allowed)}.")

    # --- pieces ---------------------------------------------------------------------------
    def number(self, key: str, value: Any) -> float:
        problem = _number_problem(value)
        if problem:
            raise self.fail(key, problem)
        return float(value)

    def integer(self, key: str, value: Any, minimum: int, maximum: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected a whole number, got {_shown(value)}")
        if value < minimum:
            raise self.fail(key, f"expected a whole number >= {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise self.fail(key, f"expected a whole number <= {maximum:,}, got {_short(value)}")
        return value

    def matrix(self, key: str, value: Any, rows: int | None, cols: int) -> np.ndarray:
        """A list of rows of numbers with ``cols`` columns (and ``rows`` rows if given)."""
        if not isinstance(value, list) or not value or not all(isinstance(r, list) for r in value):
            raise self.fail(key, "expected a list of rows, like [[0.8, 0.4], [0.3, 0.3]]")
        if rows is not None and len(value) != rows:
            raise self.fail(key, f"expected {rows} rows, got {len(value)}")
        for i, row in enumerate(value):
            if len(row) != cols:
                raise self.fail(f"{key}[{i}]", f"expected {cols} numbers in this row, got {len(row)}")
        # Whole arrays at a time: a 256 × 784 data set is 200,000 numbers, too many to check one
        # Python call each. TOML gives only int, float, bool, str and tables; numpy would quietly turn
        # True into 1.0 and "2" into 2.0, so the types are checked first, in one pass per row.
        cells = ((i, j) for i, row in enumerate(value) for j, x in enumerate(row))
        if all(set(map(type, row)) <= _NUMBER_TYPES for row in value):
            try:
                matrix = np.array(value, dtype=np.float64)
            except OverflowError:  # a whole number beyond float64's range: found one cell at a time
                i, j = next((i, j) for i, j in cells if _number_problem(value[i][j]))
            else:
                finite = np.isfinite(matrix)
                if finite.all():
                    return matrix
                i, j = (int(x) for x in np.argwhere(~finite)[0])
        else:
            i, j = next((i, j) for i, j in cells if type(value[i][j]) not in _NUMBER_TYPES)
        raise self.fail(f"{key}[{i}][{j}]", _number_problem(value[i][j]) or "expected a number")

    def data(self, key: str, value: Any, cols: int) -> np.ndarray:
        if isinstance(value, str):
            return self.csv(key, value, cols)
        if isinstance(value, list) and len(value) > MAX_OBSERVATIONS:
            raise self.fail(key, f"{len(value)} observations: at most {MAX_OBSERVATIONS} are allowed")
        return self.matrix(key, value, None, cols)

    def generated(self, value: dict[str, Any], layers: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """inputs = { generator = ..., points = ..., noise = ..., seed = ... }: the points and labels."""
        for key in value:
            if key not in GENERATOR_KEYS:
                raise self.unknown(key, GENERATOR_KEYS, "inputs.")
        name = value.get("generator")
        if name is None:
            raise self.fail("inputs.generator", f"missing; add one of {', '.join(GENERATORS)}")
        if not isinstance(name, str) or name not in GENERATORS:
            raise self.fail("inputs.generator", f"expected one of {', '.join(GENERATORS)}, got {name!r}")
        if layers[0] != 2:
            raise self.fail("inputs.generator", f"{name} makes 2 inputs per point; layers[0] is {layers[0]}")
        points = self.integer("inputs.points", value.get("points", DataSpec.points), 2)
        if points > MAX_OBSERVATIONS:
            raise self.fail("inputs.points", f"{points} observations: at most {MAX_OBSERVATIONS} are allowed")
        self.check_memory(layers, points)
        noise = self.number("inputs.noise", value.get("noise", DataSpec.noise))
        if not 0 <= noise <= MAX_NOISE:
            raise self.fail(
                "inputs.noise",
                f"expected a number from 0 to {MAX_NOISE} (Playground's 0–50 %), got {noise:g}",
            )
        seed = self.integer("inputs.seed", value.get("seed", DataSpec.seed), 0)
        return generate(DataSpec(name, points, noise, seed))

    def generated_targets(
        self, value: dict[str, Any], inputs: Any, labels: np.ndarray | None, layers: tuple[int, ...]
    ) -> np.ndarray:
        """targets = { generator = ..., labels = [negative, positive] }: the generated points' labels."""
        for key in value:
            if key not in LABEL_KEYS:
                raise self.unknown(key, LABEL_KEYS, "targets.")
        name = value.get("generator")
        if labels is None or name != inputs.get("generator"):
            made = inputs.get("generator") if isinstance(inputs, dict) else None
            expected = f"generator = {made!r}, as in inputs" if made else "inputs made by the same generator"
            raise self.fail("targets.generator", f"expected {expected}, got {name!r}")
        if layers[-1] != 1:
            raise self.fail(
                "targets.generator", f"generated labels fill 1 output; layers ends with {layers[-1]}"
            )
        pair = value.get("labels", [0.0, 1.0])
        if not isinstance(pair, list) or len(pair) != 2:
            raise self.fail("targets.labels", f"expected [negative, positive], like [0.0, 1.0], got {pair!r}")
        low, high = (self.number(f"targets.labels[{k}]", v) for k, v in enumerate(pair))
        return np.where(labels == 1.0, high, low).reshape(-1, 1)

    def csv(self, key: str, name: str, cols: int) -> np.ndarray:
        """Rows of numbers from a CSV file (UTF-8, a BOM allowed). The first row is a header when
        none of its fields is a number; anywhere else a field that is not a number is an error
        with its line and column, never a row silently dropped."""
        base = self.source.path.parent if self.source.path else Path.cwd()
        path = base / name
        if self.source.within is not None and not path.resolve().is_relative_to(self.source.within):
            raise self.fail(key, f"CSV file {name!r} is outside the served folder")
        if not path.exists() and not path.is_symlink():
            raise self.fail(key, f"CSV file {str(path)!r} not found (paths are relative to the network file)")
        label = f"{self.where(key)}: CSV file {path}"
        rows: list[list[float]] = []
        with open_bounded(path, label, MAX_CSV_BYTES, "a CSV file of numbers") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.reader(text)
            first = True
            try:
                for row in reader:
                    line_no = reader.line_num
                    if not row or all(not c.strip() for c in row):
                        continue
                    parsed = [_csv_number(c) for c in row]
                    if first and all(v is None for v in parsed):
                        first = False
                        continue  # a header: no field of it is a number
                    first = False
                    numbers: list[float] = []
                    for col, (field, v) in enumerate(zip(row, parsed), start=1):
                        if v is None:
                            got = _short(field)
                            raise self.fail(
                                key, f"{path}, line {line_no}, column {col}: expected a number, got {got}"
                            )
                        numbers.append(v)
                    if len(numbers) != cols:
                        raise self.fail(
                            key, f"{path}, line {line_no}: expected {cols} values, got {len(numbers)}"
                        )
                    if not all(math.isfinite(v) for v in numbers):
                        raise self.fail(
                            key, f"{path}, line {line_no}: expected finite numbers, got {_short(row)}"
                        )
                    rows.append(numbers)
                    if len(rows) > MAX_OBSERVATIONS:
                        raise self.fail(key, f"{path}: more than {MAX_OBSERVATIONS} rows")
            except csv.Error as exc:
                raise self.fail(key, f"{path}, line {reader.line_num}: not readable as CSV: {exc}") from None
            except UnicodeDecodeError:
                raise self.fail(key, f"{path}, near line {reader.line_num}: not UTF-8 text") from None
            except OSError as exc:
                raise self.fail(key, f"cannot read {path}: {exc.strerror or exc}") from None
        if not rows:
            raise self.fail(key, f"{path} has no rows of numbers")
        return np.array(rows, dtype=np.float64)

    # --- the whole file -----------------------------------------------------------------
    def network(self, data: dict[str, Any], overrides: Overrides) -> Network:
        for key in data:
            if key not in TOP_KEYS:
                raise self.unknown(key, TOP_KEYS)
        for key in REQUIRED_KEYS:
            if key not in data:
                raise StepperError(f"{self.source.label}: missing required key {key!r}")

        layers = self.layers(data["layers"])
        activations = self.activations(data["activation"], len(layers) - 1)
        cost = data["cost"]
        if not isinstance(cost, str) or cost not in COSTS:
            raise self.fail("cost", f"unknown cost {cost!r}; expected one of {', '.join(COSTS)}")
        lr = self.number("learning_rate", data["learning_rate"])
        if overrides.learning_rate is not None:
            lr = overrides.learning_rate
            if not (math.isfinite(lr) and lr > 0):
                raise StepperError(f"--lr: expected a positive number, got {lr}")
        elif lr <= 0:
            raise self.fail("learning_rate", f"expected a positive number, got {lr:g}")

        for key in ("inputs", "targets"):  # the memory a list of rows would take, before reading it
            if isinstance(data[key], list):
                self.check_memory(layers, len(data[key]))
        labels = None
        if isinstance(data["inputs"], dict):
            inputs, labels = self.generated(data["inputs"], layers)
        else:
            inputs = self.data("inputs", data["inputs"], layers[0])
        self.check_memory(layers, inputs.shape[0])  # before the targets are read
        if isinstance(data["targets"], dict):
            targets = self.generated_targets(data["targets"], data["inputs"], labels, layers)
        else:
            targets = self.data("targets", data["targets"], layers[-1])
        if targets.shape[0] != inputs.shape[0]:
            raise self.fail(
                "targets",
                f"expected {inputs.shape[0]} rows (one per observation in inputs), got {targets.shape[0]}",
            )
        cells = inputs.shape[0] * max(layers)
        if cells > MAX_CELLS_PER_LAYER:
            raise StepperError(
                f"{self.source.label}: {inputs.shape[0]} observations × {max(layers)} neurons is "
                f"too large to hold: at most {MAX_CELLS_PER_LAYER:,} values per layer"
            )
        self.check_memory(layers, inputs.shape[0])
        self.check_cost_fits(cost, activations[-1], targets)

        init = self.init(data.get("init", {}), overrides)
        name = data.get("name", self.source.path.stem if self.source.path else "network")
        description = data.get("description", "")
        for key, text in (("name", name), ("description", description)):
            if not isinstance(text, str):
                raise self.fail(key, f"expected a string, got {text!r}")
        if "weights" in data and overrides.init is None:
            if overrides.seed is not None:
                raise StepperError(
                    f"--seed: {self.source.label} gives its weights explicitly, so a seed would change "
                    "nothing. Add --init SCHEME (normal, uniform, xavier, he) to replace them with "
                    "random weights drawn with that seed."
                )
            weights = self.weights(data["weights"], layers)
            given = True
        else:
            if "weights" in data:
                self.notes.append(f"--init {init.scheme} replaces the weights given in {self.source.label}")
            weights = initial_weights(layers, init)
            given = False
        optimizer = self.optimizer(data.get("optimizer", {}), overrides)
        training = self.training(data.get("training", {}), overrides)
        session = None
        if "session" in data and overrides.init is None and overrides.seed is None:
            session = self.session(data["session"], layers, optimizer)
        return Network(
            optimizer=optimizer,
            training=training,
            session=session,
            layers=layers,
            activations=activations,
            cost=cost,
            learning_rate=lr,
            inputs=inputs,
            targets=targets,
            weights=tuple(weights),
            init=init,
            name=name,
            description=description,
            weights_given=given,
        )

    def check_cost_fits(self, cost: str, output: str, targets: np.ndarray) -> None:
        """bce and ce need outputs in (0, 1) and targets they can measure (docs/network-files.md)."""
        fits = COSTS[cost].fits
        if fits is None:
            return
        if output not in fits:
            raise self.fail(
                "cost",
                f"the {cost} cost needs outputs in (0, 1), but the output layer's activation is "
                f"{output}. Use a {' or '.join(fits)} output layer with {cost}, or the sse, half_sse "
                "or mse cost.",
            )
        if not ((targets >= 0) & (targets <= 1)).all():
            raise self.fail("targets", f"the {cost} cost needs targets in [0, 1]")
        if (cost, output) == ("ce", "softmax"):
            sums = targets.sum(axis=1)
            bad = np.flatnonzero(np.abs(sums - 1.0) > ROW_SUM_TOLERANCE)
            if bad.size:
                o = int(bad[0])
                raise self.fail(
                    f"targets[{o}]",
                    f"sums to {sums[o]:.10g}: with a softmax output and the ce cost every target row "
                    "must sum to 1 (±1e-9), like the softmax's outputs",
                )

    def layers(self, value: Any) -> tuple[int, ...]:
        if not isinstance(value, list) or len(value) < 2:
            raise self.fail("layers", f"expected a list of at least 2 layer sizes, got {value!r}")
        if len(value) > MAX_LAYERS:
            raise self.fail(
                "layers", f"{len(value)} layers is too deep to show: at most {MAX_LAYERS}, inputs included"
            )
        sizes = tuple(self.integer(f"layers[{i}]", v, 1) for i, v in enumerate(value))
        for i, v in enumerate(sizes):
            if v > MAX_LAYER_SIZE:
                raise self.fail(
                    f"layers[{i}]", f"{v} neurons is too large to show: at most {MAX_LAYER_SIZE} per layer"
                )
        params = parameters(sizes)
        if params > MAX_PARAMETERS:
            raise self.fail("layers", f"{params:,} weights is too large to hold: at most {MAX_PARAMETERS:,}")
        self.check_memory(sizes, 1)
        return sizes

    def check_memory(self, layers: tuple[int, ...], observations: int) -> None:
        """Refuse, before anything is allocated, a network whose training would not fit in memory."""
        need = memory_estimate(layers, observations)
        if need > MAX_MEMORY:
            shape = "-".join(str(n) for n in layers) if len(layers) <= 12 else f"{len(layers)} layers"
            raise StepperError(
                f"{self.source.label}: {shape} with {observations:,} observation"
                f"{'s' if observations != 1 else ''} is too large to hold: an iteration and the "
                f"walk through training need about {megabytes(need)}, at most {megabytes(MAX_MEMORY)} "
                "is allowed (fewer observations, or smaller or fewer layers)"
            )

    def activations(self, value: Any, count: int) -> tuple[str, ...]:
        names = [value] * count if isinstance(value, str) else value
        if not isinstance(names, list) or len(names) != count:
            raise self.fail(
                "activation",
                f"expected one name or a list of {count} names (one per non-input layer), got {value!r}",
            )
        for i, name in enumerate(names):
            if not isinstance(name, str) or name not in ACTIVATIONS:
                close = difflib.get_close_matches(str(name), ACTIVATIONS, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise self.fail(
                    "activation",
                    f"unknown activation {name!r}.{hint} Expected one of {', '.join(ACTIVATIONS)}",
                )
            if ACTIVATIONS[name].output_only and i != count - 1:
                raise self.fail("activation", f"{name} is allowed on the output layer only")
        return tuple(names)

    def weights(self, value: Any, layers: tuple[int, ...], key: str = "weights") -> list[np.ndarray]:
        if not isinstance(value, list) or len(value) != len(layers) - 1:
            raise self.fail(key, f"expected {len(layers) - 1} matrices (one per layer, bias row first)")
        return [self.matrix(f"{key}[{l}]", w, layers[l] + 1, layers[l + 1]) for l, w in enumerate(value)]

    def optimizer(self, value: Any, overrides: Overrides) -> OptimizerSpec:
        if not isinstance(value, dict):
            raise self.fail("optimizer", "expected a table [optimizer]")
        for key in value:
            if key not in OPTIMIZER_KEYS:
                raise self.unknown(key, OPTIMIZER_KEYS, "optimizer.")
        name = value.get("name", "sgd")
        if overrides.optimizer is not None:
            name = overrides.optimizer
            if name not in OPTIMIZERS:
                raise StepperError(
                    f"--optimizer: unknown optimizer {name!r}; expected one of {', '.join(OPTIMIZERS)}"
                )
        elif not isinstance(name, str) or name not in OPTIMIZERS:
            close = difflib.get_close_matches(str(name), OPTIMIZERS, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise self.fail(
                "optimizer.name", f"unknown optimizer {name!r}.{hint} Expected one of {', '.join(OPTIMIZERS)}"
            )
        used = HYPER_KEYS[name]
        settings: dict[str, float] = {}
        for key in ALL_HYPER_KEYS:
            if key not in value:
                continue
            if key not in used:
                # With --optimizer the file's other optimizer keys would be silently dropped.
                via = " (chosen by --optimizer)" if overrides.optimizer is not None else ""
                raise self.fail(
                    f"optimizer.{key}",
                    f"the {name} optimizer{via} does not use {key}; it uses {', '.join(used)}",
                )
            number = self.number(f"optimizer.{key}", value[key])
            problem = check_hyper(key, number)
            if problem:
                raise self.fail(f"optimizer.{key}", problem)
            settings[key] = number
        for key, number in overrides.hyper:
            flag = "--" + key.replace("_", "-")
            if key not in used:
                raise StepperError(
                    f"{flag}: the {name} optimizer does not use {key}; it uses {', '.join(used)}"
                )
            problem = check_hyper(key, number)
            if problem:
                raise StepperError(f"{flag}: {problem}")
            settings[key] = number
        return OptimizerSpec(name=name, **settings)

    def training(self, value: Any, overrides: Overrides) -> TrainingSpec:
        if not isinstance(value, dict):
            raise self.fail("training", "expected a table [training]")
        for key in value:
            if key not in TRAINING_KEYS:
                raise self.unknown(key, TRAINING_KEYS, "training.")
        batch_size = self.integer("training.batch_size", value.get("batch_size", 0), 0)
        if overrides.batch_size is not None:  # the command line checked it is >= 0
            batch_size = overrides.batch_size
        shuffle = value.get("shuffle")
        if shuffle is not None and not isinstance(shuffle, bool):
            raise self.fail("training.shuffle", f"expected true or false, got {shuffle!r}")
        seed = self.integer("training.seed", value.get("seed", 0), 0)
        return TrainingSpec(batch_size=batch_size, shuffle=shuffle, seed=seed)

    def session(self, value: Any, layers: tuple[int, ...], optimizer: OptimizerSpec) -> Session:
        if not isinstance(value, dict):
            raise self.fail("session", "expected a table [session]")
        for key in value:
            if key not in SESSION_KEYS:
                raise self.unknown(key, SESSION_KEYS, "session.")
        depth = len(layers) - 1
        # 2L forward, the cost, 4L backward, then the update steps of each weight matrix
        steps = 6 * depth + 1 + depth * len(update_steps(optimizer, 1.0, 0, ""))
        iteration = self.integer("session.iteration", value.get("iteration", 1), 1, MAX_ITERATIONS)
        step = self.integer("session.step", value.get("step", 0), 0)
        if step > steps:
            raise self.fail("session.step", f"expected 0..{steps} (steps in an iteration), got {step}")
        pins = value.get("pins", [])
        if not isinstance(pins, list):
            raise self.fail("session.pins", "expected a list of [[session.pins]] tables")
        read: dict[int, tuple[np.ndarray, ...]] = {}
        for k, pin in enumerate(pins):
            if not isinstance(pin, dict) or set(pin) != set(PIN_KEYS):
                raise self.fail(f"session.pins[{k}]", "expected a table with iteration and weights")
            at = self.integer(f"session.pins[{k}].iteration", pin["iteration"], 1, MAX_ITERATIONS)
            if at in read:
                raise self.fail(
                    f"session.pins[{k}].iteration", f"iteration {at} is pinned twice; expected one pin each"
                )
            read[at] = tuple(self.weights(pin["weights"], layers, f"session.pins[{k}].weights"))
        return Session(iteration, step, tuple(sorted(read.items(), key=lambda p: p[0])))

    def init(self, value: Any, overrides: Overrides) -> InitSpec:
        if not isinstance(value, dict):
            raise self.fail("init", "expected a table [init]")
        for key in value:
            if key not in INIT_KEYS:
                raise self.unknown(key, INIT_KEYS, "init.")
        scheme = value.get("scheme", "constant")
        if overrides.init is not None:
            scheme = overrides.init
            if scheme not in SCHEMES:
                raise StepperError(f"--init: unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")
        elif scheme not in SCHEMES:
            raise self.fail("init.scheme", f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")
        init_value = self.number("init.value", value.get("value", 1.0))
        scale = self.number("init.scale", value.get("scale", 1.0))
        if scale <= 0:
            raise self.fail("init.scale", f"expected a positive number, got {scale:g}")
        seed = self.integer("init.seed", value.get("seed", 0), 0)
        if overrides.seed is not None:
            if overrides.seed < 0:
                raise StepperError(f"--seed: expected a whole number >= 0, got {overrides.seed}")
            seed = overrides.seed
        return InitSpec(scheme=scheme, value=init_value, scale=scale, seed=seed)
