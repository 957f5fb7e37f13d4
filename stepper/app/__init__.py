"""The Textual app: everything that imports textual lives in this package."""

from stepper.app.app import StepperApp

__all__ = ["StepperApp"]
