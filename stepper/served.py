"""The app's side of ``stepper serve``: what a tab served to a browser may touch.

The server starts each tab's app with ``STEPPER_SERVED=1`` in its environment (and the folder given
with ``--root``, and a memory limit). A served app writes no file: exports and saved sessions go to the
browser as downloads. It reads only the built-in examples and regular files under the root folder,
checked here before anything is opened, so a remote user cannot read, or learn from an error message
anything about, any other file. No textual import: the CLI applies the limits before the app starts.
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from stepper.errors import StepperError

if TYPE_CHECKING:
    from stepper.engine.network import Network

SERVED_ENV = "STEPPER_SERVED"
ROOT_ENV = "STEPPER_SERVE_ROOT"
MEMORY_ENV = "STEPPER_SERVE_MEMORY"  # bytes of address space per tab
NETWORK_SUFFIXES = (".toml",)
MAX_LISTED = 200  # files the open dialog offers from the root folder
MAX_SCANNED = 20_000  # entries looked at to find them (a --root of a whole home folder stays quick)


@dataclass(frozen=True)
class Served:
    """A served app's limits: ``root`` is the only folder it reads from (None: examples only)."""

    root: Path | None = None
    memory: int | None = None

    @classmethod
    def from_environment(cls) -> Served | None:
        if os.environ.get(SERVED_ENV) != "1":
            return None
        root = os.environ.get(ROOT_ENV)
        memory = os.environ.get(MEMORY_ENV)
        return cls(Path(root).resolve() if root else None, int(memory) if memory else None)

    def apply_limits(self) -> None:
        """Cap this process's memory, and end it with the server (Linux), whatever the server's end."""
        try:
            import resource
        except ImportError:  # not a POSIX system: no limit to set
            return
        if self.memory is not None:
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = self.memory if hard == resource.RLIM_INFINITY else min(self.memory, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        with contextlib.suppress(OSError, AttributeError):
            import ctypes
            import signal

            PR_SET_PDEATHSIG = 1
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() == 1:  # the server ended before the line above ran
                os._exit(1)

    def network_files(self) -> list[str]:
        """The network files under the root, as paths relative to it (hidden folders skipped)."""
        if self.root is None:
            return []
        found: list[str] = []
        scanned = 0
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            scanned += len(dirs) + len(files)
            if scanned > MAX_SCANNED:
                return found
            for name in sorted(files):
                if name.endswith(NETWORK_SUFFIXES) and not name.startswith("."):
                    relative = os.path.relpath(os.path.join(folder, name), self.root)
                    with contextlib.suppress(StepperError):
                        self.resolve(relative)
                        found.append(relative)
                        if len(found) >= MAX_LISTED:
                            return found
        return found

    def resolve(self, name: str) -> Path:
        """``name`` (relative to the root, or absolute inside it) as a regular file inside the root.

        Refused, with a message that says nothing about the file: no root, a path leading out of it
        (``..``, an absolute path elsewhere, a symlink pointing out), a folder, a device, a FIFO."""
        if self.root is None:
            raise StepperError(
                f"{name}: only the built-in examples can be opened here "
                "(the server was started without --root)"
            )
        refused = StepperError(f"{name}: not a network file in the served folder")
        candidate = Path(name) if Path(name).is_absolute() else self.root / name
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            raise refused from None
        if not real.is_relative_to(self.root):
            raise refused
        try:
            mode = real.stat().st_mode
        except OSError:
            raise refused from None
        if not stat.S_ISREG(mode):
            raise refused
        return real

    def load(self, name: str) -> Network:
        """A built-in example, or a network file in the root; a CSV it names must be in the root too."""
        from stepper.netfile import Overrides, example_names, find_source, load_network, parse_network

        if name in example_names():
            return load_network(name)
        path = self.resolve(name)
        assert self.root is not None  # resolve() refuses every name without one
        source = replace(find_source(str(path)), label=str(path.relative_to(self.root)), within=self.root)
        return parse_network(source, Overrides())
