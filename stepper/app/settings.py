"""The app's settings between runs (the theme), in the user's config folder.

``STEPPER_CONFIG_DIR`` overrides the folder (the tests use it, so they never touch a real one).
A missing or unreadable file means the defaults: settings are a convenience, never a reason to fail.
"""

from __future__ import annotations

import contextlib
import json
import os
import tomllib
from pathlib import Path

from stepper.atomic import write_atomically
from stepper.errors import StepperError


def config_dir() -> Path:
    override = os.environ.get("STEPPER_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("stepper", appauthor=False))


def settings_path() -> Path:
    return config_dir() / "settings.toml"


def load_settings() -> dict[str, object]:
    try:
        return dict(tomllib.loads(settings_path().read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def save_setting(key: str, value: str) -> bool:
    """Keep ``key = value``; False if the folder cannot be written (a read-only home, say)."""
    settings = {k: v for k, v in load_settings().items() if isinstance(v, str)}
    settings[key] = value
    text = "".join(f"{k} = {json.dumps(v)}\n" for k, v in sorted(settings.items()))
    with contextlib.suppress(OSError):
        settings_path().parent.mkdir(parents=True, exist_ok=True)
    try:
        write_atomically(settings_path(), text)
    except StepperError:
        return False
    return True
