"""A progress bar on stderr for long `stepper train` runs in a terminal."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from stepper.engine.network import Network
from stepper.engine.training import TrainResult, train


def train_with_progress(net: Network, iterations: int) -> TrainResult:
    columns = (TextColumn("training"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("train", total=iterations)
        every = max(1, iterations // 200)
        return train(net, iterations, progress=lambda k: bar.update(task, completed=k), progress_every=every)
