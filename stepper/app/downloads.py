"""Files a browser tab (``stepper serve``) is sent as downloads, and what the app can know of them.

Textual hands the file to the server, which tells the page its key; the page opens the download's
address in a new window, and the server reads the file from the app chunk by chunk while the
browser fetches it. So the app learns that the browser has fetched the whole file
(``DeliveryComplete``), or that reading it failed (``DeliveryFailed``), and nothing at all when the
browser never asks for it: a blocked pop-up window, a refused download, a dropped connection. That
silence is the usual failure, so a download not fetched within ``WAIT`` seconds is reported as one.
Whether the browser then kept the file (a "Save as" dialog cancelled) no program on the server can
know: the notices say "your browser has received", never "saved".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import StringIO
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

WAIT = 20.0  # seconds for the browser to fetch a file of a few kB before the user is told


@dataclass
class Downloads:
    app: App[None]
    wait: float = WAIT
    pending: dict[str, str] = field(default_factory=dict)  # delivery key → file name
    overdue: set[str] = field(default_factory=set)

    def send(self, text: str, name: str, mime_type: str) -> None:
        key = self.app.deliver_text(StringIO(text), save_filename=name, mime_type=mime_type)
        if key is None:
            self.app.notify(f"{name} could not be sent to your browser.", severity="error", timeout=10)
            return
        self.pending[key] = name
        self.app.notify(f"Sending {name} to your browser as a download…")
        self.app.set_timer(self.wait, lambda: self._check(key))

    def completed(self, key: str) -> None:
        name = self.pending.pop(key, None)
        if name is not None:
            late = " after all" if key in self.overdue else ""
            self.overdue.discard(key)
            self.app.notify(f"Your browser has received {name}{late} (see its downloads).")

    def failed(self, key: str, error: BaseException) -> None:
        name = self.pending.pop(key, None)
        if name is not None:
            self.overdue.discard(key)
            message = f"{name} could not be sent to your browser ({error}). Try again."
            self.app.notify(message, severity="error", timeout=10)

    def _check(self, key: str) -> None:
        name = self.pending.get(key)
        if name is None:
            return
        self.overdue.add(key)  # still pending: a late fetch is reported when it comes
        self.app.notify(
            f"Your browser has not fetched {name} after {self.wait:g} s: it may have blocked the "
            "download's window (allow pop-ups for this page) or lost the connection. Try again.",
            severity="warning",
            timeout=15,
        )
