"""Errors a user can cause, each of which the command line turns into one clear message."""


class StepperError(Exception):
    """Bad input or usage: the command line prints the message and exits with status 2."""


class DivergenceError(Exception):
    """Training produced a non-finite cost or weight: reported with the iteration, exit status 1."""

    def __init__(self, iteration: int, what: str) -> None:
        self.iteration = iteration
        self.what = what
        super().__init__(
            f"training diverged at iteration {iteration}: {what}. Try a smaller learning rate (--lr)."
        )
