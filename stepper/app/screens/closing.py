"""Screens over the walk that close once, however fast the keys come."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.app import ScreenStackError
from textual.await_complete import AwaitComplete
from textual.screen import Screen

ResultT = TypeVar("ResultT")


class ClosesOnce(Screen[ResultT], Generic[ResultT]):
    """A dialog (or help, or side by side) that closes once.

    Keys that come fast (typed ahead, pasted, or several in one packet over a slow SSH link) are
    all routed to the screen in front when they arrive: Enter then Escape in a dialog both reached
    it, and the second closed it again after the first had, popping the screen below (the walk's,
    the last one: the app crashed). A screen no longer in front has been closed: it closes no more.
    Put it after the Textual class (``Dialog(ModalScreen[T], ClosesOnce[T])``): Textual's CSS
    types follow the first base.
    """

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        try:
            in_front = self.app.screen is self
        except ScreenStackError:
            in_front = False
        if not in_front:
            return AwaitComplete(_closed())
        return super().dismiss(result)


async def _closed() -> None:
    """Nothing to wait for: the screen closed already."""
