"""A mend to Textual 8.2.8's option lists (pinned in constraints.txt), for keys that come fast.

Found by testers in tmux and by the fuzz, which sends keys as a terminal does
(tests/ui/test_fuzz.py): it ended the app with a traceback. (The palette's own mends are in its
class, stepper.app.commands.Palette.)
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
