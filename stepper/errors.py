"""Errors a user can cause, each of which the command line turns into one clear message."""


class StepperError(Exception):
    """Bad input or usage: the command line prints the message and exits with status 2."""
