"""The footer of stepping screens: Textual's Footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's Footer recomposes all its keys whenever the screen's bindings may have changed, and
    they "change" at every focus move. The cell cursor moves to the new current matrix on every step,
    so that was a rebuild of every footer key per step: about half of a step's time. Here the footer
    is rebuilt only when what it shows (key, label, enabled) is different."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._shown: tuple[tuple[str, str, str, bool], ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = tuple(
            (binding.key, binding.description, binding.action, enabled)
            for _node, binding, enabled, _tooltip in screen.active_bindings.values()
            if binding.show or binding.key == self.app.COMMAND_PALETTE_BINDING
        )
        if shown == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # Footer recomposes now (else it waits, and so does this)
        super().bindings_changed(screen)
