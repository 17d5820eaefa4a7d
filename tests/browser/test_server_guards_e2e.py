"""End to end against the real app on 127.0.0.1: server-side guards of the app frame (ui/guard.py).

- An anonymous raw websocket client sends Streamlit's ``clear_cache`` BackMsg; the shared caches survive (the
  server's own metrics endpoint still lists the map data cache) and the server logs the refusal.
- A page that raises (the map page on a database whose ``tasks`` table has gone: a damaged or half-migrated file)
  shows one Chinese sentence with an incident number, no exception text, no traceback, no file path; the server
  log holds the traceback under that number. Runs last in this module: it damages the module's store.
"""

from __future__ import annotations

import re
import sqlite3
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import AppServer, start_app, stop_app, wait_idle
from tests.browser.mapjs import wait_for_map_frame, wait_for_sites

pytestmark = pytest.mark.browser
MAP_CACHE = "_map"  # ui.map_view: the composed map, in st.cache_resource


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServer, Path]]:
    """A server of this module alone: its metrics have never been computed (the endpoint caches them 5 s)."""
    tmp = tmp_path_factory.mktemp("guards")
    srv = start_app(tmp)
    yield srv, tmp / "data"
    stop_app(srv)


def send_backmsgs(url: str, *messages: Any, timeout: float = 60.0) -> None:
    """Connect like the frontend (no cookie, no token: anonymous), send ``messages`` then a heartbeat and wait
    for its acknowledgement: the server handles one connection's messages in order, so every one was handled."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    heartbeat = BackMsg()
    heartbeat.app_heartbeat = True
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    with connect(ws_url, subprotocols=["streamlit"], open_timeout=timeout, max_size=None) as ws:  # type: ignore[list-item]
        for msg in (*messages, heartbeat):
            ws.send(msg.SerializeToString())
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(ws.recv(timeout=timeout))
            if reply.WhichOneof("type") == "heartbeat_ack":
                return


def cache_metrics(url: str) -> str:
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=30) as r:
        return str(r.read().decode("utf-8"))


def test_an_anonymous_clear_cache_message_is_refused_and_logged(server, page_and_network) -> None:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    srv, _ = server
    page, net = page_and_network
    page.goto(srv.url)  # an anonymous visitor fills the shared caches
    wait_for_sites(wait_for_map_frame(page))
    wait_idle(page)

    clear = BackMsg()
    clear.clear_cache = True
    send_backmsgs(srv.url, clear)

    metrics = cache_metrics(srv.url)  # the first computation of this server's metrics: after the message
    assert re.search(rf'cache_memory_bytes\{{[^}}]*st_cache_resource[^}}]*{MAP_CACHE}[^}}]*\}} [1-9]', metrics), metrics
    assert re.search(r'cache_memory_bytes\{[^}]*st_cache_resource[^}]*get_store', metrics), metrics
    log = srv.log.read_text(errors="replace")
    assert "refused a clear_cache request from websocket session" in log, log[-3000:]
    assert net.external == [], net.external


def test_a_page_error_shows_a_chinese_message_and_logs_the_traceback(server, page_and_network) -> None:
    """Damages the store (the ``tasks`` table goes away and the data version moves on, so the map reloads)."""
    srv, data_dir = server
    page, net = page_and_network
    with sqlite3.connect(data_dir / "chaisang.sqlite") as db:
        db.execute("ALTER TABLE tasks RENAME TO tasks_gone")
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version'")

    page.goto(srv.url)
    alert = page.get_by_text("页面出错，未能显示。错误已记录在服务器日志中")
    alert.or_(page.locator('[data-testid="stException"]')).first.wait_for(timeout=90_000)
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator("body").inner_text()
    incident = re.search(r"编号 ([0-9a-f]{8})", alert.inner_text())
    assert incident, alert.inner_text()

    shown = page.locator("body").inner_text()
    for leak in ("Traceback", "no such table", "OperationalError", "sqlalchemy", "/work/", ".py", "File \""):
        assert leak not in shown, (leak, shown)

    log = srv.log.read_text(errors="replace")
    entry = log[log.index(f"incident {incident.group(1)}"):]
    assert "Traceback (most recent call last)" in entry and "no such table: tasks" in entry, entry[:3000]
    assert net.external == [], net.external
