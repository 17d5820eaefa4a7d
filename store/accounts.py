"""Local accounts (salted bcrypt hashes), external identities and role changes."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bcrypt
from sqlalchemy import Connection, RowMapping, select

import config
from store import schema as s
from store.core import SYSTEM_USER, Role, StoreBase, User, actor_name, now, parse_role
from store.errors import AuthenticationError, NotFoundError, PermissionDeniedError, StoreError

log = logging.getLogger("store")
_MIN_PASSWORD = 8
INITIAL_PASSWORD_FILE = "initial-admin-password.txt"


class LoginThrottledError(AuthenticationError):
    """Too many failed logins for this user name or from this client: refused without checking the password.

    Unknown user names are throttled exactly like real ones, so the message says nothing about existence.
    """

    def __init__(self, minutes: int) -> None:
        StoreError.__init__(self, f"登录失败次数过多，已暂时锁定，请 {minutes} 分钟后再试；如忘记密码请联系管理员重置")


class ExternalIdentityRefusedError(AuthenticationError):
    """A proxy/OIDC identity whose name belongs to a local (password) account: never mapped onto it."""

    def __init__(self, name: str) -> None:
        StoreError.__init__(
            self, f"外部身份“{name}”与本系统的本地账号同名，已拒绝以该身份登录（已记入审计日志）；请联系管理员"
        )


@dataclass(frozen=True)
class LoginPolicy:
    """Throttling of failed logins (CHAISANG_LOGIN_* settings)."""

    max_failures: int = 5
    client_max_failures: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)

    @classmethod
    def from_config(cls) -> LoginPolicy:
        """The configured policy, validated."""
        return cls(
            max_failures=config.positive_int("CHAISANG_LOGIN_MAX_FAILURES"),
            client_max_failures=config.positive_int("CHAISANG_LOGIN_CLIENT_MAX_FAILURES"),
            window=dt.timedelta(minutes=config.positive_int("CHAISANG_LOGIN_WINDOW_MINUTES")),
            lockout=dt.timedelta(minutes=config.positive_int("CHAISANG_LOGIN_LOCKOUT_MINUTES")),
        )


def _rounds() -> int:
    return config.positive_int("CHAISANG_BCRYPT_ROUNDS")


@functools.cache
def _dummy_hash(rounds: int) -> bytes:
    """A valid hash of a random password at the configured cost, made once on first use.

    Unknown names and password-less accounts are checked against it, so they take as long as a wrong password.
    """
    return bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(rounds=rounds))


def hash_password(password: str) -> str:
    """Salted bcrypt hash (bcrypt uses only the first 72 bytes; longer passwords are refused)."""
    raw = password.encode("utf-8")
    if len(raw) > 72:
        raise StoreError("密码过长：最多 72 字节（约 24 个汉字或 72 个英文字符）")
    if len(password) < _MIN_PASSWORD:
        raise StoreError(f"密码太短：至少 {_MIN_PASSWORD} 个字符")
    return bcrypt.hashpw(raw, bcrypt.gensalt(rounds=_rounds())).decode()


def _user(row: RowMapping) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        display_name=row["display_name"],
        external=bool(row["external"]),
        active=bool(row["active"]),
        version=row["version"],
        must_change_password=bool(row["must_change_password"]),
    )


def _public(row: RowMapping | dict[str, Any]) -> dict[str, Any]:
    """A user row for the audit log: never the hash."""
    out = dict(row)
    out.pop("password_hash", None)
    return out


def _check_username(username: str) -> str:
    name = (username or "").strip()
    if not name or len(name) > 128:
        raise StoreError(f"用户名“{username}”无效：不能为空，最长 128 个字符")
    if name == SYSTEM_USER:
        raise StoreError(f"用户名“{name}”为系统保留")
    return name


class AccountsMixin(StoreBase):
    """Users and roles: 查看 viewer / 编辑 editor / 管理 admin."""

    # ---- reading ------------------------------------------------------------------------------------------
    def get_user(self, username: str) -> User:
        """One account by user name."""
        with self._read() as conn:
            row = conn.execute(select(s.users).where(s.users.c.username == username)).mappings().first()
        if row is None:
            raise NotFoundError("用户", username)
        return _user(row)

    def list_users(self) -> list[User]:
        """All accounts, by user name."""
        with self._read() as conn:
            rows = conn.execute(select(s.users).order_by(s.users.c.username)).mappings().all()
        return [_user(r) for r in rows]

    # ---- identity -----------------------------------------------------------------------------------------
    def authenticate(self, username: str, password: str, *, client: str | None = None) -> User:
        """Check a local password; records ``login`` or ``login_failed`` (never the password).

        ``client`` is the caller's address (the UI passes the browser's IP).  Repeated failures for one user
        name, or from one client, lock further attempts for a while (``LoginPolicy``; the record lives in the
        database, so it holds across restarts and replicas) and the lockout is audited.
        """
        name = str(username or "")[:128]
        policy = LoginPolicy.from_config()
        keys = [("user", name)] + ([("client", str(client)[:200])] if client else [])
        if self._locked(keys):
            with self._write() as conn:
                self._audit(conn, name, "login_failed", "user", name, detail="登录已临时锁定，未核对密码")
            raise LoginThrottledError(int(policy.lockout.total_seconds() // 60))
        row = self._check_password(name, password)
        with self._write() as conn:
            if row is not None:
                conn.execute(s.login_throttle.delete().where(s.login_throttle.c.kind == "user",
                                                             s.login_throttle.c.key == name))
                self._audit(conn, name, "login", "user", name, detail="本地账号登录")
            else:
                self._audit(conn, name, "login_failed", "user", name, detail="本地账号登录失败")
                self._count_failures(conn, keys, policy)
        if row is None:
            raise AuthenticationError()
        return _user(row)

    def _check_password(self, name: str, password: str) -> RowMapping | None:
        """The user row when ``password`` is right and the account may log in; the same bcrypt cost otherwise."""
        with self._read() as conn:
            row = conn.execute(select(s.users).where(s.users.c.username == name)).mappings().first()
        stored = row["password_hash"] if row is not None else None
        candidate = (password or "").encode("utf-8")[:72]
        ok = bcrypt.checkpw(candidate, stored.encode() if stored else _dummy_hash(_rounds()))
        return row if ok and row is not None and bool(row["active"]) and stored is not None else None

    def _locked(self, keys: list[tuple[str, str]]) -> bool:
        t = s.login_throttle
        with self._read() as conn:
            for kind, key in keys:
                until = conn.execute(select(t.c.locked_until).where(t.c.kind == kind, t.c.key == key)).scalar()
                if until is not None and until > now():
                    return True
        return False

    def _count_failures(self, conn: Connection, keys: list[tuple[str, str]], policy: LoginPolicy) -> None:
        """Count one failure per key; a key reaching its limit is locked and the lockout audited."""
        self._exclusive(conn)  # PostgreSQL: two failures at once must not both insert the same key
        t, at = s.login_throttle, now()
        for kind, key in keys:
            limit = policy.max_failures if kind == "user" else policy.client_max_failures
            found = conn.execute(select(t).where(t.c.kind == kind, t.c.key == key)).mappings().first()
            if found is None:
                conn.execute(t.insert().values(kind=kind, key=key, failures=0, window_start=at))
            row: dict[str, Any] = dict(found) if found is not None else {"failures": 0, "window_start": at}
            fresh = row["window_start"] < at - policy.window
            failures = 1 if fresh else row["failures"] + 1
            values: dict[str, Any] = {"failures": failures, "window_start": at if fresh else row["window_start"]}
            if failures >= limit:
                values = {"failures": 0, "window_start": at, "locked_until": at + policy.lockout}
                what = "用户名" if kind == "user" else "来源地址"
                self._audit(conn, SYSTEM_USER, "login_locked", "user" if kind == "user" else "client", key,
                            detail=f"{what}“{key}”在 {int(policy.window.total_seconds() // 60)} 分钟内登录失败 "
                                   f"{failures} 次，锁定 {int(policy.lockout.total_seconds() // 60)} 分钟")
            conn.execute(t.update().where(t.c.kind == kind, t.c.key == key).values(**values))

    def get_or_create_external_user(self, name: str, role: Role | str = Role.VIEWER) -> User:
        """User known from a trusted header or OIDC; created on first sight with ``role``; login recorded.

        An existing account keeps the role an admin gave it (the identity provider does not grant roles).  A
        name that belongs to a local (password) account is refused and audited: an external identity never
        becomes a local account, least of all the first admin.
        """
        username = _check_username(name)
        wanted = parse_role(role)
        with self._write() as conn:
            row = conn.execute(select(s.users).where(s.users.c.username == username)).mappings().first()
            if row is None:
                values = dict(username=username, display_name=username, role=wanted.value, password_hash=None,
                              external=True, active=True, created_at=now(), version=1)
                conn.execute(s.users.insert().values(**values))
                row = conn.execute(select(s.users).where(s.users.c.username == username)).mappings().one()
                self._audit(conn, username, "create", "user", username, after=_public(row), detail="外部身份首次登录")
            elif row["external"] and not row["active"]:
                raise AuthenticationError()
            if row["external"]:  # a local account is refused below, after this transaction (no change) ends
                self._audit(conn, username, "login", "user", username, detail="外部身份登录")
        if not row["external"]:
            with self._write() as conn:
                self._audit(conn, username, "login_failed", "user", username,
                            detail="外部身份与本地账号同名，已拒绝（外部身份不能登录本地账号）")
            raise ExternalIdentityRefusedError(username)
        return _user(row)

    # ---- administration -----------------------------------------------------------------------------------
    def create_user(
        self,
        actor: User | str,
        username: str,
        password: str | None,
        role: Role | str = Role.VIEWER,
        display_name: str | None = None,
    ) -> User:
        """Create a local account (admin only).  ``password=None`` makes an account that cannot log in yet."""
        name = _check_username(username)
        wanted = parse_role(role)
        hashed = hash_password(password) if password is not None else None
        with self._write() as conn:
            who = self._check(conn, actor, Role.ADMIN, "创建用户")
            return self._insert_user(conn, who, name, hashed, wanted, display_name)

    def _insert_user(
        self, conn: Connection, who: str, name: str, hashed: str | None, role: Role, display_name: str | None
    ) -> User:
        if conn.execute(select(s.users.c.id).where(s.users.c.username == name)).first() is not None:
            raise StoreError(f"用户名“{name}”已存在")
        conn.execute(
            s.users.insert().values(username=name, display_name=display_name or name, role=role.value,
                                    password_hash=hashed, external=False, active=True, created_at=now(),
                                    version=1)
        )
        row = conn.execute(select(s.users).where(s.users.c.username == name)).mappings().one()
        self._audit(conn, who, "create", "user", name, after=_public(row))
        return _user(row)

    def set_role(self, actor: User | str, username: str, role: Role | str, *, expected_version: int) -> User:
        """Change a user's role (admin only; an admin cannot demote the last active admin)."""
        wanted = parse_role(role)
        with self._write() as conn:
            who = self._check(conn, actor, Role.ADMIN, "修改用户角色")
            target = self._user_row(conn, username)
            if target["role"] == Role.ADMIN and wanted != Role.ADMIN:
                self._keep_one_admin(conn, username)
            before, after = self._versioned_update(conn, s.users, target["id"], expected_version,
                                                   {"role": wanted.value}, "用户")
            self._audit(conn, who, "role_change", "user", username, _public(before), _public(after))
        return _user(after)  # type: ignore[arg-type]

    def set_active(self, actor: User | str, username: str, active: bool, *, expected_version: int) -> User:
        """Enable or disable an account (admin only)."""
        with self._write() as conn:
            who = self._check(conn, actor, Role.ADMIN, "启用/停用用户")
            target = self._user_row(conn, username)
            if not active and target["role"] == Role.ADMIN:
                self._keep_one_admin(conn, username)
            before, after = self._versioned_update(conn, s.users, target["id"], expected_version,
                                                   {"active": active}, "用户")
            self._audit(conn, who, "update", "user", username, _public(before), _public(after))
        return _user(after)  # type: ignore[arg-type]

    def set_password(self, actor: User | str, username: str, new_password: str) -> None:
        """Set a password: admins for anyone, everyone for themselves.  The audit says only that it changed.

        Changing one's own password clears ``must_change_password``; an admin resetting someone else's sets it
        (the admin knows that password, so its owner must replace it at the next login).  Either unlocks a
        throttled user name.
        """
        hashed = hash_password(new_password)
        who = actor_name(actor, "修改密码")
        own = who == username
        with self._write() as conn:
            if own:
                self._check(conn, actor, Role.VIEWER, "修改密码")
            else:
                self._check(conn, actor, Role.ADMIN, "重置他人密码")
            target = self._user_row(conn, username)
            conn.execute(s.users.update().where(s.users.c.id == target["id"])
                         .values(password_hash=hashed, must_change_password=not own, version=target["version"] + 1))
            conn.execute(s.login_throttle.delete().where(s.login_throttle.c.kind == "user",
                                                         s.login_throttle.c.key == username))
            detail = "密码已修改（不记录密码）" if own else "管理员重置密码（不记录密码），本人下次登录须修改"
            self._audit(conn, who, "password_change", "user", username, detail=detail)

    def _user_row(self, conn: Connection, username: str) -> RowMapping:
        row = conn.execute(select(s.users).where(s.users.c.username == username)).mappings().first()
        if row is None:
            raise NotFoundError("用户", username)
        return row

    def _keep_one_admin(self, conn: Connection, leaving: str) -> None:
        others = conn.execute(
            select(s.users.c.id).where(s.users.c.role == Role.ADMIN.value, s.users.c.active.is_(True),
                                       s.users.c.username != leaving)
        ).first()
        if others is None:
            raise PermissionDeniedError(leaving, "取消最后一名管理员的权限", "另一名管理员")

    # ---- first run ----------------------------------------------------------------------------------------
    def _ensure_first_admin(self, conn: Connection) -> None:
        """Create the first admin from CHAISANG_ADMIN_USER/CHAISANG_ADMIN_PASSWORD, or with a generated password.

        A generated password never reaches a browser: it goes to the server log (WARNING) and to
        ``<data dir>/initial-admin-password.txt`` (mode 0600), and must be changed at the first login.
        """
        if conn.execute(select(s.users.c.id).where(s.users.c.role == Role.ADMIN.value)).first() is not None:
            return
        name = _check_username(config.get("CHAISANG_ADMIN_USER"))
        password = config.get("CHAISANG_ADMIN_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        self._insert_user(conn, SYSTEM_USER, name, hash_password(password), Role.ADMIN, "管理员")
        if generated:
            conn.execute(s.users.update().where(s.users.c.username == name).values(must_change_password=True))
            path = write_initial_password(self._secrets_dir(), name, password)
            log.warning("已创建首个管理员账号“%s”，随机生成的初始密码：%s（同时写入 %s，仅运维人员可读；"
                        "首次登录后须修改密码）", name, password, path)

    def _secrets_dir(self) -> Path:
        """Where operator-only files go: the SQLite file's folder, else the configured data directory."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(str(url.database)).resolve().parent
        return config.data_dir()


def write_initial_password(folder: Path, name: str, password: str) -> Path:
    """Write the generated first-admin password to a file only its owner can read (0600); return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / INITIAL_PASSWORD_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an older file may have had wider permissions
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"柴桑生态环境一张图：首个管理员账号\n用户名：{name}\n初始密码：{password}\n"
                 "首次登录后系统会要求修改密码；修改后请删除本文件。\n")
    return path
