"""textual-serve's server, locked down for ``stepper serve``.

textual-serve (1.1.3) starts one app process per websocket and trusts whoever connects. Two small
subclasses change that, keeping its protocol, page script and download manager:

- ``StepperServer`` guards every request (a per-run token, and an ``Origin`` that is the server's
  own), caps the tabs, clamps terminal sizes, closes idle tabs, serves stepper's own copy of the page
  (without textual-serve's link to Google Fonts), and ends every tab's process when it stops.
- ``TabProcess`` starts the app without a shell, in its own process group, with the environment that
  tells it it is served (``stepper.served``), and ends it for sure: asked to quit, then SIGTERM, then
  SIGKILL, within seconds of its tab going away.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
import re
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import WSMsgType, web
from aiohttp.web_log import AccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from stepper.served import MEMORY_ENV, ROOT_ENV, SERVED_ENV

log = logging.getLogger("textual-serve")

TOKEN_ENV = "STEPPER_TOKEN"
PAGE = Path(__file__).parent / "serve_page"
FONTS_URL = "/stepper-fonts"
QUIT_GRACE = 1.0  # seconds an app has to quit when asked, before SIGTERM (a tab has nothing to save)
TERM_GRACE = 1.0  # and after SIGTERM, before SIGKILL
HEARTBEAT = 4.0  # websocket pings: a browser that stops answering is dropped within ~1.5 of these
MIN_SIZE = (20, 10)  # the smallest terminal the app is given (columns, rows)
_SECRET = re.compile(r"(/ws/|[?&]token=)[^/?&\s\"]+")


def redact(text: str) -> str:
    """The token out of a request line or a Referer: the websocket's path and ?token= carry it, and
    an access log (a terminal's scrollback, a log file) must not."""
    return _SECRET.sub(r"\1…", text)


class RedactingAccessLogger(AccessLogger):
    """aiohttp's access log, the token of /ws/<token> and ?token=<token> replaced by … (in the
    request line and the Referer alike)."""

    def _format_line(
        self, request: BaseRequest, response: StreamResponse, time: float
    ) -> list[tuple[str | tuple[str, str], str]]:
        return [
            (key, redact(value) if isinstance(value, str) else value)
            for key, value in super()._format_line(request, response, time)
        ]


@dataclass(frozen=True)
class Limits:
    """What one server gives its visitors: tabs at once, terminal size, memory per tab, idle time."""

    tabs: int = 8
    columns: int = 400
    rows: int = 150
    memory_mib: int = 1024
    idle_minutes: float = 30.0

    def clamp(self, width: int, height: int) -> tuple[int, int]:
        return (
            min(max(width, MIN_SIZE[0]), self.columns),
            min(max(height, MIN_SIZE[1]), self.rows),
        )


def cookie_name(port: int) -> str:
    # Cookies ignore ports: one name per port keeps two servers on one host from clashing.
    return f"stepper-token-{port}"


class TabProcess(AppService):
    """One browser tab's app process (textual-serve's AppService, started and stopped for sure)."""

    def __init__(self, argv: list[str], environment: dict[str, str], **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv
        self.extra_environment = environment

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment.pop(TOKEN_ENV, None)  # the app has no use for the server's secret
        environment.update(self.extra_environment)
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        # No shell in between (textual-serve runs `sh -c COMMAND`): the pid is the app's own, and its
        # own process group (start_new_session) lets SIGTERM/SIGKILL reach all of it.
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def on_data(self, payload: bytes) -> None:
        # Once the browser has gone, keep reading the app's output (and drop it): textual-serve stops
        # reading at the first failed send, and an app blocked writing to a full pipe cannot quit.
        with contextlib.suppress(ConnectionError, RuntimeError):
            await super().on_data(payload)

    async def on_meta(self, data: bytes) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            await super().on_meta(data)

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def _signal(self, signum: int) -> None:
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signum)

    async def stop(self) -> None:
        """Ask the app to quit; if it has not within QUIT_GRACE, SIGTERM, then SIGKILL. Never hangs:
        an app that computes, or writes to a pipe nobody reads, still ends within seconds."""
        if self._task is None:
            return
        task, self._task = self._task, None
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.send_meta({"type": "quit"}), QUIT_GRACE / 2)
        process = self._process
        assert process is not None
        for signum, grace in ((None, QUIT_GRACE), (signal.SIGTERM, TERM_GRACE), (signal.SIGKILL, None)):
            if signum is not None:
                self._signal(signum)
            try:
                await asyncio.wait_for(process.wait(), grace)
                log.info("tab process %s ended (%s)", process.pid, "quit" if signum is None else signum.name)
                break
            except TimeoutError:
                continue
        task.cancel()  # its reads end with the process's pipes; this only stops waiting on them
        with contextlib.suppress(asyncio.CancelledError):
            await task


class StepperServer(Server):
    """textual-serve's Server with a token, an Origin check, limits, and a clean end."""

    def __init__(
        self,
        argv: list[str],
        *,
        host: str,
        port: int,
        public_url: str,
        token: str,
        limits: Limits,
        root: Path | None,
    ) -> None:
        super().__init__(
            " ".join(argv), host=host, port=port, title="stepper", public_url=public_url, templates_path=PAGE
        )
        self.argv = argv
        self.token = token
        self.limits = limits
        self.environment = {
            SERVED_ENV: "1",
            ROOT_ENV: str(root) if root is not None else "",
            MEMORY_ENV: str(limits.memory_mib * 2**20),
            # numpy's BLAS would reserve a buffer per core per thread: one thread is plenty here and
            # keeps a tab's address space far under its memory limit.
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
        }
        self.tabs: dict[TabProcess, web.WebSocketResponse] = {}

    # --- the guard ------------------------------------------------------------------------------
    def _token_of(self, request: web.Request) -> str:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("token "):
            return header[6:].strip()
        return (
            request.match_info.get("token")
            or request.query.get("token")
            or request.cookies.get(cookie_name(self.port))
            or ""
        )

    def _same_origin(self, request: web.Request) -> bool:
        """No Origin (a page the browser navigates to, a script), or this server's host and port.

        The scheme is not compared: behind a TLS proxy the page is https and the request here is
        http; no other site can serve a page from this host and port."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        host = urlsplit(origin).netloc.lower()
        return bool(host) and host in {request.host.lower(), urlsplit(self.public_url).netloc.lower()}

    @web.middleware
    async def guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not self._same_origin(request):
            log.warning("refused a request from origin %s", request.headers.get("Origin"))
            raise web.HTTPForbidden(text="stepper serve: requests from other web sites are refused\n")
        if not hmac.compare_digest(self._token_of(request).encode(), self.token.encode()):
            raise web.HTTPForbidden(
                text="stepper serve: this server needs its token: open the URL it printed (…/?token=…)\n"
            )
        response: web.StreamResponse = await handler(request)
        if "token" in request.query:
            # The page's own requests (script, websocket, downloads) carry the token as a cookie
            # that other sites' pages cannot send (SameSite) and scripts cannot read (HttpOnly).
            response.set_cookie(cookie_name(self.port), self.token, httponly=True, samesite="Strict")
        return response

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        # The page's websocket carries the token in its path: textual.js appends "?width=…" itself.
        app.router.add_get("/ws/{token}", self.handle_websocket)
        # The page's own fonts (the symbols Roboto Mono lacks), behind the same guard.
        app.router.add_static(FONTS_URL, PAGE / "fonts")
        return app

    # --- the page -------------------------------------------------------------------------------
    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        # URLs relative to the page (the page makes the websocket's from its own location), so they
        # go to the host the browser used (localhost or 127.0.0.1), and its cookie goes along.
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_path": f"/ws/{self.token}",
            "config": {"static": {"url": "/static/"}},
            "fonts_url": f"{FONTS_URL}/",
            "application": {"name": self.title},
        }

    async def on_startup(self, app: web.Application) -> None:
        print(f"stepper serve: open {self.public_url}/?token={self.token}", flush=True)
        print(
            f"  up to {self.limits.tabs} tabs, {self.limits.memory_mib} MiB each, closed after "
            f"{self.limits.idle_minutes:g} min idle · Ctrl+C stops the server",
            flush=True,
        )

    # --- the tabs -------------------------------------------------------------------------------
    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT)
        await websocket.prepare(request)
        if len(self.tabs) >= self.limits.tabs:
            await self._refuse(websocket, f"{len(self.tabs)} tabs are open, the most this server allows")
            return websocket
        width, height = self.limits.clamp(
            to_int(request.query.get("width", "80"), 80), to_int(request.query.get("height", "24"), 24)
        )
        tab = TabProcess(
            [*self.argv],
            self.environment,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        self.tabs[tab] = websocket
        try:
            await tab.start(width, height)
            # An app that ends by itself (q, or a crash) closes its tab's websocket too.
            assert tab._task is not None
            tab._task.add_done_callback(lambda _: asyncio.ensure_future(websocket.close()))
            await self._process_messages(websocket, tab)
        except Exception as error:  # a broken tab must not take the server with it
            log.exception(error)
        finally:
            del self.tabs[tab]
            await tab.stop()
            await websocket.close()
        return websocket

    async def _refuse(self, websocket: web.WebSocketResponse, reason: str) -> None:
        await websocket.send_bytes(f"\r\nstepper serve: {reason}. Close one and reload.\r\n".encode())
        await websocket.close(code=1013, message=b"too many tabs")  # 1013: try again later

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        """textual-serve's loop, with sizes clamped, bad messages ignored, and idle tabs closed."""
        idle = self.limits.idle_minutes * 60
        last_input = time.monotonic()

        async def close_when_idle() -> None:
            while True:
                await asyncio.sleep(max(0.5, min(30.0, last_input + idle - time.monotonic())))
                if time.monotonic() - last_input >= idle:
                    minutes = f"{self.limits.idle_minutes:g}"
                    await websocket.send_bytes(
                        f"\x1b[2J\x1b[H\r\nstepper serve: closed after {minutes} minutes without "
                        "input. Reload the page to start again.\r\n".encode()
                    )
                    await websocket.close(code=1000, message=b"idle")
                    return

        watchdog = asyncio.create_task(close_when_idle())
        try:
            async for message in websocket:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    envelope = json.loads(message.data)
                    kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
                except (ValueError, TypeError, IndexError, KeyError):
                    continue
                if kind == "stdin" and isinstance(data, str):
                    last_input = time.monotonic()
                    await app_service.send_bytes(data.encode("utf-8"))
                elif kind == "resize" and isinstance(data, dict):
                    width, height = self.limits.clamp(
                        to_int(str(data.get("width")), 80), to_int(str(data.get("height")), 24)
                    )
                    await app_service.set_terminal_size(width, height)
                elif kind == "ping":
                    await websocket.send_json(["pong", data])
                elif kind == "blur":
                    await app_service.blur()
                elif kind == "focus":
                    await app_service.focus()
        finally:
            watchdog.cancel()

    async def on_shutdown(self, app: web.Application) -> None:
        """Every tab's process ends (within QUIT_GRACE + TERM_GRACE), then its websocket closes."""
        tabs = list(self.tabs.items())
        await asyncio.gather(*(tab.stop() for tab, _ in tabs), return_exceptions=True)
        await asyncio.gather(
            *(websocket.close(code=1001, message=b"server stopped") for _, websocket in tabs),
            return_exceptions=True,
        )

    def serve(self, debug: bool = False) -> None:
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            print=lambda *args: None,
            access_log_class=RedactingAccessLogger,
            shutdown_timeout=1.0,  # the tabs are ended by on_shutdown; nothing else to wait for
        )
