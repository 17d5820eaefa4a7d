"""ui/guard.py in Streamlit's own script runner (AppTest): the admin's 清除缓存 button clears st.cache_data, nobody
else gets the button, and a page error is shown as the Chinese message without the exception text."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit.testing.v1")


def _cache_script(role: str) -> None:
    import streamlit as st

    from store import Role, User
    from ui.guard import clear_caches_button

    @st.cache_data
    def computed() -> int:
        st.session_state["runs"] = st.session_state.get("runs", 0) + 1
        return 1

    computed()
    clear_caches_button(User(1, "someone", Role(role)), key="clear")
    computed()


def test_the_admin_button_clears_the_data_caches() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_cache_script, args=("admin",), default_timeout=60).run()
    runs = at.session_state["runs"]
    at.button(key="clear").click().run()
    assert at.session_state["runs"] == runs + 1  # recomputed after the clear, once
    assert any("已清除缓存" in s.value for s in at.success)


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_nobody_else_gets_the_button(role: str) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_cache_script, args=(role,), default_timeout=60).run()
    assert len(at.button) == 0


def _raising_script() -> None:
    from ui.guard import page_errors_logged

    with page_errors_logged():
        raise RuntimeError("secret detail /work/main/store/core.py")


def test_a_page_error_shows_only_the_chinese_message(caplog: pytest.LogCaptureFixture) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_raising_script, default_timeout=60).run()
    assert len(at.exception) == 0
    assert len(at.error) == 1 and "页面出错，未能显示" in at.error[0].value
    assert "secret detail" not in at.error[0].value
    incident = at.error[0].value.split("编号 ")[1][:8]
    logged = [r for r in caplog.records if r.name == "chaisang.errors" and incident in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info is not None
    assert "secret detail /work/main/store/core.py" in caplog.text and "Traceback" in caplog.text


def _config_error_script() -> None:
    import config
    from ui.guard import page_errors_logged

    with page_errors_logged():
        raise config.ConfigError("CHAISANG_AS_OF 应为 YYYY-MM-DD 形式的日期，实际为“2026/07/31”")


def test_a_configuration_error_shows_its_chinese_message() -> None:
    """The operator must see which setting is wrong, not an incident number."""
    from streamlit.testing.v1 import AppTest

    from textsafe import md

    at = AppTest.from_function(_config_error_script, default_timeout=60).run()
    assert len(at.exception) == 0
    message = "CHAISANG_AS_OF 应为 YYYY-MM-DD 形式的日期，实际为“2026/07/31”"
    assert [e.value for e in at.error] == [f"配置有误：{md(message)}"]


def _panel_script() -> None:
    import streamlit as st

    from ui.guard import report_unexpected

    try:
        raise KeyError("site_id")
    except KeyError as exc:
        report_unexpected(exc, "点位详情")
    st.write("the rest of the page")


def test_report_unexpected_logs_the_traceback_and_shows_the_fixed_text(caplog: pytest.LogCaptureFixture) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_panel_script, default_timeout=60).run()
    assert len(at.error) == 1 and at.error[0].value.startswith("点位详情出错，未能显示")
    assert "site_id" not in at.error[0].value
    assert any(m.value == "the rest of the page" for m in at.markdown)
    logged = [r for r in caplog.records if r.name == "chaisang.errors"]
    assert len(logged) == 1 and logged[0].exc_info is not None and "KeyError: 'site_id'" in caplog.text


def test_a_panel_limit_line_skips_bad_register_rows_loudly_and_lets_bugs_through(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit line of the detail chart once returned nothing on *any* exception, without a word in the log."""
    import datetime as dt

    from compliance import water
    from ui.panels import _limit_for

    day = dt.date(2026, 7, 31)
    site = {"site_id": "W01", "kind": "water_section", "target_class": 3, "water_body": "river"}
    assert _limit_for(site, "NH3N", day)[0] == 1.0
    assert _limit_for(site, "WT", day) == (None, "")  # no class limit for water temperature: quiet
    assert not [r for r in caplog.records if r.name == "ui.panels"]
    assert _limit_for({**site, "water_body": "sea"}, "NH3N", day) == (None, "")
    assert any(r.name == "ui.panels" and r.levelname == "WARNING" and "W01" in r.getMessage()
               for r in caplog.records)
    monkeypatch.setattr(water, "limit", lambda *a: {}["bug"])
    with pytest.raises(KeyError):
        _limit_for(site, "NH3N", day)
