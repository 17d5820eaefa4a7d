"""Errors of the geo package; messages are Chinese because they reach users unchanged."""

from __future__ import annotations


class GeoError(ValueError):
    """Base class of every error raised by :mod:`geo` (spatial input the app cannot use as is)."""


class MissingCRSError(GeoError):
    """A layer without a coordinate reference system."""

    def __init__(self, layer: str = "图层") -> None:
        super().__init__(f"{layer}缺少坐标参考系（CRS），无法确定坐标含义；请提供 .prj 文件或指定坐标系")
        self.layer = layer


class CRSMismatchError(GeoError):
    """A layer in another CRS than the one an operation requires."""

    def __init__(self, expected: object, actual: object, layer: str = "图层") -> None:
        super().__init__(f"{layer}的坐标系为“{actual}”，与要求的“{expected}”不一致，请先转换")
        self.expected = expected
        self.actual = actual
        self.layer = layer


class CoordinateOutOfRangeError(GeoError):
    """A coordinate outside its valid range (e.g. a latitude above 90°)."""

    def __init__(self, field: str, value: object, valid: str) -> None:
        super().__init__(f"坐标字段“{field}”的值“{value}”超出有效范围（{valid}）")
        self.field = field
        self.value = value
        self.valid = valid


class UnknownConversionError(GeoError):
    """An offset conversion name that the module does not provide."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"未知的坐标偏移转换“{name}”；可用转换：{', '.join(known)}")
        self.name = name


class InvalidGeometryError(GeoError):
    """A geometry that is empty or cannot be repaired."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what}的几何无效：{reason}")
        self.what = what
        self.reason = reason


# --- reading vector files (geo.io.read_vector) ------------------------------------------------------


class VectorFileError(GeoError):
    """A vector file that cannot be imported; ``file`` names it (as the user uploaded it)."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"文件“{file}”：{message}")
        self.file = file
        self.detail = message


class EmptyFileError(VectorFileError):
    """An empty file, or one without any feature."""

    def __init__(self, file: str, what: str = "文件为空（0 字节）") -> None:
        super().__init__(file, what)


class FileTooLargeError(VectorFileError):
    """A file above the configured size limit."""

    def __init__(self, file: str, size: int, limit: int) -> None:
        super().__init__(file, f"文件大小 {size / 1e6:.1f} MB 超过上限 {limit / 1e6:.1f} MB，请拆分后再导入")
        self.size = size
        self.limit = limit


class UnsupportedFormatError(VectorFileError):
    """A file whose content is not a supported vector format."""

    def __init__(self, file: str, detail: str = "") -> None:
        extra = f"（{detail}）" if detail else ""
        super().__init__(
            file,
            f"无法识别的文件格式{extra}；支持：Shapefile（.zip 或 .shp/.shx/.dbf/.prj 一组）、GeoJSON、"
            "GeoPackage（.gpkg）、KML/KMZ",
        )


class CorruptFileError(VectorFileError):
    """A file of a known format that cannot be read (truncated, damaged)."""

    def __init__(self, file: str, detail: str) -> None:
        super().__init__(file, f"文件已损坏或内容不完整，无法读取（{detail}）")


class MissingPartError(VectorFileError):
    """A shapefile without one of its mandatory companion files."""

    def __init__(self, file: str, part: str) -> None:
        super().__init__(
            file,
            f"Shapefile 缺少必需的“{part}”文件；请把同名的 .shp、.shx、.dbf（及 .prj、.cpg）一起上传，或打包为 .zip",
        )
        self.part = part


class LayerChoiceError(VectorFileError):
    """A container with several layers and no layer chosen (or an unknown one)."""

    def __init__(self, file: str, layers: list[str], asked: str | None = None) -> None:
        head = f"没有名为“{asked}”的图层" if asked else "包含多个图层，请选择其中一个"
        super().__init__(file, f"{head}；可选图层：{'、'.join(layers)}")
        self.layers = layers


class EncodingDetectionError(VectorFileError):
    """Attribute text that decodes with none of the candidate encodings."""

    def __init__(self, file: str, tried: list[str]) -> None:
        super().__init__(file, f"属性表文字编码无法识别（已尝试 {'、'.join(tried)}），请指定编码后重试")


class CRSNotDeterminedError(VectorFileError):
    """No usable CRS in the file; ``proposals`` lists candidate CRSs computed from the coordinates.

    The UI shows the proposals, the user confirms one, and the caller reads again with ``crs=``.
    """

    def __init__(
        self, file: str, proposals: list, reason: str = "缺少坐标系信息（无 .prj 文件或未声明坐标系）"
    ) -> None:
        if proposals:
            names = "；".join(f"{i + 1}. {p.describe()}" for i, p in enumerate(proposals[:6]))
            tail = f"。根据坐标数值推测可能是：{names}。请确认坐标系后重新导入"
        else:
            tail = "。无法从坐标数值推测坐标系，请向数据提供单位询问坐标系后指定"
        super().__init__(file, reason + tail)
        self.proposals = list(proposals)
        self.reason = reason
