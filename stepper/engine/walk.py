"""Walking through iterations one step at a time, and back, exactly.

A position is (iteration, done): ``done`` steps of that iteration have been carried out, from 0
(nothing computed yet) to S (the update applied). After (k, S) comes (k + 1, 0). Every position is a
pure function of the network and the position, so any route to it lands on the same state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from stepper.engine.diagnose import RISING, Diagnosis, NeuronGroup, diagnose, find_clones
from stepper.engine.divergence import Divergence, find_divergence
from stepper.engine.history import WeightHistory
from stepper.engine.iteration import IterationValues
from stepper.engine.network import Network, Session
from stepper.engine.quantities import PREVIOUS_STATE, Q
from stepper.engine.steps import Phase, Ref, Step, build_steps
from stepper.engine.symmetry import StepSymmetry, narrate, neuron_spread

Array = NDArray[np.float64]


@dataclass(frozen=True, order=True)
class Position:
    iteration: int
    done: int


class Walk:
    """The stepper's state: a network, a position in its training, and the values there."""

    def __init__(self, net: Network, max_checkpoints: int = 64, resume: bool = True) -> None:
        """``resume``: go to where a saved session was (computing every iteration before it). With
        False the walk starts at iteration 1 with the session's edits, and ``saved_position`` says
        where the session was, for a caller that goes there in the background."""
        self.net = net
        self.steps: tuple[Step, ...] = build_steps(net)
        self.history = WeightHistory(net, max_checkpoints)
        self.position = Position(1, 0)
        self._values: tuple[int, IterationValues] | None = None
        self._diagnosis: tuple[int, Diagnosis] | None = None
        self._divergence: tuple[int, Divergence | None] | None = None
        self.saved_position: tuple[int, int] | None = None
        self._symmetry: tuple[int, tuple[StepSymmetry, ...]] | None = None
        # Clones an edit or a re-initialisation broke, for the narration of that iteration.
        self.broken: tuple[int, tuple[NeuronGroup, ...], str] | None = None
        if net.session is not None:  # a saved stepper: its edits, then where it was
            for iteration, weights in net.session.pins:
                self.history.pin(iteration, weights)
            self.history.weights_at(1)  # the pins leave the lookup at the last one
            self.saved_position = (net.session.iteration, net.session.step)
            if resume:
                self.seek(*self.saved_position)

    def session(self) -> Session:
        """Where this walk is and what was edited: what a saved session file keeps."""
        return Session(self.iteration, self.done, tuple(sorted(self.history.pins.items())))

    def edit_weight(self, layer: int, row: int, col: int, value: float) -> None:
        """Set one entry of W^layer at the start of the current iteration; everything computed from
        it in this iteration and after is computed again."""
        before = self.history.weights_at(self.iteration)
        weights = [w.copy() for w in before]
        weights[layer][row, col] = value
        clones = tuple(find_clones(self.net, before))
        self.history.pin(self.iteration, tuple(weights))
        self._values = None
        self._diagnosis = None
        self._divergence = None
        self._symmetry = None
        if clones:
            self.broken = (self.iteration, clones, "clones before the edit")

    # --- where we are -------------------------------------------------------------------------
    @property
    def steps_per_iteration(self) -> int:
        return len(self.steps)

    @property
    def iteration(self) -> int:
        return self.position.iteration

    @property
    def done(self) -> int:
        return self.position.done

    @property
    def current_step(self) -> Step | None:
        """The step that produced what is highlighted now (None before the first step)."""
        return self.steps[self.done - 1] if self.done else None

    @property
    def next_step(self) -> Step | None:
        return self.steps[self.done] if self.done < len(self.steps) else None

    @property
    def values(self) -> IterationValues:
        """All values of the current iteration (including those not yet revealed)."""
        it = self.iteration
        if self._values is None or self._values[0] != it:
            with np.errstate(all="ignore"):  # inf and NaN are divergence (see ``divergence``)
                values = self.history.run(it, self.history.start_at(it))
            self.history.costs[it] = values.cost
            self.history.spread[it] = neuron_spread(values.weights)
            self._values = (it, values)
        return self._values[1]

    @property
    def spread(self) -> dict[int, tuple[float, ...]]:
        """Per hidden layer, the closest two neurons' distance (weights in) at the start of each
        iteration known: every iteration shown, and the checkpoints of long runs."""
        return self.history.spread

    @property
    def symmetry(self) -> tuple[StepSymmetry, ...]:
        """This iteration's symmetry narration, one entry per step (engine/symmetry.py)."""
        it = self.iteration
        if self._symmetry is None or self._symmetry[0] != it:
            before: tuple[NeuronGroup, ...] = ()
            label = ""
            if self.broken is not None and self.broken[0] == it:
                before, label = self.broken[1], self.broken[2]
            with np.errstate(all="ignore"):
                story = narrate(self.net, self.values, self.steps, before, label or "clones before")
            self._symmetry = (it, story)
        return self._symmetry[1]

    @property
    def narration(self) -> dict[int, list[str]]:
        """This iteration's narration as lines by step index: what the exports write, the same as
        the Why pane (with which clones an edit or ``s`` broke, which an export alone cannot know)."""
        return {s.step.index: s.lines() for s in self.symmetry}

    @property
    def edited(self) -> bool:
        """Whether weights were set by hand (``e``) on this walk."""
        return bool(self.history.pins)

    @property
    def diagnosis(self) -> Diagnosis:
        """The health of the current iteration's weights (clones, dead units, ...), once per iteration."""
        it = self.iteration
        if self._diagnosis is None or self._diagnosis[0] != it:
            # Only the last few costs matter (a cost rising over RISING iterations): not a sort of the
            # whole history on every iteration of a run.
            known = self.history.costs
            costs = [known[k] for k in range(max(1, it - RISING - 1), it) if k in known]
            with np.errstate(all="ignore"):  # a diverged run's inf and NaN are findings, not warnings
                self._diagnosis = (it, diagnose(self.net, self.values, it - 1, costs))
        return self._diagnosis[1]

    def is_computed(self, ref: Ref) -> bool:
        """Whether ``ref`` has been computed at the current position of this iteration."""
        if ref.quantity in (Q.WEIGHTS, Q.TARGETS) or (ref.quantity == Q.A and ref.layer == 0):
            return True
        if ref.quantity in PREVIOUS_STATE:  # the optimizer's state as the iteration starts
            return True
        if ref.quantity == Q.CHANGE and not any(s.output == ref for s in self.steps):
            ref = Ref(Q.WEIGHTS_AFTER, ref.layer)  # plain sgd: shown with the update that makes it
        return any(s.output == ref for s in self.steps[: self.done])

    def value(self, ref: Ref) -> Array | float | None:
        """The value of ``ref`` if it has been computed by now, else None."""
        if not self.is_computed(ref):
            return None
        return self.peek(ref)

    def peek(self, ref: Ref) -> Array | float | None:
        """The value ``ref`` has in this iteration, computed by now or not (to size a view, say)."""
        vals = self.values
        if ref.quantity == Q.COST:
            return vals.cost
        if ref.quantity == Q.TARGETS:
            return vals.targets
        return vals.quantity(ref.quantity)[ref.layer]

    def current_weights(self) -> tuple[Array, ...]:
        """W^l as they stand now: updated ones replace the old once their update step is done."""
        vals = self.values
        return tuple(
            vals.weights_after[l] if self.is_computed(Ref(Q.WEIGHTS_AFTER, l)) else vals.weights[l]
            for l in range(self.net.depth)
        )

    # --- moving -------------------------------------------------------------------------------
    def seek(self, iteration: int, done: int = 0) -> None:
        """To ``done`` steps into ``iteration``, or to the divergence if training ends before it."""
        if iteration < 1 or not 0 <= done <= len(self.steps):
            raise ValueError(f"no position ({iteration}, {done})")
        self.history.weights_at(iteration)  # computes (and checks) the iterations before it
        stop = self.history.diverged_at
        if stop is not None and iteration > stop:
            iteration, done = stop, len(self.steps)
        self.position = Position(iteration, done)
        diverged = self.divergence
        if diverged is not None and done > diverged.step + 1:
            self.position = Position(iteration, diverged.step + 1)

    @property
    def divergence(self) -> Divergence | None:
        """Where the current iteration's first inf or NaN is, if it has one: the walk stops there."""
        it = self.iteration
        if self._divergence is None or self._divergence[0] != it:
            self._divergence = (it, find_divergence(self.values, self.steps, it))
        return self._divergence[1]

    @property
    def at_divergence(self) -> bool:
        """Whether the walk stands at the step where training diverged (it goes no further)."""
        d = self.divergence
        return d is not None and self.done == d.step + 1

    def forward(self, count: int = 1) -> None:
        """``count`` single steps forward."""
        s = len(self.steps)
        flat = (self.iteration - 1) * (s + 1) + self.done + count
        self.seek(flat // (s + 1) + 1, flat % (s + 1))

    def back(self, count: int = 1) -> bool:
        """``count`` single steps back; False (and no move) at the very start."""
        s = len(self.steps)
        flat = (self.iteration - 1) * (s + 1) + self.done - count
        if flat < 0:
            return False
        self.seek(flat // (s + 1) + 1, flat % (s + 1))
        return True

    def to_phase_end(self, phase: Phase) -> None:
        """Forward to the end of ``phase`` in this iteration, or the next one if already past it."""
        last = max(s.index for s in self.steps if s.phase is phase) + 1
        if self.done >= last:
            self.seek(self.iteration + 1, last)
        else:
            self.seek(self.iteration, last)

    def to_layer_end(self, layer_of: Callable[[Step], int] | None = None) -> None:
        """Forward past every remaining step of the next step's layer and phase; ``layer_of`` says
        which layer a step belongs to where that is not its own ``layer`` (on screen, dC/dW^l is
        layer l + 1's, whose pane holds W^l)."""
        nxt = self.next_step
        if nxt is None:
            self.forward()
            return
        layer = layer_of or (lambda step: step.layer)
        done = self.done
        while done < len(self.steps) and (
            self.steps[done].phase is nxt.phase and layer(self.steps[done]) == layer(nxt)
        ):
            done += 1
        self.seek(self.iteration, done)

    def to_iteration_end(self) -> None:
        """To the end of this iteration (update applied), or of the next if already there."""
        self.to_phase_end(Phase.UPDATE)

    def to_iteration(self, iteration: int) -> None:
        """To the start of ``iteration``: W as left by iteration - 1, nothing else computed."""
        self.seek(iteration, 0)
