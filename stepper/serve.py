"""``stepper serve``: the same app in a browser, through textual-serve.

Each browser tab gets its own stepper process, started with this very Python interpreter (not
whatever ``python`` is first on PATH), so a virtual environment's stepper is the one served.
textual-serve bundles its JavaScript (and stepper serves its own copy of the page, without a web
font from elsewhere), so the page works offline. Who may connect, and what a tab may do, is
`stepper.serve_server` (the server) and `stepper.served` (the app in each tab).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from stepper.errors import StepperError
from stepper.serve_server import TOKEN_ENV, Limits


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(
                ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None)
            )
        except OSError:
            return False


def _reachable_address() -> str:
    """This machine's address on its default route (no packet is sent), or its host name."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.254.254.254", 1))
        return str(probe.getsockname()[0])
    except OSError:
        return socket.gethostname()
    finally:
        probe.close()


def public_url(host: str, port: int) -> str:
    """The URL a browser uses: for a wildcard host (0.0.0.0, ::) the machine's own address."""
    shown = _reachable_address() if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:  # an IPv6 literal
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def app_argv(argv: Sequence[str]) -> list[str]:
    """What each browser tab runs (no shell): this interpreter, stepper, the options."""
    return [sys.executable, "-m", "stepper", *argv]


def check_port_free(host: str, port: int) -> None:
    """Fail before printing a URL that does not work: the port is taken, or the host is not ours."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as trial:
        trial.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            trial.bind((host, port))
        except OSError as exc:
            raise StepperError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


MIN_TOKEN = 8  # characters: a shorter secret is guessed too soon


def choose_token(given: str | None) -> str:
    """--token, else $STEPPER_TOKEN, else a new random one (printed in the URL, as Jupyter does)."""
    token = given if given is not None else os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(24)
    if len(token) < MIN_TOKEN or not all(c.isascii() and (c.isalnum() or c in "-_.~") for c in token):
        raise StepperError(
            f"--token / ${TOKEN_ENV}: expected at least {MIN_TOKEN} letters, digits or -_.~ "
            f"(got {len(token)} characters)"
        )
    return token


def served_root(root: str | None) -> Path | None:
    if root is None:
        return None
    folder = Path(root).expanduser()
    if not folder.is_dir():
        raise StepperError(f"--root {root}: no such folder")
    return folder.resolve()


def serve(
    argv: Sequence[str],
    host: str,
    port: int,
    *,
    token: str | None = None,
    root: str | None = None,
    limits: Limits | None = None,
) -> None:
    from stepper.serve_server import StepperServer

    secret = choose_token(token)
    folder = served_root(root)
    check_port_free(host, port)
    if not is_loopback(host):
        print(
            f"stepper: warning: serving on {host}, not on loopback: anyone who can reach this address "
            "and has the token can use the app, and run training on this machine.",
            file=sys.stderr,
        )
    server = StepperServer(
        app_argv(argv),
        host=host,
        port=port,
        public_url=public_url(host, port),
        token=secret,
        limits=limits or Limits(),
        root=folder,
    )
    server.serve()
