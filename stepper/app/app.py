"""stepper's Textual app: the theme, the settings and which screen is in front.

What a user steps through lives in the screens: :class:`WalkScreen` (one walk) and
:class:`SideBySideScreen` (two in lockstep), each built of :class:`WalkView` widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.theme import ThemeProvider
from textual.widgets._toast import ToastRack  # not exported; Textual is pinned (constraints.txt)

from stepper.app import heap, textual_fixes
from stepper.app.commands import Palette, StepperCommands, key_name
from stepper.app.downloads import Downloads
from stepper.app.screens.help import KEY_HELP, HelpScreen
from stepper.app.screens.walk import WalkScreen
from stepper.app.settings import load_settings, save_setting
from stepper.engine.compare import MineChecker
from stepper.engine.diagnose import Diagnosis
from stepper.engine.network import Network
from stepper.engine.walk import Walk
from stepper.minefile import load_mine_for
from stepper.served import Served

textual_fixes.apply()  # before any list is made: see stepper/app/textual_fixes.py


class StepperApp(App[None]):
    """``StepperApp(network=None | path | example name | Network, compare=None | path)``."""

    CSS_PATH = "stepper.tcss"
    TITLE = "stepper"
    COMMANDS = App.COMMANDS | {StepperCommands}

    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        network: str | Path | Network | None = None,
        compare: str | Path | None = None,
        served: Served | None = None,
    ) -> None:
        """``compare``: a file of the learner's own numbers (trace JSON or .npz): every cell where
        they differ is marked, and the stepper opens at the first difference. ``served``: running
        in a browser tab (``stepper serve``): files go to the browser, and only ``served`` may be read."""
        super().__init__()
        self.served = served
        net = self._load(network)
        checker = None
        if compare is not None:
            mine = load_mine_for(net, str(compare))
            checker = MineChecker(net, mine, Path(compare).name)
        # resume=False: a session saved far into training is reached in a worker, not here.
        self.walk_screen = WalkScreen(Walk(net, resume=False), checker, served=served)
        # Notices waiting for a dialog to close, each with what keeps it true (None: always).
        self._held_notices: list[tuple[str, dict[str, Any], Callable[[], bool] | None]] = []
        self._still_true: dict[str, Callable[[], bool]] = {}  # of the notices shown, by message
        self.downloads = Downloads(self)  # served: files sent to the browser, and their fate
        if self.no_color:
            # NO_COLOR draws each colour as the grey of its luminance, and the 16-colour themes'
            # colours are the terminal's own, of no luminance Textual knows: everything came out
            # black on black, and a saved ansi-dark made every later start unreadable.
            for name in [name for name in self.available_themes if name.startswith("ansi-")]:
                self.unregister_theme(name)
        theme = load_settings().get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme

    @staticmethod
    def _load(network: str | Path | Network | None) -> Network:
        if isinstance(network, Network):
            return network
        from stepper.netfile import load_network

        return load_network(None if network is None else str(network))

    def get_default_screen(self) -> Screen[Any]:
        return self.walk_screen

    def exit(self, *args: Any, **kwargs: Any) -> None:
        # No training tick and no long run after this: the widgets they update are going away.
        self.walk_screen.running = False
        self.walk_screen.workers.cancel_group(self.walk_screen, "long-run")
        super().exit(*args, **kwargs)

    # --- the palette's "Keys" panel takes a side of the screen --------------------------------------
    def action_show_help_panel(self) -> None:
        super().action_show_help_panel()
        self._refit_screen()

    def action_hide_help_panel(self) -> None:
        super().action_hide_help_panel()
        self._refit_screen()

    def _refit_screen(self) -> None:
        refit = getattr(self.screen, "refit", None)  # a stepping screen: its views plan their layers
        if refit is not None:
            refit()

    def on_mount(self) -> None:
        self.call_after_refresh(heap.settle)  # the screen is up: its objects live as long as the app
        # The theme chosen in the command palette is kept for the next run (not a browser tab's).
        if self.served is None:
            self.theme_changed_signal.subscribe(self, lambda theme: save_setting("theme", theme.name))

    def action_help_quit(self) -> None:
        """ctrl+c, which quits most terminal programs: how this one quits. (Textual's own says so in
        markup, and notifications here are plain text: it read "Press [b]ctrl+q[/b]"; a tester.)"""
        keys = sorted(
            (
                self.get_key_display(active.binding)
                for active in self.active_bindings.values()
                if active.binding.action in ("quit", "app.quit")
            ),
            key=len,
        )
        if keys:
            self.notify(f"Press {' or '.join(keys)} to quit the app.", title="Do you want to quit?")

    # --- notifications never cover a dialog -------------------------------------------------------
    def notify(self, message: str, *, still_true: Callable[[], bool] | None = None, **kwargs: Any) -> None:
        """Over a dialog (or the palette), a notification waits until it closes: at 80x24 a toast
        would hide the dialog's input or hint. Its keywords go with it. ``still_true``: what the
        notice says holds only while it returns True (the walk is still where the notice puts it):
        one that waited is dropped if what the dialog did made it false.

        Always plain text: messages carry cell names (``n^1[o=0, j=0]``), file names and the
        learner's own text, and Textual's markup parser takes ``[o=0, j=0]`` for a style and raises
        as the toast is drawn, which closed the app on a quiz answer. (A widget's or screen's
        ``notify`` passes ``markup=True`` unless told otherwise, so this is where it is decided.)
        """
        kwargs["markup"] = False
        if any(shown.message == message and not shown.has_expired for shown in self._notifications):
            return  # a key pressed again, to no effect: one toast saying so, not a stack of them
        if isinstance(self.screen, ModalScreen):
            self._held_notices.append((message, kwargs, still_true))
            return
        if self._held_notices:
            # The dialog has closed, and what it did ("Saved to …", the quiz's verdict) is said
            # before the notices that waited behind it came back: they go first. One notice shows
            # at a time, the newest (stepper.tcss); posted after this one, a notice that waited hid
            # it until both ran out, and the save was never confirmed (a tester's finding).
            self.show_held_notices()
        if still_true is not None:
            self._still_true[message] = still_true
        super().notify(message, **kwargs)

    def on_delivery_complete(self, event: events.DeliveryComplete) -> None:
        self.downloads.completed(event.key)

    def on_delivery_failed(self, event: events.DeliveryFailed) -> None:
        self.downloads.failed(event.key, event.exception)

    def hold_shown_notices(self) -> None:
        """The toasts on screen wait for the dialog opening over them to close, each with the time
        it had left (at least long enough to be read). Not for a screen of its own (side by side):
        its toasts are its own."""
        if not isinstance(self.screen, ModalScreen):
            return
        for shown in list(self._notifications):
            if not shown.has_expired:
                kwargs = {"title": shown.title, "severity": shown.severity, "markup": False}
                kwargs["timeout"] = max(shown.time_left, 3.0)
                self._held_notices.append((shown.message, kwargs, self._still_true.get(shown.message)))
        self.clear_notifications()
        self._still_true.clear()
        # Textual clears the toasts of the screen in front; those of the screen under the dialog
        # stayed, and showed through below it.
        for screen in self.screen_stack:
            for rack in screen.query(ToastRack):
                rack.show(self._notifications)

    def drop_untrue_notices(self) -> None:
        """Notices on screen that the walk has made untrue since, taken down: "Back to your walk at
        iteration 1, step 0" stayed up after the walk moved to step 21 and side by side opened
        again, over the right half's title (a tester's finding)."""
        if not self._still_true:
            return
        for shown in list(self._notifications):
            still_true = self._still_true.get(shown.message)
            if still_true is not None and not shown.has_expired and not still_true():
                self._unnotify(shown)
        live = {shown.message for shown in self._notifications if not shown.has_expired}
        for message in [m for m in self._still_true if m not in live]:
            del self._still_true[message]  # gone (expired or taken down): its walk is not kept alive

    def show_held_notices(self) -> None:
        """The notices that waited, those still true: "Back to your walk at iteration 1, step 22"
        waited behind help, the palette and the re-init dialog, and came after the re-initialisation,
        over a walk at step 0 (a tester's finding). Another dialog open by now holds them again."""
        held, self._held_notices = self._held_notices, []
        for message, kwargs, still_true in held:
            if still_true is None or still_true():
                self.notify(message, still_true=still_true, **kwargs)

    # --- the main walk, as tests and scripts read it ------------------------------------------------
    @property
    def walk(self) -> Walk:
        return self.walk_screen.walk

    @property
    def net(self) -> Network:
        return self.walk_screen.net

    @property
    def checker(self) -> MineChecker | None:
        return self.walk_screen.checker

    @property
    def diagnosis(self) -> Diagnosis:
        return self.walk_screen.diagnosis

    @property
    def busy(self) -> bool:
        return self.walk_screen.busy

    def goto_iteration(self, iteration: int | None) -> None:
        self.walk_screen.goto_iteration(iteration)

    async def run_checked(self, action: str) -> None:
        await self.walk_screen.run_checked(action)

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        # The palette's "Screenshot" runs after the palette has closed: chosen just before the app
        # quits, it ran as the screens were being taken down, and ended the app with a traceback
        # (found by the fuzz). With no screen there is nothing to picture.
        if not self.screen_stack:
            return None
        return super().deliver_screenshot(filename, path, time_format)

    def action_command_palette(self) -> None:
        # Textual's own, as a palette that closes once (Palette).
        if self.use_command_palette and not self.screen.has_class("--textual-command-palette"):
            self.push_screen(Palette(id="--command-palette"))

    def search_themes(self) -> None:
        # The palette's "Theme" command: Textual's own, as a Palette too (its plain palette's search
        # outlived it with fast keys and ended the app; the fuzz found it).
        self.push_screen(Palette(providers=[ThemeProvider], placeholder="Search for themes…"))

    # --- help ---------------------------------------------------------------------------------------
    def action_help(self) -> None:
        """Every key of the screen in front, and the app's own."""
        bindings = [*getattr(self.screen, "BINDINGS", []), *self.BINDINGS]
        keys = [
            (key_name(b.key), KEY_HELP.get(b.id or "", b.description))
            for b in bindings
            if isinstance(b, Binding) and not b.system  # side by side's notices for the main view's keys
        ]
        self.push_screen(HelpScreen(keys))
