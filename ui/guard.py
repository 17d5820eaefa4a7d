"""Server-side guards of the app frame: page errors are logged, never shown; anonymous cache flushes are refused.

- ``page_errors_logged``: an exception raised by a page is written with its traceback to the server log (the log
  file of ``config.setup_logging`` and stderr, logger ``chaisang.errors``) under a short incident number; the
  visitor sees one Chinese sentence with that number, no exception text, no traceback, no file path
  (:func:`report_unexpected`, also for parts of a page that fail while the rest still shows). A
  ``config.ConfigError`` is the operator's to fix and its Chinese message, naming the setting, is shown.
  ``client.showErrorDetails = "none"`` in .streamlit/config.toml covers what this does not wrap (widget
  callbacks, fragment reruns).
- ``refuse_cache_clear_messages``: Streamlit clears every ``st.cache_data`` and ``st.cache_resource`` cache, for
  all users, when any websocket client sends the ``clear_cache`` BackMsg (the developer menu's "Clear cache"). The
  menu is hidden (``client.toolbarMode``), but a raw client can still send the message; this makes the server log
  and ignore it. Admins clear the caches with ``clear_caches_button`` on the 账号与审计 page instead.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st
from streamlit.runtime.app_session import AppSession

import config
import service
from store import Role, User
from textsafe import md

ERROR_MESSAGE = ("{what}出错，未能显示。错误已记录在服务器日志中（编号 {incident}），"
                 "请刷新页面重试；如仍出错，请把编号告知系统管理员。")
_REFUSED_MARK = "_chaisang_refuses_clear_cache"

# handlers: config.setup_logging (app.py) on the root logger; before that, logging's last resort (stderr)
errors_log = logging.getLogger("chaisang.errors")
guard_log = logging.getLogger("chaisang.guard")


def new_incident() -> str:
    """A short number that ties the visitor's message to the log entry."""
    return secrets.token_hex(4)


@contextmanager
def page_errors_logged() -> Iterator[None]:
    """Run the wrapped page; on an exception log it with its traceback and show only a Chinese message.

    Streamlit's control flow (st.stop, st.rerun, st.switch_page) derives from BaseException and passes through.
    """
    try:
        yield
    except config.ConfigError as exc:
        errors_log.error("configuration error (page %s): %s", _page_name(), exc)
        st.error(f"配置有误：{md(exc)}", icon=":material/error:")
    except Exception as exc:
        report_unexpected(exc)


def report_unexpected(exc: BaseException, what: str = "页面") -> str:
    """Log ``exc`` (a bug, not a user error) with its traceback; show the fixed Chinese message; return the number.

    ``what`` names the part that failed (页面, 点位详情 …) in the message; the exception text is never shown.
    """
    incident = new_incident()
    errors_log.error("unexpected error in %s, incident %s (page %s)", what, incident, _page_name(), exc_info=exc)
    st.error(ERROR_MESSAGE.format(what=what, incident=incident), icon=":material/error:")
    return incident


def _page_name() -> str:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        return str(ctx.page_script_hash) if ctx is not None else "?"
    except Exception:  # the name only decorates the log line
        return "?"


def _refused_clear_cache(self: AppSession) -> None:
    guard_log.warning("refused a clear_cache request from websocket session %s: caches are cleared by an admin "
                      "on the 账号与审计 page", getattr(self, "id", "?"))


def refuse_cache_clear_messages() -> None:
    """Make every app session ignore (and log) the ``clear_cache`` BackMsg; idempotent, once per process."""
    if getattr(AppSession, _REFUSED_MARK, False):
        return
    AppSession._handle_clear_cache_request = _refused_clear_cache  # type: ignore[method-assign]
    setattr(AppSession, _REFUSED_MARK, True)


def clear_caches(user: User) -> None:
    """Clear every ``st.cache_data`` cache of this process (all users) on behalf of an admin.

    ``st.cache_resource`` (the open store, built maps keyed by data version) stays: clearing it would reopen the
    database without closing the old connections.
    """
    if user.role.rank < Role.ADMIN.rank:
        raise PermissionError("清除缓存需要“管理”权限")
    st.cache_data.clear()
    service.clear_cache()  # the process-wide district evaluations
    guard_log.warning("caches cleared by admin %s", user.username)


def clear_caches_button(user: User | None, **button_kwargs: Any) -> bool:
    """The 清除缓存 button for admins (nothing for anyone else); True when it cleared the caches."""
    if user is None or user.role.rank < Role.ADMIN.rank:
        return False
    if not st.button("清除缓存", help="清除所有用户共享的数据缓存；下次打开页面时重新读取和评价（可能需要十几秒）",
                     **button_kwargs):
        return False
    clear_caches(user)
    st.success("已清除缓存，页面将重新计算。")
    return True
