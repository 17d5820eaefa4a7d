"""Bounded decompression of uploaded files: the limits of every reader, in one place.

A few hundred kilobytes of zip or gzip can inflate to gigabytes, and a spreadsheet of two cells can declare
a grid of 17 billion.  Every reader of user files (``geo.io.read_vector`` for zipped shapefiles and KMZ,
``ingest.tabular.read_table`` for xlsx/xls/csv incl. ``.csv.gz``, which the store's task and measurement
imports use too) checks the *uncompressed* size here before anything is parsed:

* zip members: the directory's declared sizes are summed first, then every member is inflated through a
  counting stream that does not trust the directory (:func:`check_zip`); a member that inflates to more
  (or less) than it declares is refused;
* gzip: inflated twice in bounded chunks, once to count and once to keep (:func:`gunzip`), so a bomb costs
  no memory;
* XML inside archives: the prolog of each member is read with defusedxml, which refuses any DOCTYPE (the
  carrier of entity-expansion "billion laughs" attacks) with the same message as for KML (:func:`xml_prolog`).

Errors are :class:`~geo.errors.VectorFileError` subclasses with a Chinese message naming file, member and
limit; table readers re-raise them as their own error type with the same text.
"""

from __future__ import annotations

import copy
import re
import struct
import xml.sax
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from geo.errors import VectorFileError

#: Upper bound of the uncompressed size of one upload (all archive members together, or a gzip stream).
MAX_INFLATED_BYTES = 200_000_000
#: Upper bound of one KML document (a parsed XML tree takes several times its text size in memory).
MAX_KML_BYTES = 100_000_000
#: Upper bound of rows × columns of one sheet (as a dense grid: the extent of the used cells).
MAX_CELLS = 5_000_000
#: Upper bound of the size of one uploaded table file as stored on disk (compressed).
MAX_TABLE_FILE_BYTES = 50_000_000
#: Bytes inflated per read while counting.
CHUNK = 1 << 20


class UnpackLimitError(VectorFileError):
    """A file whose uncompressed content (or sheet extent) exceeds a limit of this module."""

    def __init__(self, file: str, limit: int, member: str | None = None, *, what: str = "解压后") -> None:
        where = f"（成员 {member}）" if member else ""
        super().__init__(file, f"{what}超过 {limit / 1e6:.0f} MB 上限{where}，已拒绝")
        self.member = member
        self.limit = limit


class CellLimitError(VectorFileError):
    """A sheet whose used range (rows × columns) exceeds :data:`MAX_CELLS`.

    ``partial``: the counts are those reached when reading stopped (streamed text tables).
    """

    def __init__(
        self, file: str, rows: int, cols: int, *, limit: int = MAX_CELLS, where: str | None = None,
        partial: bool = False,
    ) -> None:
        size = f"读到第 {rows} 行（最宽 {cols} 列）时" if partial else f"范围为 {rows} 行 × {cols} 列，"
        super().__init__(
            file,
            f"{where or '表格'}{size}超过 {limit:,} 个单元格（行数 × 列数）的上限，已拒绝；"
            "请删除多余的空行空列或拆分文件后再导入",
        )
        self.rows = rows
        self.cols = cols
        self.limit = limit


class UnsafeXMLError(VectorFileError):
    """XML with a DOCTYPE / ENTITY declaration (entity expansion, external entities): refused unread."""

    def __init__(self, file: str, member: str | None = None) -> None:
        where = f"（成员 {member}）" if member else ""
        super().__init__(file, f"XML 含 DOCTYPE/ENTITY 声明{where}，可能是实体扩展攻击，为安全起见拒绝读取")
        self.member = member


# --- zip -----------------------------------------------------------------------------------------------------

#: What zipfile raises on a damaged archive (truncated, bad directory, bad CRC, unknown method, encrypted).
ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError,
    IndexError, KeyError, OverflowError, struct.error,
)

#: Called with each inflated chunk of a member, in order; may raise to refuse the archive.
Inspector = Callable[[zipfile.ZipInfo, bytes], None]


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> Iterator[bytes]:
    """Inflated chunks of one member, at most ``budget + 1`` bytes, ignoring the size the directory declares.

    zipfile stops at the declared size and then checks the CRC; a copy of the entry that declares
    ``budget + 1`` and no CRC makes it inflate the real stream, and :func:`check_zip` checks size and CRC.
    """
    probe = copy.copy(info)
    probe.file_size = budget + 1
    del probe.CRC
    with zf.open(probe) as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def check_zip(
    zf: zipfile.ZipFile,
    file: str,
    *,
    limit: int = MAX_INFLATED_BYTES,
    members: list[zipfile.ZipInfo] | None = None,
    inspect: Inspector | None = None,
) -> list[zipfile.ZipInfo]:
    """Inflate every member (or ``members``) in bounded chunks; return them once their real sizes are known.

    Raises
    ------
    UnpackLimitError
        The declared sizes, or the inflated bytes actually produced, exceed ``limit`` (all members together).
    zipfile.BadZipFile
        A member inflates to another size or CRC than its directory entry declares (the caller reports
        a damaged archive); zipfile's own exceptions for damaged archives propagate as well.
    """
    infos = [i for i in (members if members is not None else zf.infolist()) if not i.is_dir()]
    declared = 0
    for info in infos:
        declared += info.file_size
        if declared > limit:
            raise UnpackLimitError(file, limit, info.filename)
    total = 0
    for info in infos:
        size, crc = 0, 0
        for chunk in _stream(zf, info, limit - total):
            size += len(chunk)
            if total + size > limit:
                raise UnpackLimitError(file, limit, info.filename)
            crc = zlib.crc32(chunk, crc)
            if inspect is not None:
                inspect(info, chunk)
        if size != info.file_size or crc != info.CRC:
            raise zipfile.BadZipFile(f"member {info.filename!r} does not match its directory entry")
        total += size
    return infos


# --- gzip ----------------------------------------------------------------------------------------------------


def _inflate_gzip(data: bytes, file: str, limit: int, keep: bool) -> list[bytes]:
    """Inflate a (possibly multi-member) gzip stream in chunks; raise as soon as ``limit`` is passed."""
    out: list[bytes] = []
    total = 0
    rest = data
    while rest:
        d = zlib.decompressobj(wbits=31)
        buf = rest
        while True:
            chunk = d.decompress(buf, CHUNK)
            total += len(chunk)
            if total > limit:
                raise UnpackLimitError(file, limit)
            if keep:
                out.append(chunk)
            buf = d.unconsumed_tail
            if d.eof or (not buf and not chunk):
                break
        if not d.eof:
            raise EOFError("gzip stream ends before the end-of-stream marker")
        rest = d.unused_data.lstrip(b"\x00")  # members may follow; tar-style zero padding may end the file
    return out


def gunzip(data: bytes, file: str, limit: int = MAX_INFLATED_BYTES) -> bytes:
    """The inflated content of a gzip file, refused with :class:`UnpackLimitError` above ``limit`` bytes.

    The stream is inflated once only to count, so a bomb is refused without ever holding its output.

    Raises
    ------
    UnpackLimitError
        More than ``limit`` bytes.
    zlib.error, EOFError
        A damaged or truncated stream.
    """
    _inflate_gzip(data, file, limit, keep=False)
    return b"".join(_inflate_gzip(data, file, limit, keep=True))


# --- XML -----------------------------------------------------------------------------------------------------


class _RootSeenError(Exception):
    """Raised by the prolog scanner at the first element: no DOCTYPE can follow."""


class _StopAtRoot(xml.sax.handler.ContentHandler):
    def startElement(self, name: str, attrs: Any) -> None:  # noqa: N802 - SAX API
        raise _RootSeenError

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:  # noqa: N802 - SAX API
        raise _RootSeenError


class XMLPrologScanner:
    """Feed an XML document chunk by chunk; refuses a DOCTYPE/ENTITY (defusedxml), stops at the root element.

    A document that is not well-formed before its root is left to the real parser (which reports it).
    """

    def __init__(self, file: str, member: str | None = None) -> None:
        self.file = file
        self.member = member
        self.done = False
        self._parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self._parser.setContentHandler(_StopAtRoot())

    def feed(self, chunk: bytes) -> None:
        """Scan the next bytes of the document."""
        if self.done:
            return
        try:
            self._parser.feed(chunk)
        except _RootSeenError:
            self.done = True
        except DefusedXmlException:
            raise UnsafeXMLError(self.file, self.member) from None
        except xml.sax.SAXException:
            self.done = True  # malformed: the parser that reads the content reports it


def xml_prolog(data: bytes, file: str, member: str | None = None) -> None:
    """Refuse ``data`` if its prolog declares a DOCTYPE or entities (:class:`UnsafeXMLError`)."""
    scanner = XMLPrologScanner(file, member)
    for start in range(0, len(data), CHUNK):
        scanner.feed(data[start : start + CHUNK])
        if scanner.done:
            return


# --- sheet extents -------------------------------------------------------------------------------------------

_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,9})\"")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"([0-9]{1,9})\"")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_TAIL_MAX = 1 << 16


def column_number(letters: bytes) -> int:
    """Excel column letters → 1-based number (A = 1, XFD = 16384)."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


class SheetExtent:
    """Rows and columns a worksheet XML spans, counted from its cells while it streams past (cheap regexes)."""

    def __init__(self) -> None:
        self.max_row = 0
        self.max_col = 0
        self.rows = 0
        self.cells = 0
        self.formulas = False
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        """Count the complete tags of the next bytes; an incomplete tag waits for the next chunk."""
        buf = self._tail + chunk
        cut = buf.rfind(b">") + 1
        done, self._tail = buf[:cut], buf[cut:][-_TAIL_MAX:]
        self.rows += len(_ROW.findall(done))
        self.cells += len(_CELL.findall(done))
        self.formulas = self.formulas or _FORMULA.search(done) is not None
        for m in _ROW_REF.finditer(done):
            self.max_row = max(self.max_row, int(m.group(1)))
        for m in _CELL_REF.finditer(done):
            self.max_col = max(self.max_col, column_number(m.group(1)))
            self.max_row = max(self.max_row, int(m.group(2)))

    @property
    def dense(self) -> tuple[int, int]:
        """(rows, columns) of the dense grid a reader builds: the used range, at least the cell count."""
        rows = max(self.max_row, self.rows)
        cols = max(self.max_col, 1 if self.cells else 0)
        if rows * cols < self.cells:  # cells without references: all of them count
            cols = -(-self.cells // max(rows, 1))
        return rows, cols
