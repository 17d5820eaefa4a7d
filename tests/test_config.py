"""config.py is the one place that reads configuration: environment over secrets.toml over the declared default;
one data directory; defaults declared once; malformed values name the setting; the log file is written."""

from __future__ import annotations

import ast
import datetime as dt
import logging
from pathlib import Path

import pytest

import config
from compliance.config import STALE_AFTER_DAYS, WARN_FRACTION_DEFAULT, stale_after_days
from tests.conftest import ROOT

APP_CODE = ("geo", "compliance", "layers", "store", "planning", "briefing", "ingest", "service", "ui", "app_pages")


def _app_modules() -> list[Path]:
    files = [ROOT / "app.py", ROOT / "textsafe.py"]
    for package in APP_CODE:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def _environment_reads(path: Path) -> list[str]:
    """Places in ``path`` that read the process environment (os.environ, os.getenv, from os import environ)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb", "getenvb"):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [f"{path.relative_to(ROOT)}:{node.lineno}" for a in node.names if a.name.startswith(("environ",
                                                                                                       "getenv"))]
    return found


def test_no_app_module_but_config_reads_the_environment() -> None:
    reads = [hit for path in _app_modules() for hit in _environment_reads(path)]
    assert not reads, f"read configuration through config.get/config.* instead: {reads}"
    assert _environment_reads(ROOT / "config.py"), "the scan must see config.py's own os.environ"


@pytest.fixture
def secrets_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(user file, project file) in a temporary folder, in config's order (the project file wins)."""
    user, project = tmp_path / "home" / "secrets.toml", tmp_path / "project" / "secrets.toml"
    for path in (user, project):
        path.parent.mkdir()
    monkeypatch.setattr(config, "SECRETS_FILES", (user, project))
    return user, project


def test_secrets_file_is_read_and_the_environment_wins(
    secrets_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    user, project = secrets_files
    monkeypatch.delenv("CHAISANG_TIANDITU_KEY", raising=False)
    monkeypatch.delenv("CHAISANG_BCRYPT_ROUNDS", raising=False)
    monkeypatch.delenv("CHAISANG_BUREAU_NAME", raising=False)
    user.write_text('CHAISANG_TIANDITU_KEY = "from-home"\nCHAISANG_BUREAU_NAME = "家目录中的名称"\n', encoding="utf-8")
    project.write_text('CHAISANG_TIANDITU_KEY = "from-project"\nCHAISANG_BCRYPT_ROUNDS = 7\n\n'
                       '[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n', encoding="utf-8")
    assert config.get("CHAISANG_TIANDITU_KEY") == "from-project"  # the project file overrides the user's
    assert config.get("CHAISANG_BUREAU_NAME") == "家目录中的名称"
    assert config.positive_int("CHAISANG_BCRYPT_ROUNDS") == 7  # TOML numbers are settings too
    monkeypatch.setenv("CHAISANG_TIANDITU_KEY", "from-env")
    assert config.get("CHAISANG_TIANDITU_KEY") == "from-env"
    monkeypatch.setenv("CHAISANG_TIANDITU_KEY", "")  # set, even if empty: the environment still wins
    assert config.get("CHAISANG_TIANDITU_KEY") == ""
    assert config.explicit("CHAISANG_OSRM_URL") is None and config.get("CHAISANG_OSRM_URL") == ""


def test_a_broken_secrets_file_names_the_file(secrets_files: tuple[Path, Path]) -> None:
    secrets_files[1].write_text('CHAISANG_TIANDITU_KEY = "unterminated\n', encoding="utf-8")
    with pytest.raises(config.ConfigError, match=r"secrets\.toml 无法读取"):
        config.get("CHAISANG_TIANDITU_KEY")
    secrets_files[1].write_text('CHAISANG_TIANDITU_KEY = ["a", "b"]\n', encoding="utf-8")
    with pytest.raises(config.ConfigError, match="CHAISANG_TIANDITU_KEY 应为字符串或数字"):
        config.get("CHAISANG_TIANDITU_KEY")


def test_the_store_takes_its_first_admin_from_the_secrets_file(
    secrets_files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store import open_store

    for name in ("CHAISANG_ADMIN_USER", "CHAISANG_ADMIN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHAISANG_BCRYPT_ROUNDS", "4")
    secrets_files[1].write_text('CHAISANG_ADMIN_USER = "chief"\nCHAISANG_ADMIN_PASSWORD = "Secret-Passw0rd!"\n',
                                encoding="utf-8")
    store = open_store(data_dir=tmp_path / "data", sample_dir=None, boundaries_dir=None)
    try:
        user = store.authenticate("chief", "Secret-Passw0rd!")
    finally:
        store.close()
    assert user.username == "chief" and not user.must_change_password


def test_one_default_data_dir_whatever_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store import resolve_url

    monkeypatch.delenv("CHAISANG_DATA_DIR", raising=False)
    monkeypatch.delenv("CHAISANG_DATABASE_URL", raising=False)
    monkeypatch.setattr(config, "SECRETS_FILES", ())
    monkeypatch.chdir(tmp_path)
    assert config.data_dir() == ROOT / "var" == config.DEFAULT_DATA_DIR
    assert resolve_url() == f"sqlite:///{ROOT / 'var' / 'chaisang.sqlite'}"
    assert not (tmp_path / "var").exists()


def _literal_warn_defaults() -> list[str]:
    """``warn_fraction=<number>`` parameter defaults written as literals anywhere in the app code."""
    hits = []
    for path in _app_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            args = [*node.args.posonlyargs, *node.args.args]
            pairs = list(zip(args[len(args) - len(node.args.defaults):], node.args.defaults, strict=True))
            pairs += [(a, d) for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True) if d]
            hits += [f"{path.relative_to(ROOT)}:{node.lineno}" for a, d in pairs
                     if a.arg == "warn_fraction" and isinstance(d, ast.Constant)]
    return hits


def test_defaults_are_declared_once() -> None:
    assert not _literal_warn_defaults(), "use compliance.config.WARN_FRACTION_DEFAULT"
    assert float(config.setting("CHAISANG_WARN_FRACTION").default) == WARN_FRACTION_DEFAULT
    assert config._parse_stale_days(config.setting("CHAISANG_STALE_DAYS").default) == dict(STALE_AFTER_DAYS)


def test_a_partial_stale_table_keeps_the_other_defaults() -> None:
    """A caller passing only ``{"monthly": 60}`` once got 未知的监测频次“quarterly” for every quarterly site."""
    assert stale_after_days("quarterly", {"monthly": 60}) == STALE_AFTER_DAYS["quarterly"]
    assert stale_after_days("monthly", {"monthly": 60}) == 60


@pytest.mark.parametrize(("name", "value", "reader", "args"), [
    ("CHAISANG_AS_OF", "2026/07/31", "as_of", ()),
    ("CHAISANG_LOG_LEVEL", "LOUD", "log_level", ()),
    ("CHAISANG_STALE_DAYS", "monthly=0", "stale_days", ()),
    ("CHAISANG_WARN_FRACTION", "eighty", "warn_fraction", ()),
    ("CHAISANG_ANONYMOUS_VIEW", "yes", "choice", ("CHAISANG_ANONYMOUS_VIEW", ("1", "0"))),
])
def test_a_malformed_setting_names_itself(
    name: str, value: str, reader: str, args: tuple[object, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(config.ConfigError, match=name) as info:
        getattr(config, reader)(*args)
    assert value in str(info.value)


def test_as_of_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAISANG_AS_OF", "2026-07-31")
    assert config.as_of() == dt.date(2026, 7, 31)
    monkeypatch.setenv("CHAISANG_AS_OF", "")
    assert config.as_of() is None


def test_setup_logging_writes_the_log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAISANG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CHAISANG_LOG_FILE", raising=False)
    monkeypatch.setenv("CHAISANG_LOG_LEVEL", "warning")
    path = config.setup_logging()
    assert path == tmp_path / "data" / "logs" / "app.log"
    count = len(logging.getLogger().handlers)
    assert config.setup_logging() == path and len(logging.getLogger().handlers) == count  # idempotent
    logging.getLogger("store").info("not at this level")
    logging.getLogger("store").warning("已创建首个管理员账号“%s”", "admin")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "WARNING store: 已创建首个管理员账号“admin”" in text and "not at this level" not in text

    other = tmp_path / "elsewhere.log"
    monkeypatch.setenv("CHAISANG_LOG_FILE", str(other))
    assert config.setup_logging() == other and len(logging.getLogger().handlers) == count  # replaced, not added
    logging.getLogger("chaisang.errors").error("第二个文件")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "第二个文件" in other.read_text(encoding="utf-8") and "第二个文件" not in path.read_text(encoding="utf-8")
