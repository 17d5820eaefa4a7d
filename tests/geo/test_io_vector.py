"""geo.io.read_vector and geo.detect: formats, encodings, CRS proposals, datums, offsets, repairs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from pyproj import CRS
from shapely.geometry import Point

from geo.crs import distance_m
from geo.detect import codec_from_cpg, detect_dbf_encoding, gk_epsg, propose_crs
from geo.errors import CorruptFileError, CRSNotDeterminedError, MissingPartError, VectorFileError
from geo.io import read_vector
from geo.offset import wgs84_to_gcj02

P1 = (115.8905, 29.7205)
DATA = Path(__file__).resolve().parents[1] / "data"


def shp_parts(tmp_path: Path, crs_out: int, encoding: str = "gbk") -> dict[str, bytes]:
    gdf = gpd.GeoDataFrame({"名称": ["赛城湖口"]}, geometry=[Point(P1)], crs=4490).to_crs(crs_out)
    gdf.to_file(tmp_path / "a.shp", encoding=encoding)
    return {p.name: p.read_bytes() for p in tmp_path.iterdir()}


@pytest.mark.parametrize(
    ("datum", "width", "zone", "cm", "name"),
    [
        ("cgcs2000", 3, 39, None, "CGCS2000 / 3-degree Gauss-Kruger zone 39"),
        ("cgcs2000", 3, None, 117, "CGCS2000 / 3-degree Gauss-Kruger CM 117E"),
        ("cgcs2000", 6, 20, None, "CGCS2000 / Gauss-Kruger zone 20"),
        ("cgcs2000", 6, None, 117, "CGCS2000 / Gauss-Kruger CM 117E"),
        ("xian80", 3, 39, None, "Xian 1980 / 3-degree Gauss-Kruger zone 39"),
        ("xian80", 6, None, 117, "Xian 1980 / Gauss-Kruger CM 117E"),
        ("beijing54", 3, None, 114, "Beijing 1954 / 3-degree Gauss-Kruger CM 114E"),
        ("beijing54", 6, 20, None, "Beijing 1954 / Gauss-Kruger zone 20"),
    ],
)
def test_gk_epsg_codes_match_pyproj_names(datum: str, width: int, zone: int | None, cm: int | None, name: str) -> None:
    assert CRS.from_epsg(gk_epsg(datum, width=width, zone=zone, cm=cm)).name == name


def test_proposals_from_coordinates() -> None:
    assert propose_crs([39_398_333], [3_281_777])[0].epsg == 4527
    plain = propose_crs([398_333], [3_281_777])
    assert plain[0].epsg == 4548 and not plain[0].swap_xy
    assert all(p.inside > 0 for p in plain)
    swapped = propose_crs([3_281_777], [398_333])
    assert swapped[0].epsg == 4548 and swapped[0].swap_xy
    assert propose_crs([115.9], [29.6])[0].epsg == 4490
    assert propose_crs([29.6], [115.9])[0].swap_xy
    assert propose_crs([12.0], [3.0]) != [] and propose_crs([1234.0], [5678.0]) == []


def test_dbf_encoding_detection(tmp_path: Path) -> None:
    parts = shp_parts(tmp_path, 4527)
    dbf = parts["a.dbf"]
    assert detect_dbf_encoding(dbf)[0] == "gb18030"
    assert detect_dbf_encoding(dbf, "UTF-8")[0] == "utf-8"
    assert detect_dbf_encoding(dbf[:29] + b"\x4d" + dbf[30:])[1].startswith("按 DBF 代码页")
    assert codec_from_cpg("ANSI 936") == "gb18030" and codec_from_cpg("65001") == "utf-8"


def test_loose_parts_mapping_and_encoding_override(tmp_path: Path) -> None:
    parts = shp_parts(tmp_path, 4527)
    parts.pop("a.cpg")
    gdf = read_vector(parts)
    assert gdf["名称"].iloc[0] == "赛城湖口"
    assert distance_m(gdf.geometry.iloc[0], Point(P1)) < 0.01
    garbled = read_vector(parts, encoding="latin-1")
    assert "名称" not in garbled.columns
    with pytest.raises(VectorFileError, match="编码"):
        read_vector(parts, encoding="no-such-codec")
    with pytest.raises(MissingPartError):
        read_vector({k: v for k, v in parts.items() if not k.endswith(".dbf")})


def test_zip_bytes_no_prj_then_confirm(tmp_path: Path) -> None:
    parts = shp_parts(tmp_path, 4548)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for k, v in parts.items():
            if not k.endswith(".prj"):
                zf.writestr(k, v)
    with pytest.raises(CRSNotDeterminedError) as info:
        read_vector(buf.getvalue(), filename="上传.zip")
    assert "上传.zip" in str(info.value)
    proposal = info.value.proposals[0]
    gdf = read_vector(buf.getvalue(), filename="上传.zip", crs=proposal)
    assert gdf.attrs["source_epsg"] == 4548
    assert distance_m(gdf.geometry.iloc[0], Point(P1)) < 0.01


def test_old_datums_warned_unless_parameters_given(tmp_path: Path) -> None:
    parts = shp_parts(tmp_path, 2436)
    plain = read_vector(parts)
    assert plain.attrs["datum_approximate"]
    shifted = read_vector(parts, towgs84=(-15.0, 150.0, 50.0))
    assert not shifted.attrs["datum_approximate"]
    moved = distance_m(plain.geometry.iloc[0], shifted.geometry.iloc[0])
    assert 50 < moved < 300  # the parameters are honoured (PROJ only honours them towards EPSG:4326)
    four = read_vector(parts, plane4=(-30.0, 50.0, 0.0, 0.0)).to_crs(4548).geometry.iloc[0]
    src = gpd.read_file(tmp_path / "a.shp").geometry.iloc[0]  # Beijing 1954 GK plane coordinates
    assert (four.x - src.x, four.y - src.y) == (pytest.approx(50.0, abs=0.01), pytest.approx(-30.0, abs=0.01))
    with pytest.raises(VectorFileError):
        read_vector(parts, towgs84=(1.0, 2.0))


def test_kml_folders_extended_data_and_ovital() -> None:
    gdf = read_vector(DATA / "bad" / "folders_extdata.kml")
    assert list(gdf["folder"]) == ["沙河街道", "沙河街道/二级文件夹", "新塘乡"]
    assert list(gdf["责任人"]) == ["张三", "李四", "王五"]
    ov = read_vector(DATA / "bad" / "ovital_gcj02.kml")
    assert distance_m(ov.geometry.iloc[0], Point(P1)) < 0.01
    raw = read_vector(DATA / "bad" / "ovital_gcj02.kml", offset="none")
    assert distance_m(raw.geometry.iloc[0], Point(wgs84_to_gcj02(*P1))) < 0.01


def test_explicit_offset_on_geojson(tmp_path: Path) -> None:
    p = tmp_path / "g.geojson"
    gpd.GeoDataFrame({"a": [1]}, geometry=[Point(wgs84_to_gcj02(*P1))], crs=4490).to_file(p, driver="GeoJSON")
    gdf = read_vector(p, offset="gcj02")
    assert distance_m(gdf.geometry.iloc[0], Point(P1)) < 0.01
    assert gdf.attrs["offset"] == "gcj02"


def test_missing_path_is_a_project_error(tmp_path: Path) -> None:
    with pytest.raises(VectorFileError):
        read_vector(tmp_path / "nope.zip")


GOOD_GEOJSON = b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"a": 1}, ' \
               b'"geometry": {"type": "Point", "coordinates": [115.88, 29.6]}}]}'


def _raise(exc: Exception):  # type: ignore[no-untyped-def]
    def boom(*_args: object, **_kwargs: object) -> None:
        raise exc
    return boom


@pytest.mark.parametrize(("target", "data", "filename", "bug"), [
    ("pyogrio.read_dataframe", GOOD_GEOJSON, "sites.geojson", TypeError("read_dataframe() got an unexpected kw")),
    ("geo.io._walk_kml", (DATA / "bad" / "folders_extdata.kml").read_bytes(), "sites.kml", KeyError("folder")),
    ("geo.io._resolve_crs", GOOD_GEOJSON, "sites.geojson", AttributeError("'NoneType' has no attribute 'crs'")),
])
def test_a_bug_in_the_read_path_propagates_instead_of_blaming_the_file(
    target: str, data: bytes, filename: str, bug: Exception, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A programming error once became 文件已损坏或内容不完整 (a good file blamed, the traceback lost)."""
    monkeypatch.setattr(target, _raise(bug))
    with pytest.raises(type(bug)) as info:
        read_vector(data, filename=filename)
    assert info.value is bug  # not a CorruptFileError


@pytest.mark.parametrize(("data", "filename", "detail"), [
    (b"SQLite format 3\x00" + b"\x07" * 3000, "damaged.gpkg", ""),
    (GOOD_GEOJSON[:60], "truncated.geojson", ""),
    (b'{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[0, 0]]}}',
     "one_point_line.geojson", "几何无法构造"),
])
def test_a_really_damaged_file_still_gets_the_chinese_message(data: bytes, filename: str, detail: str) -> None:
    with pytest.raises(CorruptFileError, match=f"文件已损坏或内容不完整.*{detail}") as info:
        read_vector(data, filename=filename)
    assert filename in str(info.value)
