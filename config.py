"""Configuration, declared once.

Each setting has a default that runs with no configuration at all, an environment variable that overrides
it, and a help text; `tests/test_docs.py` fails if a setting is missing from README.md.  Secrets (Tianditu key,
database URL with password) may also come from `.streamlit/secrets.toml`; only the UI layer reads that file and
passes values down as arguments.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Setting:
    """One configurable value."""

    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("CHAISANG_DATA_DIR", str(ROOT / "var"), "数据目录：默认 SQLite 库文件等运行数据存放处"),
    Setting(
        "CHAISANG_DATABASE_URL", "", "数据库连接串；为空时使用数据目录中的 SQLite 文件，设置后使用 PostgreSQL+PostGIS"
    ),
    Setting("CHAISANG_WARN_FRACTION", "0.8", "预警带：达到目标限值的该比例即标为“预警”（局内阈值，非国家标准）"),
    Setting(
        "CHAISANG_STALE_DAYS",
        "daily=3,monthly=45,quarterly=120",
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
)


def get(name: str) -> str:
    """Value of a setting: environment first, then the declared default."""
    for s in SETTINGS:
        if s.name == name:
            return os.environ.get(name, s.default)
    raise KeyError(f"未声明的配置项：{name}；可用：{', '.join(s.name for s in SETTINGS)}")


def positive_int(name: str) -> int:
    """A setting that must be a whole number of at least 1 (counts, minutes, rounds)."""
    raw = get(name)
    if not raw.strip().isdigit() or int(raw) < 1:
        raise ValueError(f"{name} 应为正整数，实际为“{raw}”")
    return int(raw)


def warn_fraction() -> float:
    """The bureau's warning band as a fraction of the limit, validated to (0, 1]."""
    raw = get("CHAISANG_WARN_FRACTION")
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"CHAISANG_WARN_FRACTION 应为 0 到 1 之间的小数，实际为“{raw}”") from None
    if not 0 < value <= 1:
        raise ValueError(f"CHAISANG_WARN_FRACTION 应为 0 到 1 之间的小数，实际为“{raw}”")
    return value


def stale_days() -> dict[str, int]:
    """Allowed age of the latest sample per monitoring frequency, parsed from ``CHAISANG_STALE_DAYS``."""
    default = next(s.default for s in SETTINGS if s.name == "CHAISANG_STALE_DAYS")
    # a partial setting (``monthly=60``) overrides only what it names; the other frequencies keep their defaults
    return {**_parse_stale_days(default), **_parse_stale_days(get("CHAISANG_STALE_DAYS"))}


def _parse_stale_days(raw: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        freq, _, days = part.partition("=")
        if freq.strip() not in ("daily", "monthly", "quarterly") or not days.strip().isdigit():
            raise ValueError(
                f"CHAISANG_STALE_DAYS 的“{part}”无效：应写成 daily=3,monthly=45,quarterly=120 的形式"
            )
        out[freq.strip()] = int(days)
    return out
