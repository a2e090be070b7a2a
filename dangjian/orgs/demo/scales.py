"""How big each demo scale is. ``tiny`` is for the test suite and is not offered in the help."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# The reference date every demo date is drawn from (see the package docstring).
ANCHOR = dt.date(2026, 11, 1)
DEFAULT_SEED = 1


@dataclass(frozen=True)
class CountyShape:
    """One county or district: how many 乡镇 and 街道, and what lies under each."""

    towns: tuple[int, int]
    streets: tuple[int, int]
    villages_per_town: tuple[int, int]
    communities_per_street: tuple[int, int]
    departments: int  # 县直 units under the 机关工委, taken from the head of units.DEPARTMENTS
    full_services: bool = True  # schools, hospitals, state enterprises under the 机关工委


@dataclass(frozen=True)
class Scale:
    name: str
    label: str
    city: str  # "" when the root is the county itself
    counties: tuple[str, ...]  # names of the counties (县) and districts (区)
    county_shape: CountyShape
    district_shape: CountyShape


COUNTY_SHAPE = CountyShape(towns=(13, 15), streets=(4, 5), villages_per_town=(12, 16),
                           communities_per_street=(5, 7), departments=36)
DISTRICT_SHAPE = CountyShape(towns=(4, 6), streets=(11, 13), villages_per_town=(8, 12),
                             communities_per_street=(6, 8), departments=36)
TINY_SHAPE = CountyShape(towns=(2, 2), streets=(1, 1), villages_per_town=(3, 3),
                         communities_per_street=(2, 2), departments=3, full_services=False)

SCALES = {
    "tiny": Scale("tiny", "测试", "", ("青山县",), TINY_SHAPE, TINY_SHAPE),
    "county": Scale("county", "县级", "", ("青山县",), COUNTY_SHAPE, DISTRICT_SHAPE),
    "city": Scale(
        "city", "市级", "临江市",
        ("江城区", "江南区", "北湖区", "青山县", "石泉县", "白河县", "丰泽县", "云台县", "桃溪县", "清溪县"),
        COUNTY_SHAPE, DISTRICT_SHAPE,
    ),
}
PUBLIC_SCALES = ("county", "city")

# Root codes: demo_accounts tells a city dataset from a county one by them.
CITY_CODE = "LJ"
COUNTY_CODE = "QS"


def shape_of(scale: Scale, county_name: str) -> CountyShape:
    return scale.district_shape if county_name.endswith("区") else scale.county_shape
