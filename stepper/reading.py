"""Reading a user's file safely: a regular file only, bounded in size, checked before it is parsed.

Devices (``/dev/zero``), named pipes and sockets are refused at once, before anything is read (a
FIFO would block and a device never ends); a file larger than the limit for its kind is refused
from its size, with the limit in the message; text is decoded as UTF-8 with an optional BOM, as
editors on Windows and Excel's "CSV UTF-8" write it. Nested JSON and TOML are checked for depth
before a recursive parser sees them.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from stepper.errors import StepperError
from stepper.limits import MAX_NESTING

MIB = 2**20


def size_text(size: int) -> str:
    """A byte count as people read it: 64 MiB, 3.2 KiB, 120 bytes."""
    if size >= 10 * MIB:
        return f"{size / MIB:,.0f} MiB"
    if size >= MIB:
        return f"{size / MIB:.3g} MiB"
    if size >= 1024:
        return f"{size / 1024:.3g} KiB"
    return f"{size} bytes"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


@contextmanager
def open_bounded(path: str | Path, label: str, limit: int, what: str) -> Iterator[BinaryIO]:
    """``path`` opened for reading in binary, once it is known to be a regular file of at most
    ``limit`` bytes; every refusal is a StepperError naming ``label`` and saying what was expected."""
    try:
        # O_NONBLOCK: a FIFO swapped in after a check must not block the open; a regular file
        # ignores the flag.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise StepperError(f"{label}: no such file") from None
    except OSError as exc:
        raise StepperError(f"{label}: cannot read it: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise StepperError(f"{label}: is {_kind(info.st_mode)}, expected {what}")
        if info.st_size > limit:
            raise StepperError(
                f"{label}: is {size_text(info.st_size)}, larger than the {size_text(limit)} "
                f"allowed for {what}"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as fh:
        yield fh


def read_bytes(path: str | Path, label: str, limit: int, what: str) -> bytes:
    with open_bounded(path, label, limit, what) as fh:
        data = fh.read(limit + 1)  # a file that grew after its size was checked is still bounded
    if len(data) > limit:
        raise StepperError(f"{label}: larger than the {size_text(limit)} allowed for {what}")
    return data


def decode(data: bytes, label: str, what: str) -> str:
    """UTF-8 text, a leading byte-order mark dropped."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise StepperError(f"{label}, line {line}: not UTF-8 text; expected {what}") from None


def read_text(path: str | Path, label: str, limit: int, what: str) -> str:
    return decode(read_bytes(path, label, limit, what), label, what)


# Strings and comments may hold any bracket; only the ones outside them nest.
_TOML_SKIP = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*')
_JSON_SKIP = re.compile(r'"(?:[^"\\]|\\.)*"')


def check_nesting(text: str, label: str, json: bool = False, limit: int = MAX_NESTING) -> None:
    """Refuse text whose brackets nest deeper than ``limit`` (a recursive parser would overflow).

    Quick for the usual file: the brackets are only scanned when there are more than ``limit``."""
    if sum(text.count(c) for c in "[{") <= limit:
        return
    depth = 0
    position = 0
    for match in re.finditer(r"[\[\]{}]", (_JSON_SKIP if json else _TOML_SKIP).sub(_blank, text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                position = match.start()
                line = text.count("\n", 0, position) + 1
                raise StepperError(
                    f"{label}, line {line}: lists or tables nested more than {limit} deep; "
                    "a network file or trace JSON needs at most 4"
                )
        else:
            depth -= 1


def _blank(match: re.Match[str]) -> str:
    # Keep the newlines so that positions still give the right line.
    return re.sub(r"[^\n]", " ", match.group())
