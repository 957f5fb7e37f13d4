"""The app's long-lived objects, set aside from the garbage collector's full passes.

A step makes thousands of short-lived objects (Textual's strips and their caches), and enough of them
outlive the young generations that every fifteen steps or so Python runs a full collection. A full
collection walks every object the process holds: the screen's widgets, their styles, the stylesheet,
some 120,000 objects, 40 to 80 ms at once: a hitch, twice the time of a step, while ``n`` is held.
Once the screen is up those objects are frozen (``gc.freeze``): full passes skip them and look only
at what the steps made. It halves the slowest steps (``benchmarks/step_latency.py``).

Frozen objects are never collected by the cycle collector, and widgets hold cycles (a parent and
its children), so before thrown-away widgets could leak, everything is thawed, collected and frozen
again: after a new walk's panes replace the old ones.

Only in the app's own process (``stepper``, a browser tab of ``stepper serve``): in a process that
runs many apps, a test run, freezing is not the app's to decide.
"""

from __future__ import annotations

import gc

_enabled = False


def freeze_long_lived() -> None:
    """This process is the app's: from now on its long-lived objects are frozen once it settles."""
    global _enabled
    _enabled = True


def settle() -> None:
    """The screen is built (or rebuilt): collect what was thrown away, freeze what is left."""
    if not _enabled:
        return
    gc.unfreeze()
    gc.collect()
    gc.freeze()
