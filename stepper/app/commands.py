"""The command palette (ctrl+p): every key of the screen in front, by its name.

A command runs as its key would, through the screen's ``check_action`` (Textual checks that for keys
only), so what a key may not do now, its command may not either.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import partial
from typing import Any

from textual import work
from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.css.query import NoMatches
from textual.screen import Screen

from stepper.app.screens.closing import ClosesOnce
from stepper.app.screens.help import KEY_HELP
from stepper.app.screens.stepping import SteppingScreen

# Keys that are no commands: leaving (the palette's own Escape) and quitting (the App's command).
NOT_COMMANDS = frozenset({"quit", "cancel", "close"})

# More commands than keys: the palette is where a user looks for what they can do by name.
EXTRA_COMMANDS = (
    *(
        (f"Optimizer: {name}", f"train with {name} from the same init (restarts)", f"set_optimizer('{name}')")
        for name in ("sgd", "momentum", "rmsprop", "adam", "adamw")
    ),
    ("Batch size: 1", "one observation per update (restarts)", "set_batch_size(1)"),
    ("Batch size: all (full batch)", "every observation in each update (restarts)", "set_batch_size(0)"),
    ("Side by side: compare with sgd", "this run beside plain gradient descent", "side_by_side_with('sgd')"),
    ("Side by side: compare with adam", "this run beside adam, same init", "side_by_side_with('adam')"),
    (
        "Side by side: compare with batch size 1",
        "beside one observation per update",
        "side_by_side_with('1')",
    ),
    ("Side by side: compare with full batch", "beside full-batch updates", "side_by_side_with('0')"),
)


def key_name(key: str) -> str:
    """How the help and the palette write a key: [ and ], not their Textual names."""
    return (
        key.replace("left_square_bracket", "[")
        .replace("right_square_bracket", "]")
        .replace("question_mark", "?")
    )


def screen_commands(screen: Screen[Any]) -> Iterator[tuple[str, str, str]]:
    """(name, help, action) for every key of ``screen``, then the extra commands it can run.

    A key's name is the footer's word or two ("Fwd"); its help says what it does in a sentence
    (the help screen's), so "forward", "quiz" or "help" find it too: the palette matches both."""
    actions = set()
    for binding in screen.BINDINGS:
        assert isinstance(binding, Binding)
        if binding.system:  # side by side's notices for the main view's keys: no commands
            continue
        actions.add(binding.action)
        if binding.action not in NOT_COMMANDS:
            about = KEY_HELP.get(binding.id or "", "")
            about = "" if about == binding.description else about
            key = f"key {key_name(binding.key)}"
            yield binding.description, f"{about} · {key}" if about else key, binding.action
    if isinstance(screen, SteppingScreen):  # the App's own key, which is no binding of the screen
        yield "Help", f"{KEY_HELP['help']}: every key and the notation · key ?", "app.help"
    offers = getattr(screen, "offers", None)
    for name, help, action in EXTRA_COMMANDS:
        # An extra command belongs to the screens whose keys run it, or that have its action, and
        # is left out where it would change nothing (the optimizer the run has already).
        base = action.split("(")[0]
        if (base in actions or hasattr(screen, f"action_{base}")) and (offers is None or offers(action)):
            yield name, help, action


class Palette(CommandPalette, ClosesOnce[None]):
    """Textual's command palette, closed once: Enter then Escape typed fast closed it twice (the
    chosen command's Enter is handled after the Escape), and the second closed the screen below."""

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP)
    async def _gather_commands(self, search_value: str) -> None:
        """Textual's own search. Keys that come fast (ctrl+p, a letter, Enter) left a search
        running after the palette had closed; it looked for its list, gone, and the worker's
        error ended the app (the fuzz found it). A closed palette's search ends quietly."""
        gather = CommandPalette._gather_commands.__wrapped__  # type: ignore[attr-defined]  # under @work
        try:
            await gather(self, search_value)
        except NoMatches:
            if self.is_attached and self.app.screen is self:
                raise


class StepperCommands(Provider):
    """The keys of the screen the palette was opened over."""

    def _run(self, action: str) -> object:
        run_checked = getattr(self.screen, "run_checked", None)
        if run_checked is not None:
            return run_checked(action)
        return self.screen.run_action(action)

    async def discover(self) -> Hits:
        for name, help, action in screen_commands(self.screen):
            yield DiscoveryHit(name, partial(self._run, action), help=help)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for name, help, action in screen_commands(self.screen):
            # By its name first; else by what it does ("forward" finds Fwd), a little lower.
            by_name = matcher.match(name)
            score = by_name or matcher.match(help) * 0.9
            if score > 0:
                shown = matcher.highlight(name) if by_name else name
                yield Hit(score, shown, partial(self._run, action), help=help)
