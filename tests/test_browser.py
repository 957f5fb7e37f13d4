"""The served stepper in a real browser: headless Chromium, driven over the DevTools protocol.

Skipped where Chromium is not installed; `.ci/run` installs Debian's `chromium` package.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.test_serve import free_port, serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class DevTools:
    """The few DevTools-protocol calls the test needs: a request, and the answer with its id."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.ids = itertools.count(1)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self.ids)
        await self.ws.send_str(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads((await self.ws.receive(timeout=30)).data)
            if message.get("id") == call_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
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


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (.ci/run installs it)")
async def test_chromium_renders_the_served_app_and_steps(tmp_path: Path) -> None:
    debug_port = free_port()
    with serving() as (_, port):
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
                    tools = DevTools(ws)
                    await tools.call("Page.enable")
                    await tools.call("Page.navigate", url=f"http://127.0.0.1:{port}/")
                    # textual-serve marks the page once the app's first output arrives.
                    await tools.wait_for("document.body && document.body.classList.contains('-first-byte')")
                    await tools.wait_for("!!document.querySelector('.xterm-screen')")
                    await asyncio.sleep(2.0)  # let the first screen finish drawing
                    before = await tools.screenshot(tmp_path / "start.png")
                    await tools.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
                    for kind in ("keyDown", "keyUp"):  # keyDown with text types it once
                        await tools.call(
                            "Input.dispatchKeyEvent",
                            type=kind,
                            key="n",
                            code="KeyN",
                            text="n",
                            windowsVirtualKeyCode=78,
                        )
                    await asyncio.sleep(2.0)
                    after = await tools.screenshot(tmp_path / "after-n.png")
        finally:
            browser.terminate()
            browser.wait(timeout=10)
    assert before[:8] == after[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(after) > 20_000  # a screen full of text, not a blank page
    assert after != before  # stepping changed what the browser shows
    print(f"screenshots: {tmp_path / 'start.png'}, {tmp_path / 'after-n.png'}")
