"""End to end: the 数据导入 page in Debian chromium against the real app on 127.0.0.1 (every non-loopback request
aborted): an editor imports a wide monthly sheet, a bad sheet is refused with its row, a viewer gets no controls,
and an official township file replaces the 示意 boundaries on the map."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import AppServer, login, start_app, stop_app
from tests.browser.mapjs import frame_where
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
ADMIN, ADMIN_PW = "admin", "导入测试-Secret-2718"
EDITOR, EDITOR_PW = "imp_editor", "editor-Secret-31"
VIEWER, VIEWER_PW = "imp_viewer", "viewer-Secret-41"
ENV = {"CHAISANG_ADMIN_USER": ADMIN, "CHAISANG_ADMIN_PASSWORD": ADMIN_PW, "CHAISANG_BCRYPT_ROUNDS": "4"}
GOOD = ROOT / "tests" / "data" / "good"


def start_with_pages(tmp: Path, env_extra: dict[str, str], timeout: float = 90) -> AppServer:
    """The real app (app.py lists the 数据导入 and 账号与审计 pages)."""
    return start_app(tmp, env_extra, timeout)


def open_store_at(data_dir: Path):
    """The app's store; if the test opens it first, the first admin gets the app's credentials too."""
    from store import open_store

    with pytest.MonkeyPatch.context() as mp:
        for k, v in ENV.items():
            mp.setenv(k, v)
        return open_store(data_dir=data_dir)


def map_legend_html(page, timeout: float = 60.0) -> str:
    """Inner HTML of the legend in the map page's st_folium frame, once it is drawn."""
    frame = frame_where(page, "() => { const l = document.querySelector('.map-legend'); return !!(l && l.innerHTML); }",
                        timeout * 1000)
    return str(frame.evaluate("() => document.querySelector('.map-legend').innerHTML"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(base URL, data directory of the app's store); an editor and a viewer exist."""
    tmp = tmp_path_factory.mktemp("imports")
    srv = start_with_pages(tmp, ENV)
    from store import Role

    store = open_store_at(tmp / "data")
    try:
        admin = store.get_user(ADMIN)
        store.create_user(admin, EDITOR, EDITOR_PW, Role.EDITOR)
        store.create_user(admin, VIEWER, VIEWER_PW, Role.VIEWER)
    finally:
        store.close()
    yield srv.url, tmp / "data"
    stop_app(srv)


def _import_page(page, url: str, user: str, password: str) -> None:
    page.set_default_timeout(45_000)
    page.goto(f"{url}/imports")
    login(page, user, password)
    page.get_by_role("heading", name="数据导入").wait_for()


def test_editor_imports_a_wide_monthly_sheet(server, page_and_network) -> None:
    from ingest import parse_sheet

    url, data_dir = server
    page, net = page_and_network
    expected = parse_sheet(GOOD / "monthly_wide.xlsx").data
    store = open_store_at(data_dir)
    try:
        before = store.measurement_count()
    finally:
        store.close()

    _import_page(page, url, EDITOR, EDITOR_PW)
    page.locator('input[type="file"]').set_input_files(str(GOOD / "monthly_wide.xlsx"))
    page.get_by_text("识别结果").wait_for()
    confirm = page.get_by_role("button", name=f"确认导入 {len(expected)} 个监测值")
    confirm.wait_for()
    assert confirm.is_enabled()
    confirm.click()
    page.get_by_text(f"已导入 {len(expected)} 个监测值").wait_for()
    assert net.external == [], net.external

    store = open_store_at(data_dir)
    try:
        assert store.measurement_count() == before + len(expected)
        batch = store.import_batches().iloc[-1]
        assert batch["file_name"] == "monthly_wide.xlsx" and batch["username"] == EDITOR
        got = store.measurements(["W-SCHK"], params=["TP"], start=dt.date(2026, 1, 1))
        got = got[got["batch_id"] == batch["id"]]
        want = expected[(expected["site_id"] == "W-SCHK") & (expected["param"] == "TP")]
        assert len(want) and sorted(got["value"].round(6)) == sorted(want["value"].round(6))
    finally:
        store.close()


def test_a_bad_sheet_is_refused_with_its_row_and_nothing_is_stored(server, page_and_network, tmp_path: Path) -> None:
    """Like tests/data/bad/sheet_ph15.csv, but for sites of the register, so pH 15 in row 6 is the only error."""
    bad = tmp_path / "ph15_known_sites.csv"
    bad.write_text("点位编号,日期,监测项目,监测值,单位\n"
                   "W-SCHK,2026-11-03,pH,7.2,无量纲\nW-SCHK,2026-11-03,总磷,0.05,mg/L\n"
                   "W-QLS,2026-11-03,pH,7.0,无量纲\nW-QLS,2026-11-03,氨氮,0.3,mg/L\n"
                   "W-RMYY,2026-11-03,pH,15,无量纲\n", encoding="utf-8")
    url, data_dir = server
    page, net = page_and_network
    store = open_store_at(data_dir)
    try:
        before, batches = store.measurement_count(), len(store.import_batches())
    finally:
        store.close()

    _import_page(page, url, EDITOR, EDITOR_PW)
    page.locator('input[type="file"]').set_input_files(str(bad))
    page.get_by_text("第 6 行").first.wait_for()
    page.get_by_text("pH 不能大于 14").first.wait_for()
    confirm = page.get_by_role("button", name=re.compile("^确认导入"))
    assert confirm.is_disabled()
    page.get_by_text("文件中仍有错误").first.wait_for()
    assert net.external == [], net.external

    store = open_store_at(data_dir)
    try:
        assert store.measurement_count() == before
        assert len(store.import_batches()) == batches
    finally:
        store.close()


def test_the_same_file_uploaded_again_is_flagged_with_its_earlier_batch(server, page_and_network,
                                                                        tmp_path: Path) -> None:
    """The upload's SHA-256 is looked up before the confirm button: same bytes, refused, nothing stored."""
    sheet = tmp_path / "重复上传.csv"
    sheet.write_text("点位编号,日期,监测项目,监测值,单位\nW-SCHK,2026-11-20,总磷,0.07,mg/L\n", encoding="utf-8")
    url, data_dir = server
    page, net = page_and_network
    _import_page(page, url, EDITOR, EDITOR_PW)
    page.locator('input[type="file"]').set_input_files(str(sheet))
    page.get_by_role("button", name="确认导入 1 个监测值").click()
    page.get_by_text("已导入 1 个监测值").wait_for()
    store = open_store_at(data_dir)
    try:
        batch = int(store.import_batches().iloc[-1]["id"])
        before, batches = store.measurement_count(), len(store.import_batches())
    finally:
        store.close()

    page.locator('input[type="file"]').set_input_files(str(sheet))
    page.get_by_text(re.compile(f"与第 {batch} 批导入（文件“重复上传.csv”.*已拒绝重复导入")).wait_for()
    assert page.get_by_role("button", name="确认导入 1 个监测值").is_disabled()
    page.get_by_text("此文件已导入过").first.wait_for()
    assert net.external == [], net.external
    store = open_store_at(data_dir)
    try:
        assert (store.measurement_count(), len(store.import_batches())) == (before, batches)
    finally:
        store.close()


def test_a_viewer_gets_no_import_controls_and_no_admin_content(server, page_and_network) -> None:
    url, _ = server
    page, net = page_and_network
    _import_page(page, url, VIEWER, VIEWER_PW)
    page.get_by_text("导入数据需要“编辑”或“管理”权限").wait_for()
    assert page.locator('input[type="file"]').count() == 0
    assert page.get_by_text("导入什么").count() == 0
    # templates stay downloadable for everyone
    page.get_by_text("下载 Excel 模板").first.wait_for()

    page.get_by_role("link", name="账号与审计").click()
    page.get_by_text("账号管理和审计日志仅限“管理”权限").wait_for()
    assert page.get_by_text("审计日志", exact=True).count() == 0
    assert page.get_by_text("新建账号").count() == 0
    assert net.external == [], net.external


def test_editor_imports_a_gcj02_register_shifted_to_cgcs2000(server, page_and_network) -> None:
    from geo.offset import gcj02_to_wgs84

    url, data_dir = server
    page, net = page_and_network
    source = ROOT / "tests" / "data" / "bad" / "register_gcj02.csv"  # three new sites picked on 高德
    _import_page(page, url, EDITOR, EDITOR_PW)
    page.get_by_text("点位登记表（Excel/CSV）").click()
    # the rerun replaces the uploader (same file types as the sheet's): wait for the register's own (its key)
    page.locator('[class*="st-key-imp_file_register_"] input[type="file"]').set_input_files(str(source))
    page.get_by_text("经纬度来源坐标系").wait_for()
    page.get_by_text("GCJ-02（高德、腾讯、奥维互动地图拾取）").click()
    page.get_by_text("已纠偏为 CGCS2000").first.wait_for()
    page.get_by_text("新增 3").wait_for()
    page.get_by_role("button", name="确认导入 3 个点位").click()
    page.get_by_text("已新增 3 个点位").wait_for()
    assert net.external == [], net.external

    store = open_store_at(data_dir)
    try:
        site = store.get_site("S-01")
        lon, lat = gcj02_to_wgs84(115.8954298, 29.717775)
        assert site["name"] == "赛城湖口" and site["kind"] == "water_section"
        assert abs(site["geometry"].x - lon) < 1e-6 and abs(site["geometry"].y - lat) < 1e-6
        assert abs(site["geometry"].x - 115.8954298) > 0.003  # really shifted (about 500 m)
        assert {"create"} == set(store.audit_log(store.get_user(ADMIN), entity="site", entity_id="S-02")["action"])
    finally:
        store.close()


def test_a_file_without_crs_offers_the_proposals_and_reads_with_the_chosen_one(server, page_and_network) -> None:
    """no_prj.zip: zone-prefixed Gauss-Krüger metres without .prj; nothing is stored (no confirmation)."""
    url, data_dir = server
    page, net = page_and_network
    store = open_store_at(data_dir)
    try:
        layers_before = len(store.boundary_versions())
    finally:
        store.close()
    _import_page(page, url, ADMIN, ADMIN_PW)
    page.get_by_text("行政区界（矢量文件）").click()
    page.locator('input[type="file"][accept*=".zip"]').set_input_files(str(ROOT / "tests/data/bad/no_prj.zip"))
    page.get_by_text("缺少坐标系信息").first.wait_for()
    page.get_by_text("CGCS2000 3度带 第39带（带号前缀）（EPSG:4527）", exact=False).first.wait_for()
    page.get_by_text("西安1980 3度带 第39带", exact=False).first.wait_for()
    page.get_by_role("button", name="按所选坐标系读取").click()
    page.get_by_text("源坐标系 CGCS2000 3度带 第39带").wait_for()
    page.get_by_text("坐标换算前后对照").wait_for()
    page.get_by_role("button", name="确认以此文件替换行政区界").wait_for()
    assert net.external == [], net.external
    store = open_store_at(data_dir)
    try:
        assert len(store.boundary_versions()) == layers_before
    finally:
        store.close()


def test_official_townships_replace_the_approximate_boundaries(server, page_and_network) -> None:
    """Runs last in this module: it changes the township layer of the module's store."""
    url, data_dir = server
    page, net = page_and_network
    page.set_default_timeout(45_000)
    page.goto(url)  # the map page (default)
    login(page, ADMIN, ADMIN_PW)
    assert "示意边界" in map_legend_html(page)

    page.get_by_role("link", name="数据导入").click()
    page.get_by_role("heading", name="数据导入").wait_for()
    page.get_by_text("乡镇（街道）边界（矢量文件）").click()
    # the uploader of this kind (the old one may linger during the rerun)
    page.locator('input[type="file"][accept*=".zip"]').set_input_files(str(GOOD / "official_townships_zone39.zip"))
    page.get_by_text("源坐标系 CGCS2000 3度带 第39带").wait_for()
    confirm = page.get_by_role("button", name="确认以此文件替换乡镇（街道）边界")
    confirm.click()
    page.get_by_text("已用“official_townships_zone39.zip”替换乡镇（街道）边界").wait_for()

    store = open_store_at(data_dir)
    try:
        towns = store.boundary_layer("townships")
        assert len(towns) == 11 and "沙河街道" in set(towns["name"])
        assert not towns.get("approximate", False).astype(bool).any()
        versions = store.boundary_versions("townships")
        assert versions["active"].astype(bool).sum() == 1 and len(versions) == 2
    finally:
        store.close()

    page.get_by_role("link", name="一张图").click()
    legend = map_legend_html(page)
    assert net.external == [], net.external
    assert "示意边界" not in legend, legend
