"""One entry point for the formats a person shares: text, markdown, latex."""

from __future__ import annotations

from collections.abc import Mapping

from stepper.engine.divergence import Divergence
from stepper.engine.iteration import IterationValues
from stepper.engine.network import Network
from stepper.engine.steps import Step


def render_trace(
    fmt: str,
    net: Network,
    iterations: list[IterationValues],
    steps: tuple[Step, ...],
    first: int = 1,
    diverged: Divergence | None = None,
    quiz: bool = False,
    story: Mapping[int, list[str]] | None = None,
    edited: bool = False,
) -> str:
    """Iterations ``first``, ``first + 1``, … with the given steps, in format ``fmt``; the iteration
    that ``diverged`` in stops at the divergence; ``quiz`` (markdown and latex): an exercise with
    blanks and an answer key. From the app: ``story``, the first iteration's narration as the app
    tells it (it knows which clones an edit or ``s`` broke), and ``edited``, whether weights were
    set by hand."""
    if fmt == "markdown":
        from stepper.exports.tex import trace_markdown

        return trace_markdown(net, iterations, steps, first, diverged, quiz, story, edited)
    if fmt == "latex":
        from stepper.exports.tex import trace_latex

        return trace_latex(net, iterations, steps, first, diverged, quiz, story, edited)
    from stepper.exports.text import trace_text

    return trace_text(net, iterations, steps, first, diverged, story, edited) + "\n"
