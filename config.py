"""Configuration, declared once.

Each setting has a default that runs with no configuration at all, an environment variable that overrides
it, and a help text; `tests/test_docs.py` fails if a setting is missing from README.md.

Where a value comes from, first match wins:

1. the environment variable (``CHAISANG_...``), even when empty;
2. the same key at the top level of ``<project>/.streamlit/secrets.toml``, else of ``~/.streamlit/secrets.toml``
   (Streamlit's two secrets files, read here with :mod:`tomllib` so that this module stays free of Streamlit:
   domain packages import it);
3. the declared default.

This is the only module of the app that reads ``os.environ`` (``tests/test_config.py`` checks it).  A value that
cannot be used raises :class:`ConfigError`, whose Chinese message names the setting.
"""

from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from compliance.config import STALE_AFTER_DAYS, WARN_FRACTION_DEFAULT

ROOT: Final = Path(__file__).resolve().parent
#: The one default data directory: ``var`` in the project folder, whatever the working directory.
DEFAULT_DATA_DIR: Final = ROOT / "var"
#: Streamlit's secrets files, lowest precedence first (the project file overrides the user's, as in Streamlit).
SECRETS_FILES: tuple[Path, ...] = (Path.home() / ".streamlit" / "secrets.toml", ROOT / ".streamlit" / "secrets.toml")
#: Size and number of the rotated log files.
LOG_MAX_BYTES: Final = 10 * 1024 * 1024
LOG_BACKUPS: Final = 5
LOG_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

log = logging.getLogger("config")


class ConfigError(ValueError):
    """A setting (or the secrets file) holds a value the app cannot use; the message is Chinese and names it."""


@dataclass(frozen=True)
class Setting:
    """One configurable value."""

    name: str
    default: str
    help: str


def _stale_text(days: Mapping[str, int]) -> str:
    return ",".join(f"{freq}={n}" for freq, n in days.items())


SETTINGS: tuple[Setting, ...] = (
    Setting("CHAISANG_DATA_DIR", str(DEFAULT_DATA_DIR), "数据目录：默认 SQLite 库文件等运行数据存放处"),
    Setting(
        "CHAISANG_DATABASE_URL", "", "数据库连接串；为空时使用数据目录中的 SQLite 文件，设置后使用 PostgreSQL+PostGIS"
    ),
    Setting(
        "CHAISANG_WARN_FRACTION",
        f"{WARN_FRACTION_DEFAULT:g}",
        "预警带：达到目标限值的该比例即标为“预警”（局内阈值，非国家标准）",
    ),
    Setting(
        "CHAISANG_STALE_DAYS",
        _stale_text(STALE_AFTER_DAYS),
        "数据过期判定：最新数据距评价时点超过该天数即为“数据过期”（按监测频次；本系统规则）",
    ),
    Setting("CHAISANG_AS_OF", "", "评价时点（YYYY-MM-DD）；为空时取数据中最近一个完整月份的月末"),
    Setting("CHAISANG_TIANDITU_KEY", "", "天地图浏览器端密钥（tk）；为空时不提供天地图底图"),
    Setting(
        "CHAISANG_BUREAU_LONLAT",
        "115.8835,29.6045",
        "执法检查路线的出发/返回点（经度,纬度，CGCS2000）；默认为示例数据中环保局的示意位置",
    ),
    Setting("CHAISANG_BUREAU_NAME", "柴桑区生态环境局（示意位置）", "执法检查路线出发/返回点的名称"),
    Setting("CHAISANG_OSRM_URL", "", "局域网内 OSRM 路网服务地址；为空时按直线距离×道路系数估算"),
    Setting(
        "CHAISANG_AUTH_MODE",
        "local",
        "身份认证方式：local（本地账号，默认）、proxy（可信反向代理传入用户名）、oidc（st.login 统一身份认证）",
    ),
    Setting(
        "CHAISANG_PROXY_USER_HEADER", "X-Remote-User", "proxy 模式下携带用户名的请求头（Streamlit 须只监听 127.0.0.1）"
    ),
    Setting("CHAISANG_ANONYMOUS_VIEW", "1", "1：未登录也可只读浏览（演示、领导查看）；0：必须登录"),
    Setting("CHAISANG_ADMIN_USER", "admin", "首次运行创建的管理员用户名"),
    Setting(
        "CHAISANG_ADMIN_PASSWORD",
        "",
        "首次运行创建的管理员密码；为空时随机生成，只写入服务器日志和数据目录中的 initial-admin-password.txt"
        "（仅运维可读），首次登录须修改",
    ),
    Setting("CHAISANG_BCRYPT_ROUNDS", "12", "密码哈希（bcrypt）强度"),
    Setting("CHAISANG_LOGIN_MAX_FAILURES", "5", "同一用户名在统计时段内连续登录失败达到该次数即临时锁定"),
    Setting(
        "CHAISANG_LOGIN_CLIENT_MAX_FAILURES", "20", "同一来源地址（IP）在统计时段内登录失败达到该次数即临时锁定"
    ),
    Setting("CHAISANG_LOGIN_WINDOW_MINUTES", "15", "统计登录失败次数的时段（分钟）"),
    Setting("CHAISANG_LOGIN_LOCKOUT_MINUTES", "15", "达到失败次数后的锁定时长（分钟）"),
    Setting(
        "CHAISANG_ND_MEAN_RULE",
        "full",
        "地表水期间均值中未检出值的计法：full（按检出限，默认）、half（按检出限的一半，环办监测函〔2020〕82号 第七条）",
    ),
    Setting("CHAISANG_BASEMAP", "none", "默认底图：none（仅矢量，离线可用）、tianditu_vec、tianditu_img、osm"),
    Setting("CHAISANG_LOG_LEVEL", "INFO", "日志级别：DEBUG、INFO（默认）、WARNING、ERROR"),
    Setting(
        "CHAISANG_LOG_FILE",
        "",
        "日志文件（UTF-8，满 10 MB 轮换，保留 5 份）；为空时为数据目录下的 logs/app.log；同时输出到控制台（stderr）",
    ),
)


_BY_NAME: Final = {s.name: s for s in SETTINGS}


def setting(name: str) -> Setting:
    """The declaration of ``name``."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"未声明的配置项：{name}；可用：{', '.join(_BY_NAME)}") from None


def get(name: str) -> str:
    """Value of a setting: environment, else secrets file, else the declared default."""
    value = explicit(name)
    return setting(name).default if value is None else value


def explicit(name: str) -> str | None:
    """Value of a setting when the operator set it (environment or secrets file), else None."""
    setting(name)
    if name in os.environ:
        return os.environ[name]
    return secrets().get(name)


def secrets() -> dict[str, str]:
    """The ``CHAISANG_*`` keys of the secrets files (:data:`SECRETS_FILES`; a later file overrides an earlier one)."""
    out: dict[str, str] = {}
    for path in SECRETS_FILES:
        out.update(_secrets_of(path))
    return out


_SECRETS_CACHE: dict[Path, tuple[tuple[int, int], dict[str, str]]] = {}


def _secrets_of(path: Path) -> dict[str, str]:
    try:
        st = path.stat()
    except OSError:
        return {}
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _SECRETS_CACHE.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    values = _parse_secrets(path)
    _SECRETS_CACHE[path] = (stamp, values)
    return values


def _parse_secrets(path: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"秘密配置文件 {path} 无法读取：{exc}（应为 UTF-8 编码的 TOML 文件）") from None
    out: dict[str, str] = {}
    for key, value in data.items():
        if not key.startswith("CHAISANG_"):
            continue  # [auth] and other sections belong to Streamlit
        if key not in _BY_NAME:
            log.warning("secrets file %s: %s is not a setting of this app, ignored", path, key)
            continue
        if isinstance(value, bool):
            out[key] = "1" if value else "0"
        elif isinstance(value, str | int | float):
            out[key] = str(value)
        else:
            raise ConfigError(f"秘密配置文件 {path} 中的 {key} 应为字符串或数字，实际为 {type(value).__name__}")
    return out


def data_dir() -> Path:
    """The data directory (``CHAISANG_DATA_DIR``, default :data:`DEFAULT_DATA_DIR`)."""
    return Path(get("CHAISANG_DATA_DIR").strip() or DEFAULT_DATA_DIR)


def database_url() -> str | None:
    """``CHAISANG_DATABASE_URL``, or None for the SQLite file in the data directory."""
    return get("CHAISANG_DATABASE_URL").strip() or None


def positive_int(name: str) -> int:
    """A setting that must be a whole number of at least 1 (counts, minutes, rounds)."""
    raw = get(name)
    if not raw.strip().isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} 应为正整数，实际为“{raw}”")
    return int(raw)


def choice(name: str, options: tuple[str, ...]) -> str:
    """A setting that must be one of ``options``."""
    raw = get(name).strip()
    if raw not in options:
        raise ConfigError(f"{name} 应为 {'、'.join(options)} 之一，实际为“{raw}”")
    return raw


def as_of() -> dt.date | None:
    """``CHAISANG_AS_OF`` as a date, or None when empty."""
    raw = get("CHAISANG_AS_OF").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"CHAISANG_AS_OF 应为 YYYY-MM-DD 形式的日期，实际为“{raw}”") from None


def warn_fraction() -> float:
    """The bureau's warning band as a fraction of the limit, validated to (0, 1]."""
    raw = get("CHAISANG_WARN_FRACTION")
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 1:
        raise ConfigError(f"CHAISANG_WARN_FRACTION 应为 0 到 1 之间的小数，实际为“{raw}”")
    return value


def nd_mean_rule() -> str:
    """How undetected values enter water period means: 'full' (at the detection limit) or 'half' (82号 第七条)."""
    return choice("CHAISANG_ND_MEAN_RULE", ("full", "half"))


def stale_days() -> dict[str, int]:
    """Allowed age of the latest sample per monitoring frequency, parsed from ``CHAISANG_STALE_DAYS``.

    A partial setting (``monthly=60``) overrides only the frequencies it names; the others keep their defaults.
    """
    return {**STALE_AFTER_DAYS, **_parse_stale_days(get("CHAISANG_STALE_DAYS"))}


def _parse_stale_days(raw: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        freq, _, days = (x.strip() for x in part.partition("="))
        if freq not in STALE_AFTER_DAYS or not days.isdigit() or int(days) < 1:
            raise ConfigError(f"CHAISANG_STALE_DAYS 的“{part}”无效：应写成 "
                              f"{_stale_text(STALE_AFTER_DAYS)} 的形式（可只写其中几项，天数为正整数）")
        out[freq] = int(days)
    return out


# ---- logging ------------------------------------------------------------------------------------------------

_HANDLER_MARK: Final = "_chaisang_log"


class _StderrHandler(logging.StreamHandler):
    """Writes to the *current* ``sys.stderr`` (as :data:`logging.lastResort`), which test runners swap."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def log_level() -> int:
    """``CHAISANG_LOG_LEVEL`` as a :mod:`logging` level."""
    raw = get("CHAISANG_LOG_LEVEL").strip().upper()
    if raw not in _LOG_LEVELS:
        raise ConfigError(f"CHAISANG_LOG_LEVEL 应为 {'、'.join(_LOG_LEVELS)} 之一，实际为“{get('CHAISANG_LOG_LEVEL')}”")
    return int(getattr(logging, raw))


def log_file() -> Path:
    """``CHAISANG_LOG_FILE``, default ``<data dir>/logs/app.log``."""
    raw = get("CHAISANG_LOG_FILE").strip()
    return Path(raw) if raw else data_dir() / "logs" / "app.log"


def setup_logging() -> Path:
    """Send the app's log records to the rotating UTF-8 log file and to stderr; return the file.

    Idempotent (Streamlit runs app.py on every rerun): the handlers are added once per log file, and replaced
    when the configured file changes.
    """
    level, path = log_level(), log_file()
    root = logging.getLogger()
    root.setLevel(level)
    current = [h for h in root.handlers if getattr(h, _HANDLER_MARK, None) is not None]
    if any(getattr(h, _HANDLER_MARK) == str(path) for h in current):
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                                            encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"CHAISANG_LOG_FILE：日志文件 {path} 无法创建（{exc.strerror or exc}）") from None
    for old in current:
        root.removeHandler(old)
        old.close()
    stream_handler = _StderrHandler()
    for handler in (file_handler, stream_handler):
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        setattr(handler, _HANDLER_MARK, str(path))
        root.addHandler(handler)
    return path
