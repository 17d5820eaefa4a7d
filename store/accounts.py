"""Local accounts (salted bcrypt hashes), external identities and role changes."""

from __future__ import annotations

import os
import secrets
from typing import Any

import bcrypt
from sqlalchemy import Connection, RowMapping, select

from store import schema as s
from store.core import SYSTEM_USER, Role, StoreBase, User, now, parse_role
from store.errors import AuthenticationError, NotFoundError, PermissionDeniedError, StoreError

_MIN_PASSWORD = 8
# A valid hash of a random password: failed look-ups cost the same time as wrong passwords.
_DUMMY_HASH = bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(rounds=10))


def hash_password(password: str) -> str:
    """Salted bcrypt hash (bcrypt uses only the first 72 bytes; longer passwords are refused)."""
    raw = password.encode("utf-8")
    if len(raw) > 72:
        raise StoreError("密码过长：最多 72 字节（约 24 个汉字或 72 个英文字符）")
    if len(password) < _MIN_PASSWORD:
        raise StoreError(f"密码太短：至少 {_MIN_PASSWORD} 个字符")
    return bcrypt.hashpw(raw, bcrypt.gensalt(rounds=int(os.environ.get("CHAISANG_BCRYPT_ROUNDS", "12")))).decode()


def _user(row: RowMapping) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        display_name=row["display_name"],
        external=bool(row["external"]),
        active=bool(row["active"]),
        version=row["version"],
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

    _initial_admin: tuple[str, str] | None = None

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
    def authenticate(self, username: str, password: str) -> User:
        """Check a local password; records ``login`` or ``login_failed`` (never the password)."""
        with self._read() as conn:
            row = conn.execute(select(s.users).where(s.users.c.username == username)).mappings().first()
        stored = row["password_hash"] if row is not None else None
        candidate = (password or "").encode("utf-8")[:72]
        ok = bcrypt.checkpw(candidate, stored.encode() if stored else _DUMMY_HASH)
        ok = ok and row is not None and bool(row["active"]) and stored is not None
        with self._write() as conn:
            if ok:
                self._audit(conn, username, "login", "user", username, detail="本地账号登录")
            else:
                self._audit(conn, str(username)[:128], "login_failed", "user", username, detail="本地账号登录失败")
        if not ok:
            raise AuthenticationError()
        assert row is not None
        return _user(row)

    def get_or_create_external_user(self, name: str, role: Role | str = Role.VIEWER) -> User:
        """User known from a trusted header or OIDC; created on first sight with ``role``; login recorded.

        An existing account keeps the role an admin gave it (the identity provider does not grant roles).
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
            elif not row["active"]:
                raise AuthenticationError()
            self._audit(conn, username, "login", "user", username, detail="外部身份登录")
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
        """Set a password: admins for anyone, everyone for themselves.  The audit says only that it changed."""
        hashed = hash_password(new_password)
        actor_name = actor.username if isinstance(actor, User) else str(actor)
        with self._write() as conn:
            if actor_name == username:
                self._check(conn, actor, Role.VIEWER, "修改密码")
            else:
                self._check(conn, actor, Role.ADMIN, "重置他人密码")
            target = self._user_row(conn, username)
            conn.execute(s.users.update().where(s.users.c.id == target["id"])
                         .values(password_hash=hashed, version=target["version"] + 1))
            self._audit(conn, actor_name, "password_change", "user", username, detail="密码已修改（不记录密码）")

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
        """Create the first admin from CHAISANG_ADMIN_USER/CHAISANG_ADMIN_PASSWORD, or with a generated password."""
        if conn.execute(select(s.users.c.id).where(s.users.c.role == Role.ADMIN.value)).first() is not None:
            return
        name = _check_username(os.environ.get("CHAISANG_ADMIN_USER", "admin"))
        password = os.environ.get("CHAISANG_ADMIN_PASSWORD") or ""
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        self._insert_user(conn, SYSTEM_USER, name, hash_password(password), Role.ADMIN, "管理员")
        if generated:
            self._initial_admin = (name, password)

    def take_initial_admin_credentials(self) -> tuple[str, str] | None:
        """(user, generated password) of the first admin, returned once on the run that created it."""
        creds, self._initial_admin = self._initial_admin, None
        return creds
