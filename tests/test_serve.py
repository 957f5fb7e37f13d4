"""`stepper serve`: the app in a browser, over textual-serve's page and websocket."""

from __future__ import annotations

import asyncio
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


TOKEN = "test-token-1234"
AUTH = {"Authorization": f"token {TOKEN}"}


@contextlib.contextmanager
def serving(*args: str, cwd: Path | None = None) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "stepper", "serve", "--port", str(port), "--token", TOKEN, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
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


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (a server's tabs), from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


async def wait_until_gone(pids: set[int], timeout: float) -> float:
    """Seconds until every one of ``pids`` has ended; fails after ``timeout``."""
    start = time.monotonic()
    while any(alive(pid) for pid in pids):
        assert time.monotonic() - start < timeout, f"still running after {timeout} s: {pids}"
        await asyncio.sleep(0.05)  # the event loop runs on: a connection cut is sent from it
    return time.monotonic() - start


def one_child(proc: subprocess.Popen[str]) -> int:
    deadline = time.monotonic() + STARTUP
    while not (found := children(proc.pid)):
        assert time.monotonic() < deadline, "no tab process started"
        time.sleep(0.05)
    (pid,) = found
    return pid


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


async def test_the_page_loads_with_the_token_and_n_over_the_websocket_shows_the_first_step() -> None:
    with serving() as (_, port):
        # unsafe: keep cookies from an IP address, as browsers do
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            async with session.get(f"http://127.0.0.1:{port}/?token={TOKEN}") as page:
                assert page.status == 200
                html = await page.text()
            assert f'"/ws/{TOKEN}"' in html and "textual.js" in html
            # Nothing is fetched from elsewhere: no web font link (textual-serve's page has one).
            assert "googleapis" not in html and "https://" not in html
            # The page's own requests carry the token as the cookie the page set.
            async with session.get(f"http://127.0.0.1:{port}/static/js/textual.js") as script:
                assert script.status == 200
            async with session.get(
                f"http://127.0.0.1:{port}/static/fonts/RobotoMono-VariableFont_wght.ttf"
            ) as font:
                assert font.status == 200
            # The symbols Roboto Mono lacks, each one cell wide (tests/test_browser.py measures them).
            async with session.get(f"http://127.0.0.1:{port}/stepper-fonts/StepperSymbols-Bold.woff") as font:
                assert font.status == 200 and (await font.read())[:4] == b"wOFF"
            async with session.ws_connect(f"ws://127.0.0.1:{port}/ws/{TOKEN}?width=120&height=40") as ws:
                seen: list[str] = []
                assert await read_until(ws, "step 0 of 22", seen), "".join(seen)[-2000:]
                await ws.send_json(["stdin", "n"])
                after: list[str] = []
                assert await read_until(ws, "2.2000000", after), "".join(after)[-2000:]
                assert "step 1 of 22" in "".join(after)


async def test_requests_without_the_token_or_from_another_site_are_refused() -> None:
    with serving() as (proc, port):
        base, ws_base = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
        evil = {"Origin": "http://evil.example"}
        async with aiohttp.ClientSession() as session:
            for url, headers in (
                (f"{base}/", {}),
                (f"{base}/?token=wrong-token-123", {}),
                (f"{base}/static/js/textual.js", {}),
                (f"{base}/stepper-fonts/StepperSymbols-Regular.woff", {}),
                (f"{base}/?token={TOKEN}", evil),  # the token alone is not enough from another site
                (f"{base}/?token={TOKEN}", {"Origin": f"http://127.0.0.1:{port + 1}"}),
                (f"{base}/?token={TOKEN}", {"Origin": "null"}),
            ):
                async with session.get(url, headers=headers) as answer:
                    assert answer.status == 403, (url, headers)
                    assert "stepper serve" in await answer.text()
            for url, headers in (
                (f"{ws_base}/ws", {}),
                (f"{ws_base}/ws/wrong-token-123", {}),
                (f"{ws_base}/ws/{TOKEN}", evil),
                (f"{ws_base}/ws", {**AUTH, **evil}),
            ):
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await session.ws_connect(url, headers=headers)
                assert refused.value.status == 403, (url, headers)
            assert children(proc.pid) == set()  # no app was started for any of them
            # Its own origin (https too: a TLS proxy in front), and a script's token header, are let in.
            for own in (f"http://127.0.0.1:{port}", f"https://127.0.0.1:{port}"):
                async with session.ws_connect(f"{ws_base}/ws/{TOKEN}", headers={"Origin": own}) as ws:
                    assert await read_until(ws, "step 0 of 22", [])
            async with session.ws_connect(f"{ws_base}/ws", headers=AUTH) as ws:
                assert await read_until(ws, "step 0 of 22", [])


async def downloaded(session: aiohttp.ClientSession, port: int, ws: aiohttp.ClientWebSocketResponse) -> str:
    """The file the app sends next: the page is told its key, then fetches /download/KEY."""
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        message = await ws.receive(timeout=deadline - time.monotonic())
        if message.type == aiohttp.WSMsgType.TEXT and message.data.startswith('["deliver_file_start"'):
            key = message.json()[1]
            async with session.get(f"http://127.0.0.1:{port}/download/{key}", headers=AUTH) as answer:
                assert answer.status == 200
                assert "attachment" in answer.headers["Content-Disposition"]
                return await answer.text()
        assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
    raise AssertionError("no download offered")


async def test_a_served_export_and_session_arrive_as_downloads_and_no_file_is_written(tmp_path: Path) -> None:
    with serving(cwd=tmp_path) as (_, port):
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(
                f"ws://127.0.0.1:{port}/ws?width=120&height=40", headers=AUTH
            ) as ws:
                assert await read_until(ws, "step 0 of 22", [])
                await ws.send_json(["stdin", "n"])
                assert await read_until(ws, "step 1 of 22", [])
                await ws.send_json(["stdin", "x"])
                assert await read_until(ws, "Enter downloads", [])
                await ws.send_json(["stdin", "\r"])
                export = await downloaded(session, port, ws)
                assert "### Step 1: forward" in export and "2.2000000" in export
                # The app hears that the browser fetched the whole file, and says so (no more).
                assert await read_until(ws, "Your browser has received", [])
                await ws.send_json(["stdin", "\x13"])  # ctrl+s
                assert await read_until(ws, "Enter downloads", [])
                await ws.send_json(["stdin", "\r"])
                saved = await downloaded(session, port, ws)
                assert "[session]" in saved and "step = 1" in saved
    assert list(tmp_path.iterdir()) == []


async def test_a_tab_is_told_it_is_served_and_its_root_folder(tmp_path: Path) -> None:
    with serving("--root", str(tmp_path)) as (proc, port):
        async with aiohttp.ClientSession() as session:
            url = f"ws://127.0.0.1:{port}/ws?width=120&height=40"
            async with session.ws_connect(url, headers=AUTH) as ws:
                assert await read_until(ws, "step 0 of 22", [])
                await ws.send_json(["stdin", "n"])
                assert await read_until(ws, "step 1 of 22", [])
                await ws.send_json(["stdin", "o"])
                assert await read_until(ws, "File in the served folder", [])
                environ = Path(f"/proc/{one_child(proc)}/environ").read_text()
                assert f"STEPPER_SERVE_ROOT={tmp_path.resolve()}\0" in environ


async def test_tabs_beyond_the_limit_are_refused_until_one_closes() -> None:
    with serving("--max-tabs", "2") as (proc, port):
        url = f"ws://127.0.0.1:{port}/ws"
        async with aiohttp.ClientSession() as session:
            first = await session.ws_connect(url, headers=AUTH)
            async with session.ws_connect(url, headers=AUTH) as second:
                assert await read_until(first, "step 0 of 22", [])
                assert await read_until(second, "step 0 of 22", [])
                async with session.ws_connect(url, headers=AUTH) as third:
                    seen: list[str] = []
                    assert not await read_until(third, "step 0", seen)  # closed without an app
                    assert "2 tabs are open, the most this server allows" in "".join(seen)
                    assert third.close_code == 1013
                assert len(children(proc.pid)) == 2
                await first.close()
                async with session.ws_connect(url, headers=AUTH) as again:
                    assert await read_until(again, "step 0 of 22", [])


async def test_terminal_size_and_memory_are_capped_in_the_tab() -> None:
    with serving("--max-size", "100x40", "--memory", "900") as (proc, port):
        async with aiohttp.ClientSession() as session:
            url = f"ws://127.0.0.1:{port}/ws?width=10000&height=10000"
            async with session.ws_connect(url, headers=AUTH) as ws:
                assert await read_until(ws, "step 0 of 22", [])
                pid = one_child(proc)
                environment = dict(
                    item.split("=", 1)
                    for item in Path(f"/proc/{pid}/environ").read_text().split("\0")
                    if "=" in item
                )
                assert (environment["COLUMNS"], environment["ROWS"]) == ("100", "40")
                assert environment["STEPPER_SERVED"] == "1" and "STEPPER_TOKEN" not in environment
                limits = Path(f"/proc/{pid}/limits").read_text()
                assert f"Max address space         {900 * 2**20}" in limits


async def test_an_idle_tab_is_closed_and_its_process_ends() -> None:
    with serving("--idle", "0.05") as (proc, port):  # 3 s
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"ws://127.0.0.1:{port}/ws", headers=AUTH) as ws:
                pid = one_child(proc)
                seen: list[str] = []
                assert await read_until(ws, "Reload the page", seen)
                assert "closed after 0.05 minutes without input" in "".join(seen)
                assert (await ws.receive(timeout=5)).type in (
                    aiohttp.WSMsgType.CLOSE,
                    aiohttp.WSMsgType.CLOSED,
                )
        await wait_until_gone({pid}, 5)


async def test_a_tab_that_closes_or_drops_ends_its_process_within_seconds() -> None:
    with serving() as (proc, port):
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"ws://127.0.0.1:{port}/ws", headers=AUTH) as ws:
                assert await read_until(ws, "step 0 of 22", [])
                await ws.send_json(["stdin", " "])  # training runs on when the tab goes
                pid = one_child(proc)
            await wait_until_gone({pid}, 5)
        # Dropped: the connection is cut, no websocket close at all.
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(f"ws://127.0.0.1:{port}/ws", headers=AUTH)
            assert await read_until(ws, "step 0 of 22", [])
            pid = one_child(proc)
            transport = ws._response.connection.transport  # type: ignore[union-attr]
            transport.abort()
            await wait_until_gone({pid}, 5)
            await ws.close()
        assert proc.poll() is None  # the server itself carries on


async def test_a_frozen_client_is_dropped_and_its_process_ends() -> None:
    with serving() as (proc, port):
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"ws://127.0.0.1:{port}/ws", headers=AUTH) as ws:
                assert await read_until(ws, "step 0 of 22", [])
                await ws.send_json(["stdin", " "])  # training, drawing a new screen many times a second
                pid = one_child(proc)
                # Frozen: it reads nothing more and answers no ping (the server's heartbeat is 4 s).
                await wait_until_gone({pid}, 15)


async def test_stopping_the_server_ends_every_tab_within_5_seconds() -> None:
    with serving() as (proc, port):
        async with aiohttp.ClientSession() as session:
            tabs = [await session.ws_connect(f"ws://127.0.0.1:{port}/ws", headers=AUTH) for _ in range(2)]
            for ws in tabs:
                assert await read_until(ws, "step 0 of 22", [])
            pids = children(proc.pid)
            assert len(pids) == 2
            started = time.monotonic()
            proc.terminate()
            proc.wait(timeout=5)
            await wait_until_gone(pids, 5 - (time.monotonic() - started))
            for ws in tabs:
                await ws.close()


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
    for args, message in (
        (("--token", "short"), "at least 8 letters"),
        (("--token", "has space 123"), "at least 8 letters"),
        (("--root", "/no/such/folder"), "--root /no/such/folder: no such folder"),
        (("--memory", "100"), "at least 320 MiB"),
        (("--max-size", "10000"), "expected COLUMNSxROWS"),
        (("--max-tabs", "0"), ">= 1"),
        (("--idle", "-1"), "positive"),
    ):
        run = cli("serve", *args)
        assert run.code == 2 and message in run.err and "Traceback" not in run.err, (args, run.err)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = cli("serve", "--port", str(taken.getsockname()[1]))
    assert run.code == 2 and "cannot serve on 127.0.0.1" in run.err


async def test_a_killed_server_takes_its_tabs_with_it() -> None:
    with serving() as (proc, port):
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"ws://127.0.0.1:{port}/ws", headers=AUTH) as ws:
                assert await read_until(ws, "step 0 of 22", [])
                pid = one_child(proc)
                proc.kill()  # SIGKILL: no chance to stop anything; the tab dies with it (Linux)
                await wait_until_gone({pid}, 5)


async def test_the_access_log_never_shows_the_token() -> None:
    """Issue 11: the log printed "GET /ws/<token>?width=…": anyone reading the terminal or a log file
    could open the app. The requests are logged, with … in the token's place."""
    with serving() as (proc, port):
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            async with session.get(f"http://127.0.0.1:{port}/?token={TOKEN}") as page:
                assert page.status == 200
            headers = {"Referer": f"http://127.0.0.1:{port}/?token={TOKEN}"}
            async with session.get(f"http://127.0.0.1:{port}/static/js/textual.js", headers=headers) as js:
                assert js.status == 200
            async with session.ws_connect(f"ws://127.0.0.1:{port}/ws/{TOKEN}?width=80&height=24") as ws:
                assert await read_until(ws, "step 0 of 22", [])
        proc.terminate()
        out, err = proc.communicate(timeout=15)
    log = out + err
    logged = [line for line in log.splitlines() if "GET /" in line]
    assert any("/ws/…" in line for line in logged) and any("token=…" in line for line in logged), log
    # The URL printed at the start carries it, on purpose (as Jupyter's does); no request line does.
    assert not [line for line in logged if TOKEN in line]
