"""The footer of stepping screens: Textual's Footer, with the keys that fit the width (help and quit
always among them), rebuilt only when the keys it shows change."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Never dropped, however narrow the terminal: the key that lists every other key, the way out of
# the app, and side by side's way back to the walk. The moves go first, from the right of the
# footer (space Run, i Iter, ... n Next): each of them is in the help screen.
ESSENTIAL = frozenset({"help", "quit", "side-close"})

# What the footer shows: each key as (key, label, action, enabled), then whether the palette key is.
Shown = tuple[tuple[tuple[str, str, str, bool], ...], bool]


class KeysFooter(Footer):
    """Textual's Footer recomposes all its keys whenever the screen's bindings may have changed, and
    they "change" at every focus move. The cell cursor moves to the new current matrix on every step,
    so that was a rebuild of every footer key per step: about half of a step's time. Here the footer
    is rebuilt only when what it shows (key, label, enabled, what fits) is different.

    Textual's Footer lays every key out in a row and lets the width cut the row's end: at 60 columns
    that was ``? Help`` and ``q Quit``. Here the keys that do not fit are left out, the least
    important first, and help and quit stay."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._shown: Shown | None = None

    @staticmethod
    def _keys(active: dict[str, ActiveBinding]) -> list[tuple[Binding, bool]]:
        """The keys Textual's Footer would show, in its order: one per action (its first key)."""
        keys: dict[str, tuple[Binding, bool]] = {}
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show:
                keys.setdefault(binding.action, (binding, enabled))
        return list(keys.values())

    def _palette_shown(self, active: dict[str, ActiveBinding]) -> bool:
        return (
            self.show_command_palette
            and self.app.ENABLE_COMMAND_PALETTE
            and self.app.COMMAND_PALETTE_BINDING in active
        )

    def _width_of(self, binding: Binding, palette: bool = False) -> int:
        """Columns a key takes in the compact footer: "key label", then a margin (the palette key:
        its border on the left and its padding on the right instead, stepper.tcss)."""
        text = cell_len(self.app.get_key_display(binding)) + 1 + cell_len(binding.description)
        return text + (2 if palette else 1)

    def _fitting(self, screen: Screen[object]) -> Shown:
        """The keys that fit the footer's width: the least important are left out first."""
        # Textual works the screen's bindings out afresh on each look (the focus chain's, checked).
        active = screen.active_bindings
        keys = self._keys(active)
        palette = self._palette_shown(active)
        room = self.size.width or self.app.size.width
        if palette:
            room -= self._width_of(active[self.app.COMMAND_PALETTE_BINDING].binding, True)
        kept = list(keys)
        droppable = [key for key in reversed(keys) if key[0].id not in ESSENTIAL]
        # The last key's margin may fall outside: "q Quit" needs its 6 columns, not 7.
        while droppable and sum(self._width_of(b) for b, _ in kept) - 1 > room:
            kept.remove(droppable.pop(0))
        shown = tuple((b.key, b.description, b.action, enabled) for b, enabled in kept)
        return shown, palette

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        actions = {action for _key, _label, action, _enabled in self._fitting(self.screen)[0]}
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                if widget.action not in actions:
                    continue
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = self._fitting(screen)
        if shown == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # Footer recomposes now (else it waits, and so does this)
        super().bindings_changed(screen)

    def _refit(self) -> None:
        """A new width (or the palette key shown or hidden): the keys that fit now."""
        if self._shown is None or not self.is_attached:
            return  # not composed yet: bindings_changed composes it at the width it will have
        shown = self._fitting(self.screen)
        if shown != self._shown:
            self._shown = shown
            self.call_after_refresh(self.recompose)

    def on_resize(self) -> None:
        self._refit()

    def watch_show_command_palette(self) -> None:
        self._refit()
