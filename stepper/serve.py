"""``stepper serve``: the same app in a browser, through textual-serve.

Each browser tab gets its own stepper process, started with this very Python interpreter (not
whatever ``python`` is first on PATH), so a virtual environment's stepper is the one served.
textual-serve bundles its JavaScript, so the page works offline.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
import sys
from collections.abc import Sequence

from stepper.errors import StepperError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


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


def app_command(argv: Sequence[str]) -> str:
    """The shell command textual-serve runs per browser tab: this interpreter, stepper, the options."""
    return " ".join(shlex.quote(part) for part in (sys.executable, "-m", "stepper", *argv))


def check_port_free(host: str, port: int) -> None:
    """Fail before printing a URL that does not work: the port is taken, or the host is not ours."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as trial:
        trial.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            trial.bind((host, port))
        except OSError as exc:
            raise StepperError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


def serve(argv: Sequence[str], host: str, port: int) -> None:
    from textual_serve.server import Server

    check_port_free(host, port)
    if not is_loopback(host):
        print(
            f"stepper: warning: serving on {host}, not on loopback: anyone who can reach this address "
            "can use the app, and run training on this machine.",
            file=sys.stderr,
        )
    server = Server(
        app_command(argv), host=host, port=port, title="stepper", public_url=public_url(host, port)
    )
    server.serve()
