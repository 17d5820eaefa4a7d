"""Decompression bombs built in memory, fast: small compressed, huge uncompressed.

Deflating a gigabyte takes seconds; instead one chunk is deflated once, ending in a full flush (which resets the
compressor's window), and its compressed bytes are repeated: the result is a valid deflate stream whose inflated
size is ``chunk * n``.  Zip files are written by hand so that a member's declared sizes can lie.
"""

from __future__ import annotations

import contextlib
import resource
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

MB = 1_000_000


@dataclass(frozen=True)
class Deflated:
    """A raw deflate stream with the size and CRC-32 of what it inflates to."""

    data: bytes
    size: int
    crc: int


def deflate_repeated(head: bytes, chunk: bytes, n: int, tail: bytes = b"") -> Deflated:
    """Raw deflate of ``head + chunk * n + tail`` without compressing ``chunk * n``."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = co.compress(head) + co.flush(zlib.Z_FULL_FLUSH)
    body = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head)
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    end = co.compress(tail) + co.flush(zlib.Z_FINISH)
    return Deflated(start + body * n + end, len(head) + len(chunk) * n + len(tail), crc)


def deflate(data: bytes) -> Deflated:
    """Raw deflate of a small member."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Deflated(co.compress(data) + co.flush(), len(data), zlib.crc32(data))


def gzip_of(d: Deflated) -> bytes:
    """A gzip file (RFC 1952) around a raw deflate stream."""
    header = b"\x1f\x8b\x08\x00" + b"\x00\x00\x00\x00" + b"\x00\xff"
    return header + d.data + struct.pack("<II", d.crc, d.size & 0xFFFFFFFF)


def zip_of(members: dict[str, Deflated], declared: dict[str, int] | None = None) -> bytes:
    """A zip archive of deflated members; ``declared`` overrides a member's recorded uncompressed size (a lie)."""
    declared = declared or {}
    out = bytearray()
    central = bytearray()
    for name, d in members.items():
        raw = name.encode()
        size = declared.get(name, d.size)
        offset = len(out)
        fields = (20, 0x800, 8, 0, 0x21, d.crc, len(d.data), size, len(raw), 0)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + raw + d.data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, offset
        ) + raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def inline_row(r: int, values: list[str]) -> bytes:
    """One ``<row>`` of inline-string cells (A, B, C …)."""
    cells = "".join(
        f'<c r="{chr(65 + j)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for j, v in enumerate(values)
    )
    return f'<row r="{r}">{cells}</row>'.encode()


def xlsx_of(sheet: Deflated, extra: dict[str, Deflated] | None = None,
            declared: dict[str, int] | None = None) -> bytes:
    """A minimal workbook around a (deflated) sheet1.xml."""
    members = {
        "[Content_Types].xml": deflate(CONTENT_TYPES),
        "_rels/.rels": deflate(ROOT_RELS),
        "xl/workbook.xml": deflate(WORKBOOK),
        "xl/_rels/workbook.xml.rels": deflate(WORKBOOK_RELS),
        "xl/worksheets/sheet1.xml": sheet,
        **(extra or {}),
    }
    return zip_of(members, declared)


def small_xlsx(rows: list[list[str]]) -> bytes:
    """A valid small workbook with inline strings (the control case)."""
    body = b"".join(inline_row(i + 1, r) for i, r in enumerate(rows))
    return xlsx_of(deflate(SHEET_HEAD + body + SHEET_TAIL))


def xlsx_sheet_bomb(inflated: int = 1000 * MB, declared: int | None = None) -> bytes:
    """An xlsx whose worksheet XML inflates to ``inflated`` bytes (whitespace between two real rows).

    ``declared`` makes the zip directory lie about the sheet's uncompressed size.
    """
    head = SHEET_HEAD + inline_row(1, ["点位编号", "日期", "监测项目", "监测值"])
    tail = inline_row(2, ["W-01", "2026-10-15", "氨氮", "0.2"]) + SHEET_TAIL
    n = inflated // MB
    lie = {"xl/worksheets/sheet1.xml": declared} if declared is not None else None
    return xlsx_of(deflate_repeated(head, b" " * MB, n, tail), declared=lie)


def xlsx_extent_bomb() -> bytes:
    """A tiny xlsx whose two cells span the whole grid (A1 … XFD1048576): a dense reader allocates 17 G cells."""
    body = inline_row(1, ["点位编号", "日期"]) + (
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    return xlsx_of(deflate(SHEET_HEAD + body + SHEET_TAIL))


def xlsx_entity_bomb() -> bytes:
    """Billion laughs in a worksheet: nine levels of ten-fold entity expansion."""
    dtd = ['<!DOCTYPE worksheet [', '<!ENTITY lol "lol">']
    dtd += [f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)]
    dtd.append("]>")
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + "".join(dtd).encode()
        + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'
        + b'<c r="B1" t="inlineStr"><is><t>date</t></is></c></row>' + SHEET_TAIL
    )
    return xlsx_of(deflate(sheet))


def csv_gzip_bomb(inflated: int = 1000 * MB, header: bytes = b"task_id,title,origin,opened\n") -> bytes:
    """A gzip-compressed CSV task sheet of ``inflated`` bytes (the same row over and over)."""
    line = b"T-0001,\xe6\xb2\xb3\xe9\x81\x93\xe6\x8e\x92\xe6\xb1\xa1\xe5\x8f\xa3,inspection,2026-01-01\n"
    chunk = line * (MB // len(line))
    return gzip_of(deflate_repeated(header, chunk, inflated // len(chunk)))


def kmz_bomb(inflated: int = 1000 * MB) -> bytes:
    """A KMZ whose doc.kml inflates to ``inflated`` bytes (whitespace inside the Document)."""
    head = b'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
    tail = b"<Placemark><name>a</name><Point><coordinates>115.9,29.7</coordinates></Point></Placemark></Document></kml>"
    return zip_of({"doc.kml": deflate_repeated(head, b" " * MB, inflated // MB, tail)})


def shp_zip_bomb(inflated: int = 1000 * MB) -> bytes:
    """A 'zipped shapefile' whose .dbf inflates to ``inflated`` bytes."""
    shp = deflate(b"\x00\x00\x27\x0a" + b"\x00" * 96)
    return zip_of({"a.shp": shp, "a.shx": shp, "a.dbf": deflate_repeated(b"\x03", b"\x00" * MB, inflated // MB)})


def lying(archive_members: dict[str, Deflated], name: str, size: int) -> bytes:
    """A zip whose central directory declares ``size`` for member ``name`` (far below the truth)."""
    return zip_of(archive_members, {name: size})


@contextlib.contextmanager
def address_space_cap(extra: int = 1_500_000_000) -> Iterator[None]:
    """Cap this process's address space at its current size + ``extra`` for the block (a regression then
    raises MemoryError instead of exhausting the machine); the previous soft limit is restored after."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/status") as fh:
        vm = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:"))
    cap = vm + extra if hard == resource.RLIM_INFINITY else min(vm + extra, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
