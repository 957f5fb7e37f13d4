"""stepper: step through a small neural network, number by number."""

__version__ = "0.1.0"
