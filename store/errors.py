"""Errors of the store.  Messages are Chinese because they reach users unchanged."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.errors import ImportFileError, locate


class StoreError(ValueError):
    """Base class of every error the store raises on purpose."""


class NotFoundError(StoreError):
    """A record that does not exist (any more)."""

    def __init__(self, entity: str, key: object) -> None:
        super().__init__(f"{entity}“{key}”不存在（可能已被他人删除）")
        self.entity = entity
        self.key = key


class ConcurrentEditError(StoreError):
    """Someone else saved the record after it was read: the save is refused, nothing is overwritten."""

    def __init__(self, entity: str, key: object, expected: int, current: int | None) -> None:
        now = f"当前为第 {current} 版" if current is not None else "记录已被删除"
        super().__init__(
            f"{entity}“{key}”已被其他用户修改（您编辑的是第 {expected} 版，{now}）。"
            "为避免覆盖他人的修改，本次保存未执行，请刷新后重新编辑。"
        )
        self.entity = entity
        self.key = key
        self.expected = expected
        self.current = current


class PermissionDeniedError(StoreError):
    """The acting user's role does not allow this action (checked in the store, not only in the UI)."""

    def __init__(self, username: str, action: str, needed: str) -> None:
        super().__init__(f"用户“{username}”无权{action}：需要“{needed}”或更高权限")
        self.username = username
        self.action = action


class AuthenticationError(StoreError):
    """Wrong user name or password, or a disabled account (deliberately not saying which)."""

    def __init__(self) -> None:
        super().__init__("用户名或密码错误，或账号已停用")


@dataclass(frozen=True)
class RowProblem:
    """One bad cell of an imported file (``row`` counts like a spreadsheet: the header is row 1)."""

    row: int | None  # None: the whole file (unreadable)
    field: str | None
    message: str

    def text(self, file_name: str) -> str:
        """Chinese one-line description."""
        return f"{locate(file_name, self.row, self.field)}：{self.message}"


class ImportValidationError(StoreError, ImportFileError):
    """An imported file refused (unreadable, or at least one bad row); nothing of the file was stored."""

    def __init__(self, file_name: str, problems: list[RowProblem], total: int | None = None) -> None:
        shown = problems[:20]
        count = total if total is not None else len(problems)
        if count == 1 and problems[0].row is None:  # the file as a whole: one line, as the reader said it
            text = problems[0].text(file_name)
        else:
            more = f"\n……共 {count} 处问题，仅列出前 {len(shown)} 处" if count > len(shown) else ""
            lines = "\n".join(p.text(file_name) for p in shown)
            text = f"导入失败，未保存任何数据（整个文件不导入）：\n{lines}{more}"
        first = problems[0] if problems else RowProblem(None, None, "导入失败")
        ImportFileError.__init__(self, file_name, first.message, row=first.row, field=first.field, text=text)
        self.file_name = file_name
        self.problems = problems

    @classmethod
    def unreadable(cls, exc: ImportFileError) -> ImportValidationError:
        """The store's form of a reader's refusal (same file, row, field and message)."""
        return cls(exc.file, [RowProblem(exc.row, exc.field, exc.detail)])


class DuplicateImportError(StoreError, ImportFileError):
    """The same bytes (same SHA-256 of the upload) were imported before; ``batch_id`` is the earlier batch."""

    def __init__(self, file_name: str, batch_id: int, when: str, earlier_file: str | None = None) -> None:
        earlier = f"文件“{earlier_file}”，" if earlier_file else ""
        message = (f"与第 {batch_id} 批导入（{earlier}{when}）内容完全相同（SHA-256 一致），已拒绝重复导入")
        ImportFileError.__init__(self, file_name, message)
        self.batch_id = batch_id


class StoreNotEmptyError(StoreError):
    """Restore target already holds data."""

    def __init__(self, what: str) -> None:
        super().__init__(f"目标数据库不是空库（已有{what}），恢复只能导入到空库")


class BackupFormatError(StoreError):
    """A backup archive that cannot be restored as it is; nothing was stored (restore is all or nothing)."""

    def __init__(self, archive: str, message: str, member: str | None = None, row: int | None = None,
                 field: str | None = None) -> None:
        where = f"备份文件“{archive}”" + (f"成员“{member}”" if member else "") + (f"第 {row} 行" if row else "") \
            + (f"，字段“{field}”" if field else "")
        super().__init__(f"{where}：{message}。未恢复任何数据（恢复是全有或全无）")
        self.archive = archive
        self.member = member
        self.row = row
        self.field = field
