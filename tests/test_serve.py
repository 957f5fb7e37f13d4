"""`stepper serve`: the app in a browser, over textual-serve's page and websocket."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

STARTUP = 30.0  # seconds for the server, or the app behind a websocket, to come up


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(*args: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "stepper", "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + STARTUP
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"stepper serve did not start: {proc.communicate(timeout=5)}")
            time.sleep(0.1)
        yield proc, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


async def read_until(ws: aiohttp.ClientWebSocketResponse, needle: str, seen: list[str]) -> bool:
    """Collect the app's output from the websocket until ``needle`` appears in it."""
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        try:
            message = await ws.receive(timeout=deadline - time.monotonic())
        except TimeoutError:
            return False
        if message.type == aiohttp.WSMsgType.BINARY:
            seen.append(message.data.decode("utf-8", errors="replace"))
        elif message.type == aiohttp.WSMsgType.TEXT:
            seen.append(message.data)
        elif message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            return False
        if needle in "".join(seen[-50:]):
            return True
    return False


async def test_the_page_loads_and_n_over_the_websocket_shows_the_first_step() -> None:
    with serving() as (_, port):
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/") as page:
                assert page.status == 200
                html = await page.text()
            assert f"ws://127.0.0.1:{port}/ws" in html and "textual.js" in html
            async with session.get(f"http://127.0.0.1:{port}/static/js/textual.js") as script:
                assert script.status == 200  # bundled: nothing is fetched from elsewhere
            async with session.ws_connect(f"ws://127.0.0.1:{port}/ws?width=120&height=40") as ws:
                seen: list[str] = []
                assert await read_until(ws, "step 0 of 22", seen), "".join(seen)[-2000:]
                await ws.send_json(["stdin", "n"])
                after: list[str] = []
                assert await read_until(ws, "2.2000000", after), "".join(after)[-2000:]
                assert "step 1 of 22" in "".join(after)


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a socket listening on ``port``, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if int(port_hex, 16) == port and state == "0A":  # 0A: LISTEN
                found.add(address)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's socket tables")
def test_it_listens_on_loopback_only_by_default() -> None:
    with serving() as (_, port):
        assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, little-endian hex


def test_another_address_gets_a_warning_and_a_public_url() -> None:
    with serving("--host", "0.0.0.0") as (proc, port):
        time.sleep(1.0)
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert "anyone who can reach this address" in err
    assert f":{port}" in out and "http://0.0.0.0" not in out


def test_it_serves_with_this_interpreter() -> None:
    from stepper.serve import app_argv

    assert app_argv(["xor", "--lr", "0.5"]) == [sys.executable, "-m", "stepper", "xor", "--lr", "0.5"]


def test_bad_input_and_a_taken_port_get_exit_2(cli) -> None:
    assert cli("serve", "no-such-network").code == 2
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = cli("serve", "--port", str(taken.getsockname()[1]))
    assert run.code == 2 and "cannot serve on 127.0.0.1" in run.err
