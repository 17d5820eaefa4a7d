"""End to end: Markdown in URL parameters and in a site name is shown as text in the real app (Debian chromium,
every non-loopback request aborted and recorded).

Before: ``?query=![x](http://203.0.113.9/x.png)`` or an unknown ``basemap=[a](http://…)`` was echoed into
st.caption / st.warning as live Markdown — the browser rendered an <img> and tried to fetch it, or showed a link;
a site name did the same in the detail panel's heading.  The address is TEST-NET-3 (never routable).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from shapely.geometry import Point

from tests.browser.conftest import Network, stop_app, wait_idle
from tests.browser.test_imports_e2e import ADMIN, ENV, open_store_at, start_with_pages

pytestmark = pytest.mark.browser
EVIL = "203.0.113.9"
PARAMS = {
    "query": f"![q](http://{EVIL}/q.png)",
    "basemap": f"[点我](http://{EVIL}/b) ![b](http://{EVIL}/b.png)",
    "period": f"![p](http://{EVIL}/p.png)",
    "compare": f":red[红色]![c](http://{EVIL}/c.png)",
    "layers": f"![l](http://{EVIL}/l.png)",
    "site": f"<img src=http://{EVIL}/s.png>![s](http://{EVIL}/s2.png)",
}
SITE_ID = "MD-01"
SITE_NAME = f"![n](http://{EVIL}/n.png)[点我](http://{EVIL}/n) $x^2$"
SITE_TOWN = f"[t](http://{EVIL}/t)"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of an app (anonymous viewing on) whose store holds a site with Markdown in its name."""
    tmp = tmp_path_factory.mktemp("markdown")
    store = open_store_at(tmp / "data")
    try:
        admin = store.get_user(ADMIN)
        store.create_site(admin, {"site_id": SITE_ID, "name": SITE_NAME, "kind": "enterprise",
                                  "township": SITE_TOWN}, Point(115.93, 29.61))
    finally:
        store.close()
    srv = start_with_pages(tmp, {**ENV, "CHAISANG_ANONYMOUS_VIEW": "1"})
    yield srv.url
    stop_app(srv)


def visible_text(locator) -> str:
    """What the reader sees (without the invisible word joiners that keep URLs from becoming links)."""
    return str(locator.inner_text()).replace("\u2060", "")


def assert_nothing_live(page, net: Network) -> None:
    """No element points at the hostile host and the browser never tried to reach it."""
    wait_idle(page)
    page.wait_for_load_state("networkidle")  # an injected image would have been requested by now
    tried = [u for u in net.external if EVIL in u]
    assert not tried, f"the browser tried to fetch {tried}"
    for frame in page.frames:
        # (the app's own page links carry the current query string, percent-encoded: not what is looked for)
        assert frame.locator(f"img[src*='//{EVIL}']").count() == 0, frame.url
        links = frame.locator(f"a[href*='//{EVIL}']")
        assert links.count() == 0, (frame.url, [links.nth(i).get_attribute("href") for i in range(links.count())])
    assert page.locator(".stMarkdownColoredText").count() == 0  # :red[…] stayed text
    assert page.locator(".katex").count() == 0  # $…$ stayed text


def test_url_parameters_with_markdown_are_shown_as_text(server: str, page_and_network) -> None:
    page, net = page_and_network
    page.set_default_timeout(60_000)
    page.goto(f"{server}/?{urlencode(PARAMS)}")
    page.get_by_text("搜索“").first.wait_for()  # the search caption (shown before and after the fix)
    page.get_by_text("未找到点位").first.wait_for()  # the unknown ``site`` in the detail column
    assert_nothing_live(page, net)
    shown = visible_text(page.locator("body"))
    for name, value in PARAMS.items():
        assert value in shown, f"{name} is not shown as typed"


def test_a_site_name_with_markdown_is_shown_as_text(server: str, page_and_network) -> None:
    page, net = page_and_network
    page.set_default_timeout(60_000)
    page.goto(f"{server}/?site={SITE_ID}")
    page.locator(f'#detail-site[data-site="{SITE_ID}"]').wait_for()  # the detail panel of that site
    assert_nothing_live(page, net)
    panel = page.locator(".st-key-detail_panel")
    assert visible_text(panel.get_by_role("heading").first).startswith(SITE_NAME)
    assert SITE_TOWN in visible_text(panel)
