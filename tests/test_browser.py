"""The served stepper in a real browser: headless Chromium, driven over the DevTools protocol.

Skipped where Chromium is not installed; `.ci/run` installs Debian's `chromium` package.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import textual_serve

from tests.test_serve import TOKEN, free_port, one_child, serving, wait_until_gone

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class DevTools:
    """The few DevTools-protocol calls the test needs: a request, and the answer with its id."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []  # the notifications seen so far (Network.*, Page.*)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self.ids)
        await self.ws.send_str(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads((await self.ws.receive(timeout=30)).data)
            if message.get("id") == call_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    async def evaluate(self, expression: str) -> Any:
        result = await self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        return result["result"].get("value")

    async def wait_for(self, expression: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not await self.evaluate(expression):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {expression}")
            await asyncio.sleep(0.2)

    async def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode((await self.call("Page.captureScreenshot", format="png"))["data"])
        path.write_bytes(data)
        return data


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium on this machine (.ci/run installs it)"
)


@contextlib.asynccontextmanager
async def chromium(tmp_path: Path) -> AsyncIterator[tuple[DevTools, subprocess.Popen[bytes]]]:
    """Headless Chromium (in its own process group, so all of it can be killed) and its first page."""
    debug_port = free_port()
    browser = subprocess.Popen(
        [
            str(CHROMIUM),
            "--headless=new",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--remote-debugging-port={debug_port}",
            "--window-size=1280,900",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        async with aiohttp.ClientSession() as session:
            targets: list[dict[str, Any]] = []
            deadline = time.monotonic() + 30
            while not targets:
                try:
                    async with session.get(f"http://127.0.0.1:{debug_port}/json/list") as answer:
                        targets = [t for t in await answer.json() if t["type"] == "page"]
                except aiohttp.ClientError:
                    assert time.monotonic() < deadline, "Chromium did not start"
                    await asyncio.sleep(0.2)
            async with session.ws_connect(targets[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                yield DevTools(ws), browser
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(browser.pid, signal.SIGKILL)
        browser.wait(timeout=10)


async def open_app(tools: DevTools, port: int) -> None:
    await tools.call("Page.enable")
    await tools.call("Page.navigate", url=f"http://127.0.0.1:{port}/?token={TOKEN}")
    # textual-serve marks the page once the app's first output arrives.
    await tools.wait_for("document.body && document.body.classList.contains('-first-byte')")
    await tools.wait_for("!!document.querySelector('.xterm-screen')")


async def press(tools: DevTools, key: str, code: str, text: str, keycode: int) -> None:
    for kind in ("keyDown", "keyUp"):  # keyDown with text types it once
        await tools.call(
            "Input.dispatchKeyEvent", type=kind, key=key, code=code, text=text, windowsVirtualKeyCode=keycode
        )


@needs_chromium
async def test_chromium_renders_the_served_app_and_steps_fetching_nothing_from_elsewhere(
    tmp_path: Path,
) -> None:
    with serving() as (_, port):
        async with chromium(tmp_path) as (tools, _):
            await tools.call("Network.enable")
            await open_app(tools, port)
            await asyncio.sleep(2.0)  # let the first screen finish drawing
            before = await tools.screenshot(tmp_path / "start.png")
            # No click first: the page gives the terminal the keys (the screen says "Press n").
            focused = await tools.evaluate("document.activeElement.className")
            first_screen = "".join(
                base64.b64decode(e["params"]["response"]["payloadData"]).decode("utf-8", "replace")
                for e in tools.events
                if e.get("method") == "Network.webSocketFrameReceived"
                and e["params"]["response"]["opcode"] == 2
            )
            await press(tools, "n", "KeyN", "n", 78)
            await asyncio.sleep(2.0)
            after = await tools.screenshot(tmp_path / "after-n.png")
            # Every request the page made went to this server (no web font from elsewhere), and
            # its own requests (script, font, websocket) were let in with the token's cookie.
            fonts = await tools.evaluate(
                "document.fonts.check('16px \"Roboto Mono\"') && "
                "[...document.fonts].filter(f => f.status == 'loaded').length"
            )
    requests = [e["params"] for e in tools.events if e.get("method") == "Network.requestWillBeSent"]
    urls = {r["request"]["url"] for r in requests}
    assert urls and all(url.startswith(f"http://127.0.0.1:{port}/") for url in urls), urls
    responses = [
        e["params"]["response"] for e in tools.events if e.get("method") == "Network.responseReceived"
    ]
    status = {r["url"].split("?")[0].removeprefix(f"http://127.0.0.1:{port}"): r["status"] for r in responses}
    assert {
        "/",
        "/static/js/textual.js",
        "/static/fonts/RobotoMono-VariableFont_wght.ttf",
        "/stepper-fonts/StepperSymbols-Regular.woff",  # the symbols Roboto Mono lacks
    } <= set(status)
    assert all(code == 200 for path, code in status.items() if path != "/favicon.ico"), status
    assert fonts and fonts >= 1  # the bundled Roboto Mono was loaded
    assert before[:8] == after[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(after) > 20_000  # a screen full of text, not a blank page
    assert focused == "xterm-helper-textarea"
    # The app was told it has the focus: its footer shows the keys before any was pressed (a
    # blurred Textual app's footer is empty).
    assert "Quit" in first_screen and "palette" in first_screen
    assert after != before  # stepping changed what the browser shows
    print(f"screenshots: {tmp_path / 'start.png'}, {tmp_path / 'after-n.png'}")


@needs_chromium
async def test_an_export_in_chromium_is_a_download_and_no_file_is_written_on_the_server(
    tmp_path: Path,
) -> None:
    downloads, server_folder = tmp_path / "downloads", tmp_path / "server"
    downloads.mkdir()
    server_folder.mkdir()
    with serving(cwd=server_folder) as (_, port):
        async with chromium(tmp_path) as (tools, _):
            await tools.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
            await open_app(tools, port)
            await asyncio.sleep(1.0)
            await tools.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
            await press(tools, "n", "KeyN", "n", 78)
            await press(tools, "x", "KeyX", "x", 88)
            await asyncio.sleep(1.0)
            await press(tools, "Enter", "Enter", "\r", 13)
            deadline = time.monotonic() + 20
            while not [f for f in downloads.iterdir() if f.suffix == ".md"]:
                assert time.monotonic() < deadline, f"no download: {list(downloads.iterdir())}"
                await asyncio.sleep(0.2)
    (export,) = downloads.glob("*.md")
    assert export.name == "identical-columns-iteration1-step1.md"
    assert "### Step 1: forward" in export.read_text()
    assert list(server_folder.iterdir()) == []


@needs_chromium
@pytest.mark.parametrize("how", ["killed", "frozen"])
async def test_the_tab_process_ends_when_the_browser_is_killed_or_frozen(tmp_path: Path, how: str) -> None:
    with serving() as (server, port):
        async with chromium(tmp_path) as (tools, browser):
            await open_app(tools, port)
            await tools.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
            await tools.call("Input.dispatchKeyEvent", type="keyDown", key=" ", code="Space", text=" ")
            pid = one_child(server)
            await asyncio.sleep(1.0)  # training, drawing many screens a second
            os.killpg(browser.pid, signal.SIGKILL if how == "killed" else signal.SIGSTOP)
            # Killed, the connection closes at once; frozen, the server's heartbeat finds it gone.
            took = await wait_until_gone({pid}, 5 if how == "killed" else 15)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(browser.pid, signal.SIGCONT)
        assert server.poll() is None
    print(f"the tab's process ended {took:.1f} s after the browser was {how}")


@needs_chromium
@pytest.mark.parametrize("how", ["closed", "left"])
async def test_the_tab_process_ends_when_the_tab_is_closed_or_leaves_the_page(
    tmp_path: Path, how: str
) -> None:
    """Closing the tab ends its stepper; so does going to another page in it, which Chromium would
    otherwise keep, websocket open, in its back-forward cache (the process lived on for minutes).
    Coming back then shows the page's "Session ended" and its Restart button."""
    with serving() as (server, port):
        async with chromium(tmp_path) as (tools, _):
            await open_app(tools, port)
            pid = one_child(server)
            if how == "closed":
                (page,) = [
                    t for t in (await tools.call("Target.getTargets"))["targetInfos"] if t["type"] == "page"
                ]
                await tools.call("Target.closeTarget", targetId=page["targetId"])
            else:
                await tools.call("Page.navigate", url="about:blank")
            took = await wait_until_gone({pid}, 5)
            if how == "left":
                history = await tools.call("Page.getNavigationHistory")
                back = history["entries"][history["currentIndex"] - 1]["id"]
                await tools.call("Page.navigateToHistoryEntry", entryId=back)
                await tools.wait_for("document.body && document.body.classList.contains('-closed')", 10)
        assert server.poll() is None
    print(f"the tab's process ended {took:.1f} s after the tab was {how}")


# Pixels of the text canvas near TensorFlow Playground's blue, the map's colour for high outputs.
MAP_BLUE = """(() => {
  const c = document.querySelector('canvas.xterm-text-layer');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4)
    if (Math.abs(d[i] - 8) < 30 && Math.abs(d[i + 1] - 119) < 30 && Math.abs(d[i + 2] - 189) < 30) n++;
  return n;
})()"""


@needs_chromium
async def test_the_decision_map_pane_renders_in_chromium(tmp_path: Path) -> None:
    """m in the browser shows the map pane: the served app sends its legend and half-block cells,
    and the page's canvas is painted in the map's colours (the seed's outputs: near the top, blue)."""
    with serving() as (_, port):
        async with chromium(tmp_path) as (tools, _):
            await tools.call("Network.enable")
            await open_app(tools, port)
            await asyncio.sleep(1.5)
            await tools.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
            blue_before = await tools.evaluate(MAP_BLUE)
            seen = len(tools.events)
            await press(tools, "m", "KeyM", "m", 77)
            await asyncio.sleep(2.0)
            blue_after = await tools.evaluate(MAP_BLUE)
            await tools.screenshot(tmp_path / "after-m.png")
    frames = [
        base64.b64decode(e["params"]["response"]["payloadData"]).decode("utf-8", "replace")
        for e in tools.events[seen:]
        if e.get("method") == "Network.webSocketFrameReceived" and e["params"]["response"]["opcode"] == 2
    ]
    drawn = "".join(frames)
    assert "Map · iteration 1" in drawn and "target high" in drawn and "a^3 (sigmoid)" in drawn
    assert drawn.count("▀") > 100  # the maps' half-block cells
    assert " C1" in drawn  # the clones' small maps, marked
    assert blue_after > blue_before + 20_000, (blue_before, blue_after)
    print(f"screenshot: {tmp_path / 'after-m.png'}")


def drawn_symbols() -> str:
    """Every character past Latin-1 in stepper's source: what the app may draw. Box drawing and
    block elements are left out (xterm.js draws those itself, to the cell), and so are combining
    marks and the Arabic digits that only a comment names."""
    found: set[str] = set()
    for path in (Path(__file__).parents[1] / "stepper").rglob("*.py"):
        found.update(path.read_text())
    left_out = (range(0x300, 0x370), range(0x600, 0x700), range(0x2500, 0x25A0))
    return "".join(sorted(c for c in found if ord(c) > 0xFF and not any(ord(c) in r for r in left_out)))


# How each character comes out in the terminal's own font (the family textual.js gives xterm.js):
# its advance, and how far its ink reaches left of and right of its cell, in pixels at 16 px.
GLYPHS = """(async (family, chars) => {
  await document.fonts.ready;
  const ctx = document.createElement('canvas').getContext('2d');
  const out = {};
  for (const face of ['', 'bold ']) {
    ctx.font = `${face}16px ${family}`;
    const cell = ctx.measureText('W').width;
    for (const ch of chars) {
      const m = ctx.measureText(ch);
      out[face + ch] = [m.width - cell, m.actualBoundingBoxLeft, m.actualBoundingBoxRight - cell];
    }
  }
  return out;
})"""


@needs_chromium
async def test_every_symbol_the_app_draws_fits_its_cell_in_chromium(tmp_path: Path) -> None:
    """xterm.js puts each character in one cell, as wide as the font's advance; a symbol whose glyph
    is wider is drawn over its neighbours. Roboto Mono has no ▶ ◀ ⊙ ✓ ⋯ …, and the fallback this
    machine's Chromium picks drew ▶ two cells wide over the next letter (`▶L2`): the page's own
    symbols font must give each one a cell, in regular and bold, on any machine."""
    script = (Path(textual_serve.__file__).parent / "static/js/textual.js").read_text()
    # The terminal's font list (xterm.js's own default, courier-new first, is in the script too).
    (family,) = re.findall(r'fontFamily:"(\'Roboto Mono\'[^"]*)"', script)
    symbols = drawn_symbols()
    assert {"▶", "◀", "⊙", "✓", "⋮"} <= set(symbols)
    with serving() as (_, port):
        async with chromium(tmp_path) as (tools, _):
            await open_app(tools, port)
            # The page starts the terminal only once the symbols are in: xterm.js keeps each glyph
            # it has drawn, so one drawn from a fallback font first would stay.
            symbol_faces = await tools.evaluate(
                "[...document.fonts].filter(f => f.unicodeRange.includes('U+25A0')).map(f => f.status)"
            )
            measured = await tools.evaluate(f"{GLYPHS}({json.dumps(family)}, {json.dumps(symbols)})")
    wide = {ch: [round(x, 1) for x in m] for ch, m in measured.items() if abs(m[0]) > 0.1}
    # A pixel and a half of slack: Roboto Mono's own … reaches 1.4 px past its advance (a fallback ▶
    # reached 5.4, over most of the next letter).
    spilling = {ch: [round(x, 1) for x in m] for ch, m in measured.items() if m[1] > 1.5 or m[2] > 1.5}
    assert not wide, f"not one cell wide (advance − cell, ink left, ink right − cell, px): {wide}"
    assert not spilling, f"ink outside the cell (advance − cell, ink left, ink right − cell, px): {spilling}"
    assert symbol_faces and set(symbol_faces) == {"loaded"}, symbol_faces
