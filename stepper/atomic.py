"""Writing files so that an interrupted save never leaves a half-written one.

The text goes to a hidden temporary file beside the target (``.NAME.PID-XXXX.tmp``), is flushed to
disk, and is renamed over the target in one step. The file keeps the mode it had (a new one gets the
user's umask, as any editor would give it); a symbolic link is written through, to the file it
points at, and stays a link. A save killed half-way leaves its temporary file behind: the next save
to the same folder removes those whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

from stepper.errors import StepperError

STALE_AFTER = 3600  # seconds: a temporary file without a process id (older stepper) this old is stale

_umask_lock = threading.Lock()


def save_problem(path: str | Path) -> str | None:
    """Why ``path`` cannot be saved to, as far as can be told before writing (a save dialog says it
    and stays open with the path); None if nothing is known to stop it."""
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if any(unicodedata.category(ch) == "Cc" for ch in target.name):
        # A tab, a newline or an escape in a name is a slip of the keyboard, not a name: the file
        # would be hard to see, type or remove (written as Python would, so that it shows).
        return f"{str(path)!r}: cannot save: the name has a control character in it"
    if not folder.is_dir():
        return f"{path}: cannot save: no such folder {folder}"
    if target.is_dir() or (target.exists() and not target.is_file()):
        return f"{path}: cannot save: it exists and is not a regular file"
    if not os.access(folder, os.W_OK):
        return f"{path}: cannot save: Permission denied"
    return None


def write_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, then rename it over
    ``path`` in one step: readers see the old file or the new one, never a mix. On any failure the
    old file is left as it was and the temporary file is removed."""
    # Through a symbolic link to its target: replacing the link itself would cut it.
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    wrong = save_problem(path)
    if wrong is not None:
        raise StepperError(wrong)
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise StepperError(f"{path}: cannot save: {exc.strerror or exc}") from None
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
    _remove_stale(folder, target.name)
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.{os.getpid()}-", suffix=".tmp")
    except OSError as exc:
        raise StepperError(f"{path}: cannot save: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), mode)  # mkstemp makes it 0600
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise StepperError(f"{path}: cannot save: {exc.strerror or exc}") from None
        raise


def _umask() -> int:
    # The only portable way to read the umask is to set it; the lock keeps two saves from racing.
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _remove_stale(folder: Path, name: str) -> None:
    """Remove temporary files of earlier saves to ``name`` that were killed before their rename."""
    pattern = re.compile(rf"\.{re.escape(name)}\.(?:(\d+)-)?[A-Za-z0-9_]+\.tmp")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        found = pattern.fullmatch(entry.name)
        if found is None or not entry.is_file(follow_symlinks=False):
            continue
        pid = found.group(1)
        stale = False
        if pid is not None:
            stale = int(pid) != os.getpid() and not _running(int(pid))
        else:
            with contextlib.suppress(OSError):
                stale = time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
        if stale:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # gone, or a number no process can have
        return False
    except PermissionError:
        return True  # another user's process: its file is not ours to remove
    return True
