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
