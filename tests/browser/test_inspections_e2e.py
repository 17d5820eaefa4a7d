"""End to end: plan an inspection route, export it and record a finding, in Debian chromium against the real app
on 127.0.0.1 with every non-loopback request aborted."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import login, start_app, stop_app
from tests.browser.mapjs import frame_where

pytestmark = pytest.mark.browser
ADMIN, ADMIN_PW = "admin", "巡查测试-Secret-5150"
ENV = {"CHAISANG_ADMIN_USER": ADMIN, "CHAISANG_ADMIN_PASSWORD": ADMIN_PW, "CHAISANG_BCRYPT_ROUNDS": "4"}


def map_frames(page):
    page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]')
    return [f for f in page.frames if "streamlit_folium" in f.url]


def route_frame(page, n: int, timeout: float = 60.0):
    """The st_folium frame showing the route, once it has ``n`` numbered stops."""
    return frame_where(page, f"() => document.querySelectorAll('.route-stop').length === {n}", timeout * 1000)


def selected_count(page) -> int:
    heading = page.get_by_text("已选检查对象：")
    heading.wait_for()
    return int(heading.inner_text().split("：")[1].split(" ")[0])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(URL of the inspections page, data directory of the app's store)."""
    tmp = tmp_path_factory.mktemp("inspections")
    srv = start_app(tmp, ENV)
    url = f"{srv.url}/inspections"
    yield url, tmp / "data"
    stop_app(srv)


def test_plan_export_and_record_a_finding(server, page_and_network, tmp_path: Path) -> None:
    url, data_dir = server
    page, net = page_and_network
    page.set_default_timeout(60_000)
    page.goto(url)
    page.get_by_text("执法检查：选对象").wait_for()

    login(page, ADMIN, ADMIN_PW)  # recording needs an editor

    # ① targets: the default filter (超标 + 逾期)
    n = selected_count(page)
    assert n > 0

    # ② route
    page.get_by_role("tab", name="② 检查路线").click()
    page.get_by_role("button", name="计算最优路线").click()
    page.get_by_text(f"共 {n} 站").wait_for()
    frame = route_frame(page, n)
    numbers = sorted(int(x) for x in frame.eval_on_selector_all(".route-stop", "els => els.map(e => e.dataset.seq)"))
    assert numbers == list(range(1, n + 1))

    # ③ exports: GPX parses back with n waypoints; the PDF and Excel sheets download
    page.get_by_role("tab", name="③ 导出交外勤").click()
    with page.expect_download() as dl:
        page.get_by_role("button", name="GPX（外业设备）").click()
    gpx = ET.parse(dl.value.path()).getroot()
    assert len(gpx.findall("{http://www.topografix.com/GPX/1/1}wpt")) == n
    with page.expect_download() as dl:
        page.get_by_role("button", name="路线单（PDF，可打印）").click()
    assert Path(dl.value.path()).read_bytes()[:5] == b"%PDF-"
    with page.expect_download() as dl:
        page.get_by_role("button", name="路线单（Excel）").click()
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))["路线单"]
    links = [ws.cell(row=4 + i, column=12).hyperlink.target for i in range(n)]
    assert all(u.startswith("https://uri.amap.com/navigation?") and "coordinate=gaode" in u for u in links)

    # ④ record a finding that opens a rectification task
    page.get_by_role("tab", name="④ 检查记录与整改").click()
    page.get_by_label("检查情况 / 发现的问题").fill("浏览器测试：排口有异味，需整改")
    page.get_by_label("检查人员").fill("王一、王二")
    page.get_by_text("开具整改任务").click()
    page.get_by_label("整改责任单位").fill("沙河街道办事处")
    page.get_by_role("button", name="保存检查记录").click()
    page.get_by_text("并开具整改任务 XC-").wait_for()
    assert net.external == [], net.external

    from store import open_store

    store = open_store(data_dir=data_dir)
    try:
        insp = store.list_inspections()
        assert len(insp) == 1 and "排口有异味" in insp["findings"].iloc[0]
        tasks = store.list_tasks()
        mine = tasks[tasks["task_id"].str.startswith("XC-")]
        assert len(mine) == 1 and mine["owner"].iloc[0] == "沙河街道办事处"
        assert insp["task_id"].iloc[0] == mine["task_id"].iloc[0]
    finally:
        store.close()


def test_an_area_drawn_on_the_map_selects_the_targets_inside(server, page_and_network) -> None:
    """Draw a rectangle with leaflet-draw (vendored) around part of the candidates; the page keeps those inside."""
    from shapely.geometry import box

    from compliance.sites import assess_all, default_as_of
    from config import stale_days, warn_fraction
    from geo.dataset import map_features, read_dataset
    from planning.targets import TargetFilter, choose_targets

    ds = read_dataset()
    statuses = assess_all(ds.sites, ds.measurements, ds.progress, ds.tasks, as_of=default_as_of(ds.measurements),
                          warn_fraction=warn_fraction(), stale_after=stale_days())
    features = map_features(ds)
    candidates = choose_targets(features, statuses).targets
    assert len(candidates) >= 2
    west = candidates.sort_values("lon").iloc[: max(1, len(candidates) // 2)]
    area = box(west["lon"].min() - 0.01, west["lat"].min() - 0.01, west["lon"].max() + 0.005,
               west["lat"].max() + 0.01)
    expected = set(choose_targets(features, statuses, TargetFilter(area=area)).targets["site_id"])
    assert 0 < len(expected) < len(candidates)

    url, _ = server
    page, net = page_and_network
    page.set_default_timeout(60_000)
    page.goto(url)
    assert selected_count(page) == len(candidates)
    page.get_by_text("在地图上画范围").click()
    page.get_by_text("尚未画范围").wait_for()
    frame = next(f for f in map_frames(page) if f.evaluate("() => !!(window.L && L.Draw && window.drawnItems)"))
    x0, y0, x1, y1 = area.bounds
    frame.evaluate(
        """([x0, y0, x1, y1]) => {
             const layer = L.rectangle([[y0, x0], [y1, x1]]);
             window.map.fire(L.Draw.Event.CREATED, {layer: layer, layerType: 'rectangle'});
           }""",
        [x0, y0, x1, y1],
    )
    page.get_by_text(f"已选检查对象：{len(expected)} 个").wait_for()
    assert net.external == [], net.external
    assert any("/app/static/vendor/leaflet-draw/" in u for u in net.local), "leaflet-draw was not served locally"
