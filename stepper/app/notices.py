"""File names in notifications, readable whole: relative to where stepper was started, and broken
only at a path separator (or a - or _) when one is wider than the notification.

Textual wraps a toast's text at spaces and folds a word wider than the toast wherever it ends
("identical-columns-iteration1-step0.m" / "d."); a path is one long word.
"""

from __future__ import annotations

import re
from pathlib import Path

TOAST_WIDTH = 60  # Textual's Toast width; stepper.tcss lets it take 70% of a narrow screen
TOAST_SHARE = 0.7
TOAST_FRAME = 4  # its left border, padding and the room a wrapped line keeps


NOTICE_SECONDS = (5.0, 10.0)  # a notice's time on screen: at least, at most (Escape or a click ends it)


def reading_time(message: str) -> float:
    """Seconds to read ``message``: two to find it, then about 20 characters a second (240 words a
    minute), within NOTICE_SECONDS. The compare notice stayed 12 s whatever its length."""
    least, most = NOTICE_SECONDS
    return min(most, max(least, 2.0 + len(message) / 20))


def toast_text_width(screen_width: int) -> int:
    return max(12, min(TOAST_WIDTH, int(screen_width * TOAST_SHARE)) - TOAST_FRAME)


def short_path(path: str, cwd: Path | None = None, home: Path | None = None) -> str:
    """``path`` as the learner would type it from here: relative to the current folder when it is
    inside it, else from ~ when it is in the home folder, else as given."""
    cwd = cwd or Path.cwd()
    home = home or Path.home()
    target = Path(path).expanduser()
    if not target.is_absolute():
        return path
    for base, prefix in ((cwd, ""), (home, "~/")):
        try:
            return prefix + str(target.relative_to(base))
        except ValueError:
            continue
    return path


def breakable(path: str, width: int) -> str:
    """``path`` on lines of at most ``width`` characters, broken after a / where it must (after a
    - or _ within a name longer than a line); a path that fits is left whole."""
    if len(path) <= width:
        return path
    # Pieces that end at a separator: "a/", "b-", "c.md".
    pieces = re.findall(r"[^/]*/|[^/]+$", path)
    pieces = [
        p
        for piece in pieces
        for p in (re.findall(r"[^-_]*[-_]|[^-_]+$", piece) if len(piece) > width else [piece])
    ]
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if line and len(line) + len(piece) > width:
            lines.append(line)
            line = ""
        while len(piece) > width:  # no separator to break at: cut (as the toast would)
            lines.append(piece[:width])
            piece = piece[width:]
        line += piece
    lines.append(line)
    return "\n".join(lines)


def path_for_notice(path: str, screen_width: int) -> str:
    # One less than the width: a sentence puts a full stop after the path.
    return breakable(short_path(path), toast_text_width(screen_width) - 1)
