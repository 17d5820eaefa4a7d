"""A real app on 127.0.0.1 and Debian chromium driven by Playwright, every non-loopback request aborted."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT, require_or_skip

CHROMIUM = os.environ.get("CHAISANG_CHROMIUM", "/usr/bin/chromium")
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class AppServer:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path


def start_app(
    tmp: Path, env_extra: dict[str, str] | None = None, timeout: float = 90, address: str = "127.0.0.1"
) -> AppServer:
    """Start `streamlit run app.py` on a free port of ``address`` and wait for its health endpoint (over 127.0.0.1,
    so ``address`` must include loopback, e.g. 127.0.0.1 or 0.0.0.0)."""
    port = free_port()
    log = tmp / f"streamlit-{port}.log"
    env = {**os.environ, "CHAISANG_DATA_DIR": str(tmp / "data"), **(env_extra or {})}
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.address", address, "--server.port", str(port), "--server.headless", "true",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    server = AppServer(f"http://127.0.0.1:{port}", proc, log)
    wait_until_healthy(server, timeout)
    return server


def wait_until_healthy(server: AppServer, timeout: float = 90) -> None:
    """Poll the server's health endpoint until it answers 200 (the one sleep allowed in the browser tests: the
    server is another process, there is no page to wait on yet; see test_no_fixed_waits.py)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{server.log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    server.proc.kill()
    raise RuntimeError(f"streamlit did not become healthy:\n{server.log.read_text(errors='replace')}")


def stop_app(server: AppServer) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(10)
    except subprocess.TimeoutExpired:
        server.proc.kill()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    server = start_app(tmp_path_factory.mktemp("app"))
    yield server
    stop_app(server)


@dataclass
class Network:
    """Every request the page attempted, and those aborted for leaving the machine."""

    external: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        require_or_skip("CHAISANG_REQUIRE_BROWSER", f"Debian chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_or_skip("CHAISANG_REQUIRE_BROWSER", "playwright is not installed")
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield b
        b.close()


@pytest.fixture
def page_and_network(browser: object) -> Iterator[tuple[object, Network]]:
    """A fresh page whose non-loopback requests are aborted and recorded."""
    net = Network()
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")  # type: ignore[attr-defined]

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        host = urlparse(url).hostname or ""
        if urlparse(url).scheme in ("data", "blob", "about") or host in LOOPBACK:
            net.local.append(url)
            r.continue_()  # type: ignore[attr-defined]
        else:
            net.external.append(url)
            r.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page = context.new_page()
    # WebSockets bypass routing: record any that leave the machine (Streamlit's own is on 127.0.0.1)
    def on_websocket(ws: object) -> None:
        url = ws.url  # type: ignore[attr-defined]
        if (urlparse(url).hostname or "") not in LOOPBACK:
            net.external.append(url)

    page.on("websocket", on_websocket)
    yield page, net
    context.close()


def login(page: object, name: str, password: str) -> None:
    """Sign in through the sidebar form of the app frame."""
    page.get_by_label("用户名").fill(name)  # type: ignore[attr-defined]
    page.get_by_label("密码").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="登录").click()  # type: ignore[attr-defined]
    page.get_by_text(f"当前用户：{name}").wait_for()  # type: ignore[attr-defined]


def wait_idle(page: object, timeout: float = 30.0) -> None:
    """Wait until Streamlit has no script run in progress (its status widget is gone)."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout * 1000
    )


def choose(page: object, label: str, option: str, attempts: int = 4) -> None:
    """Pick ``option`` in the selectbox ``label``; a rerun may replace the open dropdown, so retry."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect

    for attempt in range(attempts):
        wait_idle(page)
        try:
            box = page.get_by_label(label)  # type: ignore[attr-defined]
            expect(box).to_have_count(1, timeout=10_000)  # a rerun shows the old and the new widget for a moment
            box.click(timeout=10_000)
            page.get_by_role("option", name=option).click(timeout=10_000)  # type: ignore[attr-defined]
            return
        except (PlaywrightError, AssertionError):
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")  # type: ignore[attr-defined]
