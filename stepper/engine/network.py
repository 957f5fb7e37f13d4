"""A network: its shape, functions, data and starting weights, validated and ready to run."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from stepper.engine.activations import ACTIVATIONS, Activation
from stepper.engine.batching import TrainingSpec
from stepper.engine.costs import COSTS, Cost
from stepper.engine.init import InitSpec, initial_weights
from stepper.engine.optimizers import OptimizerSpec

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Session:
    """Where a saved stepper was: iteration and step, and the weights a person edited along the way.

    ``pins`` are (iteration, W^0..W^{L-1}): from that iteration on, training continues from those
    weights instead of the ones the previous iteration left.
    """

    iteration: int = 1
    step: int = 0
    pins: tuple[tuple[int, tuple[Array, ...]], ...] = ()


@dataclass(frozen=True)
class Network:
    """Everything one run needs. ``weights`` are the initial augmented matrices W^0..W^{L-1}."""

    layers: tuple[int, ...]
    activations: tuple[str, ...]  # one per non-input layer
    cost: str
    learning_rate: float
    inputs: Array
    targets: Array
    weights: tuple[Array, ...]
    init: InitSpec = field(default_factory=InitSpec)
    name: str = "network"
    description: str = ""
    weights_given: bool = False  # weights came from the file, not from init
    session: Session | None = None  # a saved stepper's position and edits (ignored by headless commands)
    optimizer: OptimizerSpec = field(default_factory=OptimizerSpec)  # [optimizer]; default plain sgd
    training: TrainingSpec = field(default_factory=TrainingSpec)  # [training]; default full batch

    @property
    def depth(self) -> int:
        """L: the index of the output layer."""
        return len(self.layers) - 1

    @property
    def observations(self) -> int:
        return int(self.inputs.shape[0])

    @cached_property
    def layer_activations(self) -> tuple[Activation, ...]:
        """f_1..f_L, looked up once: the training loop reads them every iteration."""
        return tuple(ACTIVATIONS[name] for name in self.activations)

    def activation(self, layer: int) -> Activation:
        """f_l for layer l = 1..L."""
        return ACTIVATIONS[self.activations[layer - 1]]

    @property
    def cost_fn(self) -> Cost:
        return COSTS[self.cost]

    def shape_label(self) -> str:
        return "-".join(str(n) for n in self.layers)

    def activation_label(self) -> str:
        names = set(self.activations)
        return self.activations[0] if len(names) == 1 else ", ".join(self.activations)

    def with_init(self, init: InitSpec) -> Network:
        """The same network started from freshly initialised weights."""
        return _replace(
            self,
            init=init,
            weights=tuple(initial_weights(self.layers, init)),
            weights_given=False,
            session=None,
        )

    def with_weights(self, weights: list[Array] | tuple[Array, ...]) -> Network:
        return _replace(
            self,
            weights=tuple(np.array(w, dtype=np.float64) for w in weights),
            weights_given=True,
            session=None,
        )

    def with_session(self, session: Session | None) -> Network:
        """This network where a session left it (side by side starts where the walk is)."""
        return _replace(self, session=session)

    def with_learning_rate(self, learning_rate: float) -> Network:
        return _replace(self, learning_rate=learning_rate)

    def with_optimizer(self, optimizer: OptimizerSpec) -> Network:
        return _replace(self, optimizer=optimizer, session=None)

    def with_training(self, training: TrainingSpec) -> Network:
        return _replace(self, training=training, session=None)

    @property
    def batch_size(self) -> int:
        """Observations per iteration (the last batch of an epoch may have fewer)."""
        return self.training.size(self.observations)

    @property
    def full_batch(self) -> bool:
        """Every iteration uses all observations in file order (the seed's gradient descent)."""
        return self.training.full_batch(self.observations)

    def settings(self) -> dict[str, object]:
        """The resolved settings, as trace/train JSON report them under "network".

        The data stay arrays: the JSON writer converts each in one call (``tolist``), which on a
        784-input network with 256 observations is most of what writing the settings costs.
        """
        return {
            "name": self.name,
            "description": self.description,
            "layers": list(self.layers),
            "activation": list(self.activations),
            "cost": self.cost,
            "learning_rate": self.learning_rate,
            "init": self.init.to_dict() if not self.weights_given else {"scheme": "file"},
            "observations": self.observations,
            "inputs": self.inputs,
            "targets": self.targets,
            "optimizer": self.optimizer.settings(),
            "training": self.training.settings(self.observations),
        }


def _replace(net: Network, **changes: Any) -> Network:
    from dataclasses import replace

    return replace(net, **changes)
