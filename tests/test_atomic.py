"""Saves are written whole or not at all, keep the file's mode, and leave nothing hidden behind."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from stepper.atomic import write_atomically
from stepper.errors import StepperError


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_save_killed_half_way_leaves_a_temporary_file_the_next_save_removes(tmp_path: Path) -> None:
    target = tmp_path / "net.toml"
    target.write_text("old\n")
    # A real save, killed while it flushes to disk (the flush waits until the kill).
    script = (
        "import os, signal\n"
        "from stepper import atomic\n"
        "def slow(fd):\n"
        "    print('writing', flush=True); signal.pause()\n"
        "os.fsync = slow\n"
        f"atomic.write_atomically({str(target)!r}, 'new')\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = hidden(tmp_path)
    assert len(left) == 1 and left[0].startswith(".net.toml.") and left[0].endswith(".tmp")
    assert target.read_text() == "old\n"  # the killed save changed nothing
    write_atomically(target, "new\n")
    assert target.read_text() == "new\n"
    assert hidden(tmp_path) == []


def test_a_temporary_file_of_a_save_still_running_is_left_alone(tmp_path: Path) -> None:
    running = tmp_path / f".net.toml.{os.getppid()}-abc123.tmp"  # a live process's
    running.write_text("half")
    other = tmp_path / ".other.toml.999999999-abc123.tmp"  # another file's
    other.write_text("half")
    write_atomically(tmp_path / "net.toml", "new\n")
    assert hidden(tmp_path) == sorted([running.name, other.name])


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "net.toml"
    target.write_text("old\n")
    target.chmod(0o640)
    write_atomically(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_the_users_umask(tmp_path: Path, mask: int) -> None:
    old = os.umask(mask)
    try:
        write_atomically(tmp_path / "new.toml", "text\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.toml").stat().st_mode) == 0o666 & ~mask


def test_a_symbolic_link_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "net.toml"
    real.write_text("old\n")
    real.chmod(0o600)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    write_atomically(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert hidden(tmp_path) == [] and hidden(tmp_path / "real") == []


def test_a_folder_in_the_way_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "net.toml").mkdir()
    with pytest.raises(StepperError, match="not a regular file"):
        write_atomically(tmp_path / "net.toml", "text\n")


@pytest.mark.parametrize("name", ["map\x01.txt", "net\ttab.toml", "a\nb.md", "x\x1b[31m.svg"])
def test_a_name_with_a_control_character_is_refused_and_nothing_is_written(tmp_path: Path, name: str) -> None:
    """A tester's random keys saved an export under a name with a control character in it: a file
    hard to see, type or remove."""
    with pytest.raises(StepperError, match="the name has a control character in it"):
        write_atomically(tmp_path / name, "text\n")
    assert list(tmp_path.iterdir()) == []
