"""What is wrong with a network's training, in plain words (docs/commands.md, ``stepper diagnose``).

Two kinds of finding, kept apart because a learner must treat them differently:

* **permanent** — clones: hidden neurons with equal incoming weight columns (bias included) and equal
  outgoing weight rows. They compute equal values and receive equal gradients, so gradient descent
  keeps them equal forever; only a new initialisation separates them.
* **observed now** — read from one iteration's values: dead ReLU units, saturated sigmoid/tanh units,
  vanishing or exploding gradients, outputs that no longer depend on the input, divergence. They can
  come and go as training goes on.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from stepper.engine.divergence import Divergence, find_divergence
from stepper.engine.iteration import Array, IterationValues
from stepper.engine.network import Network
from stepper.engine.steps import build_steps

SATURATED = 0.01  # f'(n) below 1% of its largest value, for every observation
FITTED = 0.05  # an output within this of its target for every observation is fitted, not saturated
VANISHING = 1e-3  # ‖dC/dW^0‖ / ‖dC/dW^{L-1}‖ below this: the first layers hardly learn
EXPLODING = 1e3  # ... above this: the first layers take huge steps
OVERSIZED_STEP = 1.0  # η·‖dC/dW^l‖ above ‖W^l‖: one update more than replaces the weights
CONSTANT_OUTPUT = 0.01  # outputs spread less than 1% of the targets' spread across observations
RISING = 10  # the cost rose over each of this many last iterations

# f'(n) at its largest, for the activations that saturate.
_PEAK_DERIVATIVE = {"sigmoid": 0.25, "tanh": 1.0}


@dataclass(frozen=True)
class NeuronGroup:
    layer: int
    neurons: tuple[int, ...]

    def to_json(self) -> dict[str, object]:
        return {"layer": self.layer, "neurons": list(self.neurons)}


class FindingKind(StrEnum):
    """What a finding is about (its value is the name the health notice and tests use)."""

    CLONES = "clones"
    DEAD = "dead"
    SATURATED = "saturated"
    VANISHING = "vanishing"
    EXPLODING = "exploding"
    CONSTANT_OUTPUT = "constant-output"
    DIVERGING = "diverging"


@dataclass(frozen=True)
class Finding:
    """One problem: ``kind`` names it, ``text`` explains it and says the usual remedy."""

    kind: FindingKind
    text: str
    permanent: bool = False


@dataclass(frozen=True)
class Diagnosis:
    iteration: int  # the findings are about the weights after this many iterations
    layers: tuple[int, ...]  # neurons per layer
    effective_layers: tuple[int, ...]  # distinct neurons per layer: a clone group counts once
    clones: list[NeuronGroup]
    dead: list[NeuronGroup]
    saturated: list[NeuronGroup]
    gradient_norms: list[float]  # ‖dC/dW^l‖ (Frobenius), l = 0..L-1
    findings: list[Finding] = field(default_factory=list)
    # The first non-finite quantity of the iteration diagnosed (number ``iteration`` + 1), if any.
    diverged: Divergence | None = None

    @property
    def effective_shape(self) -> str:
        return shape_text(self.effective_layers)

    @property
    def warnings(self) -> list[str]:
        return [f.text for f in self.findings]

    def clone_groups(self, layer: int) -> list[int | None]:
        """For each neuron of ``layer``: the number (0, 1, ...) of its clone group, or None.

        Numbered within the layer, in order of first neuron; the input and output layers have none.
        """
        out: list[int | None] = [None] * self.layers[layer]
        for k, g in enumerate(g for g in self.clones if g.layer == layer):
            for j in g.neurons:
                out[j] = k
        return out


def find_clones(net: Network, weights: Sequence[Array]) -> list[NeuronGroup]:
    """Groups of clone neurons in each hidden layer, in order of layer and first neuron.

    Neuron j of hidden layer l is described by its incoming column W^{l-1}[:, j] (bias included) and
    its outgoing row W^l[1 + j, :]; neurons with exactly equal descriptions are clones.
    """
    groups: list[NeuronGroup] = []
    for l in range(1, net.depth):
        signature = np.concatenate([weights[l - 1].T, weights[l][1:]], axis=1)  # one row per neuron
        _, first, inverse, counts = np.unique(
            signature, axis=0, return_index=True, return_inverse=True, return_counts=True
        )
        inverse = inverse.reshape(-1)
        for u in sorted(np.flatnonzero(counts > 1), key=lambda u: first[u]):
            groups.append(NeuronGroup(l, tuple(int(j) for j in np.flatnonzero(inverse == u))))
    return groups


def effective_widths(net: Network, clones: list[NeuronGroup]) -> tuple[int, ...]:
    """Distinct neurons per layer: each clone group counts once."""
    widths = list(net.layers)
    for g in clones:
        widths[g.layer] -= len(g.neurons) - 1
    return tuple(widths)


def clone_sentences(clones: list[NeuronGroup]) -> list[tuple[str, str]]:
    """("layers 1 and 2", "neurons 0, 1 and 2"): one per set of layers whose clone groups read the same."""
    by_neurons: dict[str, list[int]] = {}
    for g in clones:
        by_neurons.setdefault(f"neurons {_and(g.neurons)}", []).append(g.layer)
    return [(layers_text(layers), neurons) for neurons, layers in by_neurons.items()]


def layers_text(layers: Sequence[int]) -> str:
    """Layers named as the notices write them: "layer 1", "layers 1 and 2"."""
    return f"layer {layers[0]}" if len(layers) == 1 else f"layers {_and(layers)}"


def neurons_text(neurons: Sequence[int]) -> str:
    """A group of neurons as the reports write it: "neuron 2", "neurons 0, 1 and 2"."""
    return f"neuron {neurons[0]}" if len(neurons) == 1 else f"neurons {_and(neurons)}"


def _and(items: Sequence[object]) -> str:
    words = [str(x) for x in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def shape_text(widths: Sequence[int]) -> str:
    """2-1-1-2: neurons per layer, as the question writes a network's shape."""
    return "-".join(str(w) for w in widths)


def frobenius(m: Array) -> float:
    """‖m‖ without overflow: entries of 1e154 square to inf, so the norm is taken of m / max|m|.

    (np.linalg.norm squares the entries as they are: it overflows where the norm itself does not.)
    Non-finite where an entry is.
    """
    biggest = float(np.abs(m).max(initial=0.0))
    if biggest == 0.0 or not math.isfinite(biggest) or not np.isfinite(m).all():
        return float(np.linalg.norm(m))
    return biggest * float(np.linalg.norm(m / biggest))


def _units(mask: NDArray[np.bool_]) -> list[int]:
    """The neurons (columns) for which ``mask`` holds on every observation (row)."""
    return [int(j) for j in np.flatnonzero(mask.all(axis=0))]


def _unit_words(neurons: Sequence[int]) -> tuple[str, str]:
    """("unit", "is") or ("units", "are"), as many neurons as there are."""
    return ("unit", "is") if len(neurons) == 1 else ("units", "are")


# --- one function per finding, each with its remedy ------------------------------------------------
def clone_findings(net: Network, clones: list[NeuronGroup], widths: tuple[int, ...]) -> list[Finding]:
    """Clones: permanent, so the remedy is a new initialisation."""
    findings = [
        Finding(
            FindingKind.CLONES,
            f"{where.capitalize()}: {neurons} are clones — they start with the same weights, so they "
            "compute the same values and get the same gradients; gradient descent can never make them "
            "differ.",
            permanent=True,
        )
        for where, neurons in clone_sentences(clones)
    ]
    if clones:
        findings.append(
            Finding(
                FindingKind.CLONES,
                f"Your {shape_text(net.layers)} network is effectively {shape_text(widths)}. "
                "Break the symmetry: random init.",
                permanent=True,
            )
        )
    return findings


def dead_units(net: Network, values: IterationValues) -> tuple[list[NeuronGroup], list[Finding]]:
    """ReLU units with n ≤ 0 for every observation: no gradient reaches their incoming weights."""
    groups: list[NeuronGroup] = []
    findings: list[Finding] = []
    for l in range(1, net.depth + 1):
        n = values.n[l]
        units = _units(n <= 0) if n is not None and net.activation(l).name == "relu" else []
        if units:
            groups.append(NeuronGroup(l, tuple(units)))
    for g in groups:
        unit, verb = _unit_words(g.neurons)
        findings.append(
            Finding(
                FindingKind.DEAD,
                f"Layer {g.layer}: ReLU {unit} {_and(g.neurons)} {verb} dead — n ≤ 0 for every observation, "
                "so the output is 0 and no gradient passes back: the weights coming in never change again. "
                "Remedy: a smaller learning rate, He init, positive initial biases, or leaky_relu.",
            )
        )
    return groups, findings


def saturated_units(net: Network, values: IterationValues) -> tuple[list[NeuronGroup], list[Finding]]:
    """sigmoid/tanh units whose f'(n) is nearly 0 for every observation: they hardly learn."""
    groups: list[NeuronGroup] = []
    findings: list[Finding] = []
    for l in range(1, net.depth + 1):
        name = net.activation(l).name
        peak = _PEAK_DERIVATIVE.get(name)
        if peak is None:
            continue
        d = values.da_dn[l]
        flat = np.abs(d) < SATURATED * peak if d is not None else None
        if flat is not None and l == net.depth:
            # An output unit that sits at its targets is fitted, not stuck: a sigmoid that learned
            # 0/1 targets is flat there by design (xor after 500000 iterations was "saturated",
            # with the remedy "smaller initial weights"; a tester's finding).
            targets = getattr(values, "targets", net.targets)
            fitted = np.abs(values.a[l] - targets).max(axis=0) <= FITTED
            flat = flat & ~fitted[np.newaxis, :]
        units = _units(flat) if flat is not None else []
        if not units:
            continue
        groups.append(NeuronGroup(l, tuple(units)))
        unit, verb = _unit_words(units)
        findings.append(
            Finding(
                FindingKind.SATURATED,
                f"Layer {l}: {name} {unit} {_and(units)} {verb} saturated — f'(n) is below "
                f"{SATURATED:.0%} of its largest value for every observation, so almost no gradient "
                "passes through. Remedy: smaller initial weights (xavier), inputs scaled to about [-1, 1].",
            )
        )
    return groups, findings


def gradient_ratio_findings(norms: list[float]) -> list[Finding]:
    """Vanishing or exploding gradients: the first layer's gradient against the last's."""
    last = len(norms) - 1
    if last < 1 or not all(math.isfinite(x) for x in norms) or norms[-1] <= 0:
        return []
    ratio = norms[0] / norms[-1]
    if ratio < VANISHING:
        return [
            Finding(
                FindingKind.VANISHING,
                f"Vanishing gradients: ‖dC/dW^0‖ is {ratio:.1e} of ‖dC/dW^{last}‖, so the first layers "
                "hardly learn. Remedy: relu or tanh instead of sigmoid in hidden layers, xavier/he init, "
                "fewer layers.",
            )
        ]
    if ratio > EXPLODING:
        return [
            Finding(
                FindingKind.EXPLODING,
                f"Exploding gradients: ‖dC/dW^0‖ is {ratio:.1e} times ‖dC/dW^{last}‖, so the first "
                "layers take huge steps. Remedy: a smaller learning rate, smaller initial weights "
                "(xavier/he).",
            )
        ]
    return []


def oversized_step_findings(net: Network, values: IterationValues, norms: list[float]) -> list[Finding]:
    """An update bigger than the weights it changes throws away what they had learned."""
    # With an optimizer the step is not η·dC/dW (Adam's is about η per weight): use its ΔW.
    plain = values.terms is None
    sizes = norms if plain else [frobenius(c) for c in values.change]
    scale = net.learning_rate if plain else 1.0
    steps = [
        (scale * g / max(frobenius(w), 1e-12), l)
        for l, (g, w) in enumerate(zip(sizes, values.weights))
        if math.isfinite(g)
    ]
    if not steps:
        return []
    worst, l = max(steps)
    if worst <= OVERSIZED_STEP:
        return []
    return [
        Finding(
            FindingKind.EXPLODING,
            f"Exploding gradients: one update would move W^{l} by {worst:.1e} times its own size "
            f"({'η·‖dC/dW^' if plain else '‖ΔW^'}{l}‖ / ‖W^{l}‖), so training jumps around or "
            "blows up. Remedy: a smaller learning rate, smaller initial weights (xavier/he).",
        )
    ]


def constant_output_findings(
    net: Network, values: IterationValues, iteration: int, has_clones: bool
) -> list[Finding]:
    """Every observation gets (nearly) the same output: the network cannot tell them apart."""
    outputs, targets = values.a[net.depth], values.targets  # this iteration's batch
    target_spread = np.ptp(targets, axis=0)
    output_spread = np.ptp(outputs, axis=0)
    # Untrained small weights give nearly equal outputs too, harmlessly: before any training only
    # outputs that cannot differ (exactly equal) are reported.
    limit = CONSTANT_OUTPUT * target_spread if iteration > 0 else 0 * target_spread
    if not (
        outputs.shape[0] >= 2  # a batch of one observation cannot show outputs that vary
        and np.isfinite(outputs).all()
        and (target_spread > 0).any()
        and (output_spread <= limit).all()
    ):
        return []
    mean_out, mean_target = outputs.mean(axis=0), targets.mean(axis=0)
    farthest = float(np.abs(outputs - mean_out).max())  # from the mean quoted, not the spread (twice it)
    fmt = ", ".join
    at_mean = np.allclose(mean_out, mean_target, rtol=0, atol=CONSTANT_OUTPUT * target_spread.max())
    return [
        Finding(
            FindingKind.CONSTANT_OUTPUT,
            # The mean, and how far apart the observations' outputs are: "every observation gets
            # (0.9794, 0.9782)" matched none of them, (0.9796, 0.9784) and (0.9793, 0.9781); a tester.
            "The output does not depend on the input: "
            + (
                f"every observation's output is within {farthest:.2g} of "
                if farthest > 0
                else "every observation gets exactly "
            )
            + f"({fmt(f'{x:.4f}' for x in mean_out)})"
            + (
                f", the mean of the targets ({fmt(f'{x:.4f}' for x in mean_target)}) — the best a "
                "network can do when it cannot tell the observations apart."
                if at_mean
                else "."
            )
            + (
                " Clones make this likely: the network has fewer distinct neurons than it seems."
                if has_clones
                else _constant_output_remedy(net)
            ),
        )
    ]


def _constant_output_remedy(net: Network) -> str:
    """A random init is not the remedy for a network that has one: small random weights give nearly
    equal outputs early in training (xor's Xavier init does for its first few dozen iterations)."""
    if net.init.scheme != "constant" and not net.weights_given:
        return (
            " Common early in training from small random weights; if it lasts, more hidden units, "
            "a larger learning rate, or inputs scaled to about [-1, 1]."
        )
    return " Remedy: a random init, more hidden units, or inputs scaled to about [-1, 1]."


def diverging_findings(diverged: Divergence | None, costs: Sequence[float]) -> list[Finding]:
    """An inf or NaN in the iteration diagnosed, or a cost that has risen RISING times in a row."""
    if diverged is not None:
        # The words of the divergence line on stderr, and the remedy trace gives (one source).
        # Read by `stepper diagnose` and by the app's health report alike: no --lr, no key.
        return [Finding(FindingKind.DIVERGING, f"Training {diverged.report_setting(None)}")]
    recent = list(costs)[-(RISING + 1) :]
    if len(recent) == RISING + 1 and all(b > a for a, b in itertools.pairwise(recent)):
        return [
            Finding(
                FindingKind.DIVERGING,
                f"The cost has risen over each of the last {RISING} iterations: training is diverging. "
                "Remedy: a smaller learning rate.",
            )
        ]
    return []


def diagnose(net: Network, values: IterationValues, iteration: int, costs: Sequence[float] = ()) -> Diagnosis:
    """Everything :mod:`stepper.engine.diagnose` looks for, in the iteration whose values are given.

    ``iteration`` is how many iterations produced ``values.weights``; ``costs`` are the costs of the
    iterations run so far (for a rising cost), oldest first.
    """
    diverged = find_divergence(values, build_steps(net), iteration + 1)
    clones = find_clones(net, values.weights)
    widths = effective_widths(net, clones)
    dead, dead_found = dead_units(net, values)
    saturated, saturated_found = saturated_units(net, values)
    norms = [frobenius(g) for g in values.grad]
    # One "exploding" finding at most: the ratio of gradients says it, else the size of a step may.
    gradients = gradient_ratio_findings(norms)
    if not any(f.kind is FindingKind.EXPLODING for f in gradients):
        gradients += oversized_step_findings(net, values, norms)
    findings = [
        *clone_findings(net, clones, widths),
        *dead_found,
        *saturated_found,
        *gradients,
        *constant_output_findings(net, values, iteration, bool(clones)),
        *diverging_findings(diverged, costs),
    ]
    return Diagnosis(iteration, tuple(net.layers), widths, clones, dead, saturated, norms, findings, diverged)
