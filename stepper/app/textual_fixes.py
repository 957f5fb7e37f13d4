"""Two mends to Textual 8.2.8 (pinned in constraints.txt), each for keys that come fast.

Found by the fuzz, which sends keys as a terminal does (tests/ui/test_fuzz.py), and by testers in
tmux: each ended the app with a traceback.
"""

from __future__ import annotations

from textual.widgets import OptionList

_move_page = OptionList._move_page


def _move_page_once_laid_out(self: OptionList, direction: int) -> None:
    """PageUp or PageDown in a list whose options are in but not yet laid out in lines (ctrl+p
    then PageDown at once; in the optimizer dialog, Up, Tab, PageUp) looked up the line of an
    option that has none yet: a KeyError. Before the list is drawn there is no page to move by."""
    if not self.scrollable_content_region:
        return
    _move_page(self, direction)  # type: ignore[arg-type]


def apply() -> None:
    OptionList._move_page = _move_page_once_laid_out  # type: ignore[method-assign]
