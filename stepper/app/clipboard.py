"""What ``ctrl+y`` can honestly say about the clipboard.

Textual copies by writing an OSC 52 escape sequence to the terminal, and the terminal never answers:
whether the text reached the system clipboard is up to the terminal (and tmux, and the browser). So
the notice says "copied" only where nothing can have stopped it, names the known refusals, and
otherwise says the text was sent and how to tell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class ClipboardNotice:
    message: str
    severity: Literal["information", "warning"]  # as App.notify takes it


def clipboard_notice(what: str, characters: int, env: Mapping[str, str], headless: bool) -> ClipboardNotice:
    """The notice after sending ``what`` (``characters`` long) to the clipboard with OSC 52."""
    refusal = _refusal(env, headless)
    if refusal:
        return ClipboardNotice(
            f"Not copied: {refusal}. Press x again and Enter to save {what} to a file instead.", "warning"
        )
    hint = " (tmux: set -g set-clipboard on)" if env.get("TMUX") else ""
    return ClipboardNotice(
        f"Sent {what} ({characters:,} characters) to the terminal's clipboard. Nothing to paste? "
        f"The terminal blocks programs from setting it{hint}: save to a file instead.",
        "information",
    )


def _refusal(env: Mapping[str, str], headless: bool) -> str | None:
    """Why the clipboard cannot receive the text here, when that is known in advance."""
    if headless:
        return "no terminal to send it to"
    if env.get("TERM_PROGRAM") == "Apple_Terminal":
        return "macOS Terminal ignores programs that set the clipboard (OSC 52)"
    if env.get("TERM") == "linux":
        return "the Linux console has no clipboard"
    return None
