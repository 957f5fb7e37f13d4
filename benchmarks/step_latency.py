"""Key-to-idle CPU time per step in the stepper app, driven headless by Textual's Pilot (README, "Speed"),
and start-up time to the first screen; beside it, the yardstick: a minimal Textual app that rewrites
one of 21 small matrices per key, and the ratio of the two (issue 12 aims at 2.5x for the seed
network, 4x for 784-128-10 x 256).

Each figure is the best of ``--runs`` medians: the machine's other work only ever adds time.
Beside each, what Pilot itself costs per key: the same ``press`` and ``pause`` cost that much with
nothing to do, as Pilot waits on every widget of the screen in turn (the stepper has about four
times as many widgets as the minimal app, a third of them hidden matrices). And the app alone: the
CPU time a key costs the app when it is sent without Pilot waiting on every widget (the process's
CPU time over a pause after the key, less the same pause with no key), which is what a person at
the keyboard waits for.
Also a step-sized minimal app: the minimal app changing as much of the screen per key as a step
does (header, Why-sized pane, two borders), to tell Textual's share of a step from the stepper's.
Usage: python benchmarks/step_latency.py [--steps N] [--runs R]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time

import numpy as np
from networks import wide_network
from textual import events
from textual._compositor import CompositorUpdate
from textual.app import App, ComposeResult
from textual.containers import Grid
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from stepper.app import StepperApp, heap
from stepper.engine.batching import TrainingSpec
from stepper.engine.network import Network
from stepper.engine.optimizers import OptimizerSpec
from stepper.netfile import load_network


async def measure(
    net: Network, steps: int, size: tuple[int, int] = (120, 40), key: str = "n", show_map: bool = False
) -> tuple[float, float, float, float]:
    start = time.perf_counter()
    app = StepperApp(network=net)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        startup = time.perf_counter() - start
        if show_map:  # the decision map pane (m), redrawn whenever a step changes the weights
            await pilot.press("m")
            await pilot.pause()
        ms = await per_key(pilot, key, steps)
        idle = await per_key(pilot, "f12", steps)  # a key bound to nothing: what Pilot alone costs
        alone = await app_alone(app, key, steps)
    return ms, startup, idle, alone


async def per_key(pilot: Pilot[None], key: str, steps: int) -> float:
    """The median CPU time, in ms, of pressing ``key`` and waiting for the app to be idle."""
    times = []
    for _ in range(steps):
        t = time.process_time()
        await pilot.press(key)
        await pilot.pause()
        times.append(time.process_time() - t)
    return statistics.median(times) * 1000


async def app_alone(app: App[None], key: str, steps: int, pause: float = 0.06) -> float:
    """The median CPU time, in ms, a key costs the app itself: the key is posted as a terminal
    would send it, and the process's CPU time over ``pause`` seconds after it (long enough for the
    app to be idle again) is taken, less the same pause without a key."""

    async def cpu(send: bool) -> float:
        t = time.process_time()
        if send:
            app.post_message(events.Key(key, None))
        await asyncio.sleep(pause)
        return time.process_time() - t

    quiet = statistics.median([await cpu(False) for _ in range(10)])
    return max(0.0, statistics.median([await cpu(True) for _ in range(steps)]) - quiet) * 1000


async def idle_cpu(app: App[None], seconds: float = 3.0) -> float:
    """CPU time, in ms per second, the app takes at rest (nothing moves on its screen)."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await asyncio.sleep(0.5)
        t = time.process_time()
        await asyncio.sleep(seconds)
        return (time.process_time() - t) / seconds * 1000


async def slowest_steps(frozen: bool, steps: int = 132, pause: float = 0.07) -> tuple[float, float]:
    """The slowest 3% and the slowest of ``steps`` keys (CPU ms, the app alone, seed at 120x40),
    with the screen's objects frozen out of full garbage collections as ``stepper`` does, or not:
    a full collection is what makes a step now and then take several times the median."""
    heap._enabled = frozen
    try:
        app = StepperApp(network=load_network())
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await asyncio.sleep(0.3)
            times = []
            for _ in range(steps):
                t = time.process_time()
                app.post_message(events.Key("n", None))
                await asyncio.sleep(pause)
                times.append((time.process_time() - t) * 1000)
    finally:
        heap._enabled = False
        gc.unfreeze()
    times.sort()
    return times[int(0.97 * len(times))], times[-1]


class MinimalApp(App[None]):
    """The least a stepping app can do: 21 small matrices, one of them rewritten per key."""

    CSS = "Grid { grid-size: 3; } Static { border: round $panel; height: auto; }"
    BINDINGS = [("n", "next", "Next")]

    def __init__(self) -> None:
        super().__init__()
        self.k = 0
        self.rng = np.random.default_rng(0)

    def compose(self) -> ComposeResult:
        with Grid():
            for i in range(21):
                yield Static(self._matrix(), id=f"m{i}")

    def _matrix(self) -> str:
        return "\n".join("  ".join(f"{x:10.7f}" for x in row) for row in self.rng.normal(size=(3, 3)))

    def action_next(self) -> None:
        self.query_one(f"#m{self.k % 21}", Static).update(self._matrix())
        self.k += 1


class StepSizedApp(MinimalApp):
    """The minimal app changing as much of the screen per key as a step of the stepper does: a
    two-line header, a 9-line text pane, and the role (the border) of two of its matrices besides
    the one rewritten. What Textual itself needs for a step's worth of change."""

    CSS = """
    Grid { grid-size: 3; height: 1fr; }
    Static.m { border: round $panel; height: auto; }
    Static.m.-current { border: heavy $accent; }
    #why { height: 11; border: round $panel; }
    #header { height: 2; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="header")
        with Grid():
            for i in range(21):
                yield Static(self._matrix(), id=f"m{i}", classes="m")
        yield Static(id="why")

    def action_next(self) -> None:
        i = self.k % 21
        super().action_next()
        self.query_one(f"#m{(i - 1) % 21}").remove_class("-current")
        self.query_one(f"#m{i}").add_class("-current")
        cost = self.rng.normal()
        header = f"Iteration 1 · step {self.k} of 22 · C = {cost:.7f}\nformula"
        self.query_one("#header", Static).update(header)
        why = "\n".join(f"line {j} " + f"{self.rng.normal():.7f} " * 4 for j in range(9))
        self.query_one("#why", Static).update(why)


async def measure_app(app: App[None], steps: int, size: tuple[int, int]) -> tuple[float, float, float]:
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        ms, idle = await per_key(pilot, "n", steps), await per_key(pilot, "f12", steps)
        return ms, idle, await app_alone(app, "n", steps)


async def bytes_per_step(size: tuple[int, int], steps: int = 66) -> tuple[float, float]:
    """What a step of the seed network sends to the terminal (kB, escape sequences included), and
    how many updates it takes: a step repaints only what changed, never the whole screen."""
    sent = [0, 0]
    display = App._display

    def counted(self: App[None], screen: Screen[None], update: object) -> None:
        if update is not None and screen is self.screen and isinstance(update, CompositorUpdate):
            sent[0] += len(update.render_segments(self.console).encode())
            sent[1] += 1
        display(self, screen, update)  # type: ignore[arg-type]

    App._display = counted  # type: ignore[method-assign]
    try:
        app = StepperApp(network=load_network())
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await asyncio.sleep(0.3)
            sent[:] = [0, 0]
            for _ in range(steps):
                app.post_message(events.Key("n", None))
                await asyncio.sleep(0.06)
    finally:
        App._display = display  # type: ignore[method-assign]
    return sent[0] / steps / 1000, sent[1] / steps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seed = load_network()
    spiral = load_network("spiral")
    runs = [
        ("seed 2-3-3-2 × 2, 80x24", seed, (80, 24), "n", False),
        ("seed 2-3-3-2 × 2, 120x40", seed, (120, 40), "n", False),
        ("seed 2-3-3-2 × 2, 200x60", seed, (200, 60), "n", False),
        *(
            (net.name, net, (120, 40), "n", False)
            for net in (wide_network((64, 128, 128, 10), 32), wide_network((784, 128, 10), 256))
        ),
        ("seed, map shown, 120x40", seed, (120, 40), "n", True),
        # Steps within an iteration change no weight: the map is not redrawn, so its cost is ~0.
        ("spiral 2-16-16-1, key n", spiral, (120, 40), "n", False),
        ("spiral, key n, map shown", spiral, (120, 40), "n", True),
        ("spiral 2-16-16-1, key i", spiral, (120, 40), "i", False),
        ("spiral, key i, map shown", spiral, (120, 40), "i", True),
        # The update phase of Adam has six steps per matrix, on batches of 32.
        (
            "784-128-10 × 256, adam, batch 32",
            wide_network((784, 128, 10), 256)
            .with_optimizer(OptimizerSpec("adam"))
            .with_training(TrainingSpec(batch_size=32)),
            (120, 40),
            "n",
            False,
        ),
    ]
    minimal = {
        size: min(asyncio.run(measure_app(MinimalApp(), args.steps, size)) for _ in range(args.runs))
        for size in {run[2] for run in runs}
    }
    for size, (ms, idle, alone) in sorted(minimal.items()):
        print(
            f"{'minimal app, ' + 'x'.join(map(str, size)):<28} median key-to-idle CPU {ms:7.1f} ms/step   "
            f"Pilot alone {idle:4.1f} ms   app alone {alone:4.1f} ms"
        )
    sized = min(asyncio.run(measure_app(StepSizedApp(), args.steps, (120, 40))) for _ in range(args.runs))
    print(
        f"{'step-sized minimal, 120x40':<28} median key-to-idle CPU {sized[0]:7.1f} ms/step   "
        f"Pilot alone {sized[1]:4.1f} ms   app alone {sized[2]:4.1f} ms"
    )
    for size in ((80, 24), (120, 40), (200, 60)):
        kb, updates = asyncio.run(bytes_per_step(size))
        where = "x".join(map(str, size))
        print(f"{'sent per step, ' + where:<28} {kb:.1f} kB to the terminal in {updates:.1f} updates")
    stepper_idle = asyncio.run(idle_cpu(StepperApp(network=seed)))
    minimal_idle = asyncio.run(idle_cpu(MinimalApp()))
    print(f"{'at rest, 120x40':<28} CPU {stepper_idle:.2f} ms a second (the minimal app {minimal_idle:.2f})")
    for frozen in (False, True):
        p97, worst = min(asyncio.run(slowest_steps(frozen)) for _ in range(args.runs))
        how = "frozen (as stepper runs)" if frozen else "not frozen"
        print(f"{'slowest steps, ' + how:<28} 97th percentile {p97:5.1f} ms   slowest {worst:5.1f} ms")
    for label, net, size, key, show_map in runs:
        results = [asyncio.run(measure(net, args.steps, size, key, show_map)) for _ in range(args.runs)]
        median_ms, startup, idle, _ = min(results)
        alone = min(result[3] for result in results)
        ratio = median_ms / minimal[size][0]
        alone_ratio = alone / minimal[size][2]
        print(
            f"{label:<28} median key-to-idle CPU {median_ms:7.1f} ms/step   start-up {startup:5.2f} s   "
            f"{ratio:4.1f}x the minimal app   Pilot alone {idle:4.1f} ms   "
            f"app alone {alone:4.1f} ms ({alone_ratio:.1f}x)"
        )


if __name__ == "__main__":
    main()
