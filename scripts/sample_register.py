"""The default site register (示例): every site the 十四五 plan names, with approximate positions.

Positions are NOT surveyed.  They follow the plan's wording and the township seats of
shared/reference/plan-digest.md (GeoNames); every feature carries ``approximate = true`` and a
``location_note`` beginning with 位置待核实.  ``build_register()`` returns a GeoJSON FeatureCollection
(EPSG:4490, lon/lat order) and is called by scripts/make_sample_data.py.
"""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

from pyproj import Transformer

PLAN = "《柴桑区“十四五”生态环境保护规划》(柴府发〔2022〕10号)"

# Township seats (GeoNames cities1000, CC BY 4.0; see plan-digest.md) — anchors and township rule.
TOWNSHIP_SEATS: dict[str, tuple[float, float]] = {
    "沙河街道": (115.88720, 29.60794),
    "狮子街道": (115.83624, 29.60284),
    "港口街镇": (115.78189, 29.72504),
    "新合镇": (115.76906, 29.61964),
    "马回岭镇": (115.80166, 29.44614),
    "江洲镇": (116.12014, 29.78759),
    "城子镇": (115.68839, 29.83762),
    "涌泉乡": (115.66910, 29.61720),
    "永安乡": (115.78973, 29.76534),
    "岷山乡": (115.74883, 29.50583),
    "新塘乡": (115.71358, 29.61879),
}
RURAL_TOWNSHIPS = ("港口街镇", "新合镇", "马回岭镇", "江洲镇", "城子镇", "涌泉乡", "永安乡", "岷山乡", "新塘乡")
DISTRICT_BBOX = (115.62, 29.34, 116.26, 29.85)
ISLAND_WEST_LON = 116.0  # everything east of this (the 江新洲 island) belongs to 江洲镇

NOTE = "位置待核实：按规划文字示意，未经实地核准"

_TO_4548 = Transformer.from_crs(4490, 4548, always_xy=True)


def township_of(lon: float, lat: float) -> str:
    """Township by the default (示意) rule: island → 江洲镇, else the nearest seat in EPSG:4548."""
    if lon >= ISLAND_WEST_LON:
        return "江洲镇"
    x, y = _TO_4548.transform(lon, lat)
    best = min(
        (math.hypot(x - sx, y - sy), name)
        for name, (sx, sy) in ((n, _TO_4548.transform(*p)) for n, p in TOWNSHIP_SEATS.items())
        if name != "江洲镇"
    )
    return best[1]


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def _box(lon: float, lat: float, half_dx: float, half_dy: float) -> dict[str, Any]:
    """A small rectangle (closed ring) centred on lon/lat."""
    ring = [
        [round(lon - half_dx, 5), round(lat - half_dy, 5)],
        [round(lon + half_dx, 5), round(lat - half_dy, 5)],
        [round(lon + half_dx, 5), round(lat + half_dy, 5)],
        [round(lon - half_dx, 5), round(lat + half_dy, 5)],
        [round(lon - half_dx, 5), round(lat - half_dy, 5)],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


# The 沙河 reach of project 2 (south → north, i.e. downstream), through 沙河街道 west of the seat.
# Shape is a sketch; scale_reach() stretches it to 4.2 km measured in EPSG:4548.
_REACH_SKETCH: list[tuple[float, float]] = [
    (115.8745, 29.5935),
    (115.8760, 29.5985),
    (115.8742, 29.6030),
    (115.8768, 29.6080),
    (115.8781, 29.6125),
    (115.8766, 29.6170),
    (115.8779, 29.6215),
    (115.8770, 29.6262),
]
REACH_LENGTH_M = 4200.0


def scale_reach(points: list[tuple[float, float]], length_m: float) -> list[list[float]]:
    """Scale a polyline about its first vertex (in EPSG:4548) so that its length is ``length_m``."""
    to_geo = Transformer.from_crs(4548, 4490, always_xy=True)
    xy = [_TO_4548.transform(lon, lat) for lon, lat in points]
    total = sum(math.dist(a, b) for a, b in itertools.pairwise(xy))
    k = length_m / total
    x0, y0 = xy[0]
    out = []
    for x, y in xy:
        lon, lat = to_geo.transform(x0 + (x - x0) * k, y0 + (y - y0) * k)
        out.append([round(lon, 6), round(lat, 6)])
    return out


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _site(
    site_id: str,
    name: str,
    kind: str,
    geometry: dict[str, Any],
    source: str,
    note: str = NOTE,
    **props: Any,
) -> dict[str, Any]:
    return {
        "site_id": site_id,
        "name": name,
        "kind": kind,
        "geometry": geometry,
        "source": f"{PLAN} {source}",
        "location_note": note,
        **props,
    }


_SRC_SECTIONS = "第一章第一节：“省控、县界断面赛城湖口、九江县青龙寺水质优良比例100%”"
_SRC_RMYY = "第一章第三节：“沙河‘人民医院’断面水质还不能长期稳定达到地表水环境质量Ш类标准”"
_SRC_DW = "第一章第一节：“全区9个乡镇集中式饮用水水源地保护区水质均达到地表水Ⅲ类水质标准”“每季度开展水质监测”"
_SRC_AIR = (
    "第五章第三节：“探索对‘柴桑区环保局’‘柴桑区中心幼儿园’站点敏感区内机关食堂、大型餐饮等重点单位"
    "安装在线监控系统”"
)
_SRC_ENT = (
    "第五章第一节：“督促鑫山水泥、华林特钢、绿洲源木业等重点废气排放企业……"
    "推进国孚润滑油、华航石油等……储罐排查和改造”"
)
_SRC_PARK = "第五章第三节：“以沙城工业园、赤湖工业园园区生产建设、高铁新区拆迁改造区为重点，全面排查辖区内扬尘污染源”"
_SRC_SHIP = "第六章第二节：“推进江新洲岛、赤湖码头船舶污染物接收、转运和处置设施建设”"
_SRC_PRJ = "附件 重大项目表 第{no}项；第十二章"

# Drinking-water sources: township → (lon, lat, water_body, 示例 name stem).
_DRINKING: list[tuple[str, float, float, str]] = [
    ("港口街镇", 115.7985, 29.7395, "river"),
    ("新合镇", 115.7745, 29.6425, "reservoir"),
    ("马回岭镇", 115.8145, 29.4655, "reservoir"),
    ("江洲镇", 116.1330, 29.7760, "river"),
    ("城子镇", 115.7020, 29.8310, "river"),
    ("涌泉乡", 115.6680, 29.6330, "reservoir"),
    ("永安乡", 115.7860, 29.7690, "river"),
    ("岷山乡", 115.7560, 29.5210, "reservoir"),
    ("新塘乡", 115.7115, 29.6000, "reservoir"),
]


def _sites() -> list[dict[str, Any]]:
    """All register entries before township assignment and GeoJSON wrapping."""
    reach = scale_reach(_REACH_SKETCH, REACH_LENGTH_M)
    s: list[dict[str, Any]] = []
    # --- water sections -------------------------------------------------------------------------
    s.append(_site(
        "W-SCHK", "赛城湖口", "water_section", _point(115.8905, 29.7205), _SRC_SECTIONS,
        note="位置待核实：示意在赛城湖东北端出口（经赛城湖闸北入长江）附近，未经实地核准",
        control_level="省控", water_body="lake", target_class=3, monitoring_freq="monthly",
    ))
    s.append(_site(
        "W-QLS", "九江县青龙寺", "water_section", _point(115.8340, 29.4020), _SRC_SECTIONS,
        note="位置待核实：县界断面，示意在区南部县界附近河段，未经实地核准",
        control_level="省控", water_body="river", target_class=3, monitoring_freq="monthly",
    ))
    rm = reach[4]
    s.append(_site(
        "W-RMYY", "沙河“人民医院”断面", "water_section", _point(rm[0], rm[1]), _SRC_RMYY,
        note="位置待核实：示意在沙河流经沙河街道城区段，未经实地核准；控制级别（市控）为示例假设",
        control_level="市控", water_body="river", target_class=3, monitoring_freq="monthly",
    ))
    # --- drinking-water sources -----------------------------------------------------------------
    for i, (town, lon, lat, body) in enumerate(_DRINKING, start=1):
        s.append(_site(
            f"DW-{i:02d}", f"{town}集中式饮用水水源地（示例名）", "drinking_source", _point(lon, lat), _SRC_DW,
            note=f"位置待核实：规划未给出名称和位置，示意在{town}驻地附近，未经实地核准",
            control_level="区控", water_body=body, target_class=3, monitoring_freq="quarterly",
            expected_township=town,
        ))
    # --- air stations ---------------------------------------------------------------------------
    s.append(_site(
        "AIR-HBJ", "柴桑区环保局", "air_station", _point(115.8835, 29.6045), _SRC_AIR,
        note="位置待核实：示意在沙河街道城区，未经实地核准",
        control_level="省控", air_class=2, monitoring_freq="daily", expected_township="沙河街道",
    ))
    s.append(_site(
        "AIR-ZXYEY", "柴桑区中心幼儿园", "air_station", _point(115.8915, 29.6125), _SRC_AIR,
        note="位置待核实：示意在沙河街道城区，未经实地核准",
        control_level="省控", air_class=2, monitoring_freq="daily", expected_township="沙河街道",
    ))
    # --- WWTP -----------------------------------------------------------------------------------
    s.append(_site(
        "WWTP-CH", "赤湖污水处理厂", "wwtp", _point(115.7225, 29.8005),
        "附件 重大项目表 第1项（建设地点：柴桑区赤湖工业园）",
        note="位置待核实：示意在赤湖工业园内，未经实地核准；建成日期为示例假设（2006年以后建成）",
        grade_history=_dumps([{"from": "2019-01-01", "grade": "1B"}, {"from": "2024-07-01", "grade": "1A"}]),
        built="2012-06-30", monitoring_freq="daily", expected_township="城子镇",
    ))
    s.extend(_projects(reach))
    # --- enterprises ----------------------------------------------------------------------------
    for sid, name, industry, lon, lat in (
        ("ENT-01", "鑫山水泥", "水泥", 115.7090, 29.7985),
        ("ENT-02", "华林特钢", "钢铁", 115.8735, 29.6375),
        ("ENT-03", "绿洲源木业", "木业", 115.7770, 29.6310),
        ("ENT-04", "国孚润滑油", "油库（润滑油储罐）", 115.7360, 29.8050),
        ("ENT-05", "华航石油", "油库（成品油储罐）", 115.7990, 29.7610),
    ):
        s.append(_site(sid, name, "enterprise", _point(lon, lat), _SRC_ENT, industry=industry))
    # --- parks ----------------------------------------------------------------------------------
    s.append(_site(
        "PARK-01", "沙城工业园", "park", _box(115.8700, 29.6345, 0.0060, 0.0045), _SRC_PARK,
        note="位置待核实：园区范围为示意矩形，未经实地核准",
    ))
    s.append(_site(
        "PARK-02", "赤湖工业园", "park", _box(115.7230, 29.8040, 0.0070, 0.0050), _SRC_PARK,
        note="位置待核实：园区范围为示意矩形，未经实地核准", expected_township="城子镇",
    ))
    s.append(_site(
        "PARK-03", "高铁新区拆迁改造区", "park", _box(115.9010, 29.6160, 0.0060, 0.0040), _SRC_PARK,
        note="位置待核实：扬尘防控重点区域（拆迁改造区，非工业园区，按园区类登记），范围为示意矩形，"
             "示意在沙河街道城区东侧，未经实地核准",
    ))
    # --- ship-waste reception -------------------------------------------------------------------
    s.append(_site("SHIP-01", "江新洲岛船舶污染物接收点", "ship_waste", _point(116.0950, 29.7735), _SRC_SHIP,
                   expected_township="江洲镇"))
    s.append(_site("SHIP-02", "赤湖码头船舶污染物接收点", "ship_waste", _point(115.7130, 29.8215), _SRC_SHIP,
                   expected_township="城子镇"))
    return s


_PROJECT_TABLE: list[dict[str, Any]] = [
    {"project_no": 1, "name": "赤湖污水处理厂提标改造", "investment_wan": 7000.0, "start_year": 2022,
     "end_year": 2024, "responsible": "沿江新材料产业发展中心",
     "content": "外排标准由GB 18918—2002一级B提升为一级A",
     "milestones": [{"date": "2022-09-30", "name": "开工"}, {"date": "2024-06-30", "name": "完工通水"},
                    {"date": "2024-07-01", "name": "执行一级A标准"}]},
    {"project_no": 2, "name": "沙河水环境质量提升与水生态修复工程", "investment_wan": 1200.0,
     "start_year": 2021, "end_year": 2022, "responsible": "沙河景区服务中心、柴桑生态环境局",
     "content": "沙河4.2km河段治理：排污口强化治理、水生态修复及后期维护",
     "milestones": [{"date": "2021-04-15", "name": "开工"}, {"date": "2022-11-30", "name": "完工验收"}]},
    {"project_no": 3, "name": "机动车黑烟车抓拍系统", "investment_wan": 220.0, "start_year": 2021,
     "end_year": 2021, "responsible": "柴桑生态环境局", "content": "建设四套机动车黑烟车抓拍系统，实时抓拍尾气",
     "milestones": [{"date": "2021-05-31", "name": "开工"}, {"date": "2021-12-20", "name": "四套系统上线"}]},
    {"project_no": 4, "name": "柴桑区赣北小腊子山及周边历史遗留污染治理项目", "investment_wan": 9200.0,
     "start_year": 2022, "end_year": 2025, "responsible": "柴桑区港口街镇",
     "content": "对港口街镇赣北小腊子山及周边历史遗留渣堆和酸性水进行管控处理",
     "milestones": [{"date": "2022-12-31", "name": "方案编制"}, {"date": "2023-10-31", "name": "开工"},
                    {"date": "2025-12-31", "name": "计划完工"}]},
    {"project_no": 5, "name": "柴桑区集中式、分布式光伏发电项目", "investment_wan": 1000000.0,
     "start_year": 2022, "end_year": 2025, "responsible": "区发改委",
     "content": "光伏项目25个（分布式屋顶光伏5个、集中式光伏20个）、风电项目3个（风电以江新洲岛为重点）",
     "milestones": [{"date": "2022-06-30", "name": "首批开工"}, {"date": "2025-12-31", "name": "计划全部并网"}]},
    {"project_no": 6, "name": "农村环境综合整治项目", "investment_wan": 2300.0, "start_year": 2022,
     "end_year": 2025, "responsible": "区农业农村局、柴桑生态环境局",
     "content": "农村生活污水综合整治，建设农村生活污水处理设施及配套收集管网",
     "milestones": [{"date": "2022-07-31", "name": "开工"}, {"date": "2025-12-31", "name": "完工"}]},
    {"project_no": 7, "name": "重点流域农业面源污染治理项目", "investment_wan": 10021.0, "start_year": 2021,
     "end_year": 2025, "responsible": "区农业农村局",
     "content": "畜禽养殖污染治理、农田面源污染防治、农村生活污水治理（地方政府配套建设）",
     "milestones": [{"date": "2021-06-30", "name": "开工"}, {"date": "2025-12-31", "name": "计划完工"}]},
    {"project_no": 8, "name": "环境执法能力建设", "investment_wan": 80.0, "start_year": 2022, "end_year": 2025,
     "responsible": "柴桑生态环境局", "content": "增配小型无人机、移动执法箱、移动执法终端等快速精准取证执法装备",
     "milestones": [{"date": "2022-08-31", "name": "首批装备配发"}, {"date": "2025-11-30", "name": "完成"}]},
]

# Lead-unit positions for district-wide projects (offices in 沙河街道; illustrative).
_LEAD_UNIT_POS: dict[int, tuple[float, float, str]] = {
    3: (115.8848, 29.6053, "柴桑生态环境局"),
    5: (115.8868, 29.6088, "区发改委"),
    6: (115.8893, 29.6035, "区农业农村局"),
    7: (115.8906, 29.6044, "区农业农村局"),
    8: (115.8836, 29.6062, "柴桑生态环境局"),
}


def _projects(reach: list[list[float]]) -> list[dict[str, Any]]:
    out = []
    for row in _PROJECT_TABLE:
        no = row["project_no"]
        extra: dict[str, Any] = {}
        if no == 1:
            geom = _point(115.7238, 29.7998)
            note = "位置待核实：示意在赤湖工业园赤湖污水处理厂，未经实地核准"
            extra["related_site"] = "WWTP-CH"
        elif no == 2:
            geom = {"type": "LineString", "coordinates": reach}
            note = "位置待核实：4.2km治理河段的起止点为示意，沿沙河流经沙河街道城区段绘制，未经实地核准"
            extra["related_site"] = "W-RMYY"
        elif no == 4:
            geom = _box(115.7960, 29.7030, 0.0045, 0.0035)
            note = "位置待核实：小腊子山及周边渣堆范围为示意矩形（港口街镇），未经实地核准"
            extra["expected_township"] = "港口街镇"
        else:
            lon, lat, unit = _LEAD_UNIT_POS[no]
            geom = _point(lon, lat)
            note = f"位置待核实：全区性项目，图上标注在牵头单位（{unit}）位置，并非建设地点"
        out.append(_site(
            f"PRJ-{no:02d}", row["name"], "project", geom, _SRC_PRJ.format(no=no), note=note,
            project_no=no, investment_wan=row["investment_wan"], start_year=row["start_year"],
            end_year=row["end_year"], responsible=row["responsible"], content=row["content"],
            milestones=_dumps(row["milestones"]), **extra,
        ))
    return out


PROPERTY_ORDER = (
    "site_id", "name", "kind", "township", "control_level", "water_body", "target_class", "monitoring_freq",
    "air_class", "grade_history", "built", "project_no", "investment_wan", "start_year", "end_year",
    "responsible", "content", "milestones", "related_site", "industry", "approximate", "location_note",
    "sample", "source",
)


def representative_point(geometry: dict[str, Any]) -> tuple[float, float]:
    """A lon/lat inside or on the geometry (vertex mean for lines and rings)."""
    t = geometry["type"]
    if t == "Point":
        lon, lat = geometry["coordinates"]
        return float(lon), float(lat)
    coords = geometry["coordinates"] if t == "LineString" else geometry["coordinates"][0][:-1]
    return (sum(c[0] for c in coords) / len(coords), sum(c[1] for c in coords) / len(coords))


def build_register() -> dict[str, Any]:
    """Return the register as a GeoJSON FeatureCollection (properties in PROPERTY_ORDER)."""
    features = []
    for site in _sites():
        geom = site.pop("geometry")
        expected = site.pop("expected_township", None)
        town = township_of(*representative_point(geom))
        if expected is not None and expected != town:
            raise ValueError(f"站点 {site['site_id']} 的示意位置落在“{town}”，而规划写明“{expected}”")
        site["township"] = town
        site["approximate"] = True
        site["sample"] = True
        props = {k: site.get(k) for k in PROPERTY_ORDER}
        features.append({"type": "Feature", "properties": props, "geometry": geom})
    return {"type": "FeatureCollection", "name": "柴桑区示例站点清单（示例数据）", "features": features}
