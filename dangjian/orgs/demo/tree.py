"""The organisation tree of a demo county or city, down to the branches.

Groups under the branches (党小组, 楼栋党小组, 党员中心户) are added later by ``groups``, once the
members are known: a 党员中心户 is named after its household head.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from dangjian.orgs.choices import OrgKind, UnitCategory

from . import names, units
from .plan import OrgSpec, new_root
from .scales import CITY_CODE, COUNTY_CODE, Scale, shape_of

CHINESE_NUMBERS = "一二三四五六七八九十"

# Members of a branch above which it is split: a village becomes a 党总支 with branches below, a
# community a 党总支 with 网格党支部. Between 50 and these, a branch stays whole (and is warned about).
VILLAGE_SPLIT = 56
COMMUNITY_SPLIT = 60


@dataclass
class County:
    """What the member generator needs to know about one county beyond its organisations."""

    name: str
    org: OrgSpec
    area_code: str  # first six digits of its people's ID numbers
    communities: list[str] = field(default_factory=list)


def chinese_ordinal(number: int) -> str:
    if number <= 10:
        return CHINESE_NUMBERS[number - 1]
    return "十" + CHINESE_NUMBERS[number - 11] if number < 20 else str(number)


class TreeBuilder:
    def __init__(self, rng: random.Random, anchor: dt.date):
        self.rng = rng
        self.anchor = anchor
        self.town_names = names.NamePool(rng)
        self.counties: list[County] = []

    # -- small helpers ----------------------------------------------------------------------------
    def size(self, low: int, mode: int, high: int) -> int:
        return int(round(self.rng.triangular(low, high, mode)))

    def founded(self, first_year: int, last_year: int) -> dt.date:
        last_year = min(last_year, self.anchor.year - 1)
        return dt.date(self.rng.randint(first_year, last_year), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def branch(self, parent: OrgSpec, name: str, category: str, profile: str, size: int, *,
               kind: str = OrgKind.BRANCH, unit_name: str = "", years=(1985, 2020), place: str = "") -> OrgSpec:
        return parent.add_child(name, kind, category, profile=profile, size=max(size, 1), unit_name=unit_name,
                                founded_on=self.founded(*years), place=place)

    def split(self, total: int, parts: int) -> list[int]:
        weights = [self.rng.uniform(0.7, 1.3) for _ in range(parts)]
        return [max(5, round(total * w / sum(weights))) for w in weights]

    def general_branch(self, parent: OrgSpec, name: str, category: str, profile: str, branch_names, total: int,
                       *, unit_name: str = "", years=(1985, 2015), place: str = "") -> OrgSpec:
        general = parent.add_child(name, OrgKind.GENERAL_BRANCH, category, unit_name=unit_name,
                                   founded_on=self.founded(*years), place=place)
        for branch_name, share in zip(branch_names, self.split(total, len(branch_names)), strict=True):
            self.branch(general, branch_name, category, profile, share, unit_name=unit_name, years=years, place=place)
        return general

    # -- the levels -------------------------------------------------------------------------------
    def build(self, scale: Scale) -> OrgSpec:
        if not scale.city:
            root = self._committee(None, scale.counties[0], COUNTY_CODE)
            self.fill_county(root, scale.counties[0], scale)
            return root
        root = self._committee(None, scale.city, CITY_CODE)
        for name in scale.counties:
            self.fill_county(self._committee(root, name), name, scale)
        root.seat = self.organs(root, scale.city, scale.county_shape)
        communities = [c for county in self.counties for c in county.communities]
        self.counties.append(County(scale.city, root.seat.parent, "990100", communities))
        return root

    @staticmethod
    def _committee(parent: OrgSpec | None, place: str, code: str = "") -> OrgSpec:
        """A 县委, 区委 or 市委; the 组织部 is its working seat."""
        fields = {"short_name": f"{place}委", "unit_name": f"中共{place}委组织部", "founded_on": dt.date(1949, 10, 1)}
        name, kind, category = f"中共{place}委员会", OrgKind.COMMITTEE, UnitCategory.PARTY_GOVERNMENT
        if parent is None:
            return new_root(name, code, kind, category, **fields)
        return parent.add_child(name, kind, category, **fields)

    def fill_county(self, county_org: OrgSpec, name: str, scale: Scale) -> None:
        shape = shape_of(scale, name)
        county = County(name, county_org, area_code=f"9901{len(self.counties) + 1:02d}")
        self.counties.append(county)
        enterprises = names.NamePool(self.rng)
        for _ in range(self.rng.randint(*shape.towns)):
            self.town(county, shape, enterprises)
        for _ in range(self.rng.randint(*shape.streets)):
            self.street(county, shape, enterprises)
        county_org.seat = self.organs(county_org, name, shape)

    def town(self, county: County, shape, enterprises: names.NamePool) -> None:
        rng, place = self.rng, county.name
        town_name = self.town_names.town() + rng.choice(("镇", "镇", "镇", "乡"))
        town = county.org.add_child(f"中共{town_name}委员会", OrgKind.COMMITTEE, UnitCategory.PARTY_GOVERNMENT,
                                    short_name=f"{town_name}党委", unit_name=f"{place}{town_name}人民政府",
                                    founded_on=self.founded(1950, 1990))
        town.seat = self.branch(town, f"{town_name}机关党支部", UnitCategory.PARTY_GOVERNMENT, "government",
                                self.size(18, 28, 42), unit_name=f"{place}{town_name}人民政府")
        villages = names.NamePool(rng)
        for _ in range(rng.randint(*shape.villages_per_town)):
            self.village(town, f"{place}{town_name}", town_name, villages.village() + "村")
        self.branch(town, f"{town_name}中心学校党支部", UnitCategory.SCHOOL, "school", self.size(8, 16, 30),
                    unit_name=f"{place}{town_name}中心学校")
        self.branch(town, f"{town_name}卫生院党支部", UnitCategory.HOSPITAL, "hospital", self.size(5, 9, 18),
                    unit_name=f"{place}{town_name}卫生院")
        self.new_economy(town, town_name, place, enterprises, firms=rng.randint(1, 3))

    def village(self, town: OrgSpec, stem: str, town_name: str, village: str) -> None:
        size = self.size(9, 28, 88)
        place = f"{stem}{village}"
        if size > VILLAGE_SPLIT:
            parts = 2 if size < 72 else 3
            self.general_branch(town, f"{town_name}{village}党总支", UnitCategory.VILLAGE, "village",
                                [f"{town_name}{village}第{chinese_ordinal(i + 1)}党支部" for i in range(parts)], size,
                                unit_name=f"{village}村民委员会".replace("村村", "村"), years=(1950, 1990), place=place)
            return
        self.branch(town, f"{town_name}{village}党支部", UnitCategory.VILLAGE, "village", size,
                    unit_name=f"{village}村民委员会".replace("村村", "村"), years=(1950, 1990), place=place)

    def street(self, county: County, shape, enterprises: names.NamePool) -> None:
        rng, place = self.rng, county.name
        street_name = self.town_names.street() + "街道"
        street = county.org.add_child(f"中共{street_name}工作委员会", OrgKind.WORKING_COMMITTEE,
                                      UnitCategory.PARTY_GOVERNMENT, short_name=f"{street_name}党工委",
                                      unit_name=f"{place}{street_name}办事处", founded_on=self.founded(1985, 2012))
        street.seat = self.branch(street, f"{street_name}机关党支部", UnitCategory.PARTY_GOVERNMENT, "government",
                                  self.size(18, 26, 40), unit_name=f"{place}{street_name}办事处")
        communities = names.NamePool(rng)
        for _ in range(rng.randint(*shape.communities_per_street)):
            community = communities.community() + "社区"
            county.communities.append(f"{street_name}{community}")
            self.community(street, f"{place}{street_name}", street_name, community)
        if rng.random() < 0.6:
            self.branch(street, f"{street_name}社区卫生服务中心党支部", UnitCategory.HOSPITAL, "hospital",
                        self.size(5, 8, 15), unit_name=f"{place}{street_name}社区卫生服务中心")
        if rng.random() < 0.5:
            school = f"{place}{street_name.removesuffix('街道')}小学"
            self.branch(street, f"{school}党支部", UnitCategory.SCHOOL, "school", self.size(8, 14, 24),
                        unit_name=school)
        self.new_economy(street, street_name, place, enterprises, firms=rng.randint(2, 4))
        self.branch(street, f"{street_name}社会组织联合党支部", UnitCategory.SOCIAL_ORGANIZATION, "social",
                    self.size(4, 7, 12), kind=OrgKind.JOINT_BRANCH, years=(2012, 2024))

    def community(self, street: OrgSpec, stem: str, street_name: str, community: str) -> None:
        size = self.size(18, 40, 110)
        unit = f"{community}居民委员会"
        place = f"{stem}{community}"
        if size > COMMUNITY_SPLIT:
            parts = min(4, 2 + (size - COMMUNITY_SPLIT) // 15)
            general = street.add_child(f"{street_name}{community}党总支", OrgKind.GENERAL_BRANCH,
                                       UnitCategory.COMMUNITY, unit_name=unit, founded_on=self.founded(1995, 2018),
                                       place=place)
            for i, share in enumerate(self.split(size, parts)):
                self.branch(general, f"{community}第{chinese_ordinal(i + 1)}网格党支部", UnitCategory.COMMUNITY,
                            "community", share, kind=OrgKind.GRID_BRANCH, unit_name=unit, years=(2016, 2024),
                            place=place)
            return
        self.branch(street, f"{street_name}{community}党支部", UnitCategory.COMMUNITY, "community", size,
                    unit_name=unit, years=(1995, 2018), place=place)

    def new_economy(self, parent: OrgSpec, local: str, place: str, enterprises: names.NamePool, firms: int) -> None:
        """两新组织: private firms with their own branch, a joint branch for the small ones, a 商会,
        now and then a temporary branch for a project."""
        rng = self.rng
        for _ in range(firms):
            firm = enterprises.enterprise(place)
            self.branch(parent, f"{firm}党支部", UnitCategory.PRIVATE_ENTERPRISE, "private_enterprise",
                        self.size(3, 8, 26), unit_name=firm, years=(2005, 2024))
        if rng.random() < 0.6:
            self.branch(parent, f"{local}非公企业联合党支部", UnitCategory.PRIVATE_ENTERPRISE, "private_enterprise",
                        self.size(4, 8, 14), kind=OrgKind.JOINT_BRANCH, years=(2010, 2024))
        if rng.random() < 0.3:
            self.branch(parent, f"{local}商会党支部", UnitCategory.SOCIAL_ORGANIZATION, "social", self.size(3, 5, 9),
                        unit_name=f"{place}{local}商会", years=(2012, 2024))
        if rng.random() < 0.15:
            project = rng.choice(names.PROJECTS)
            temporary = self.branch(parent, f"{local}{project}临时党支部", UnitCategory.OTHER, "temporary",
                                    self.size(3, 4, 8), kind=OrgKind.TEMPORARY_BRANCH)
            temporary.founded_on = self.anchor - dt.timedelta(days=rng.randint(30, 300))

    def organs(self, parent: OrgSpec, place: str, shape) -> OrgSpec:
        """The 机关工委 and the units under it; returns the branch the parent committee's leaders sit in."""
        level = place[-1]
        organs = parent.add_child(f"中共{place}直属机关工作委员会", OrgKind.WORKING_COMMITTEE,
                                  UnitCategory.PARTY_GOVERNMENT, short_name=f"{level}直机关工委",
                                  unit_name=f"中共{place}委组织部", founded_on=self.founded(1980, 1995))
        seats = [self.department(organs, pattern.format(p=place), pattern in units.LARGE_DEPARTMENTS)
                 for pattern in units.DEPARTMENTS[: shape.departments]]
        organs.seat = seats[1]
        for pattern in units.PUBLIC_INSTITUTIONS[: 3 if shape.full_services else 1]:
            unit = pattern.format(p=place)
            self.branch(organs, f"{unit}党支部", UnitCategory.PUBLIC_INSTITUTION, "public", self.size(6, 12, 26),
                        unit_name=unit)
        if shape.full_services:
            for service in units.SERVICES:
                self.service(organs, place, *service)
        self.branch(organs, f"{place}直机关离退休干部党支部", UnitCategory.PARTY_GOVERNMENT, "retired",
                    self.size(15, 30, 48), unit_name=f"{place}委老干部局")
        return seats[0]

    def department(self, organs: OrgSpec, unit: str, large: bool) -> OrgSpec:
        if large:
            parts = [f"{unit}第{chinese_ordinal(i + 1)}党支部" for i in range(3)]
            general = self.general_branch(organs, f"{unit}党总支", UnitCategory.PARTY_GOVERNMENT, "government", parts,
                                          self.size(45, 60, 80), unit_name=unit)
            return general.children[0]
        return self.branch(organs, f"{unit}机关党支部", UnitCategory.PARTY_GOVERNMENT, "government",
                           self.size(7, 16, 40), unit_name=unit)

    def service(self, organs: OrgSpec, place: str, pattern: str, category: str, kind: str, branches) -> None:
        unit = pattern.format(p=place)
        profile = {UnitCategory.SCHOOL: "school", UnitCategory.HOSPITAL: "hospital",
                   UnitCategory.STATE_ENTERPRISE: "state_enterprise"}.get(category, "social")
        if not branches:
            low, mode, high = (3, 6, 12) if profile == "social" else (10, 22, 45)
            self.branch(organs, f"{unit}党支部", category, profile, self.size(low, mode, high), unit_name=unit)
            return
        name = f"{unit}党委" if kind == OrgKind.COMMITTEE else f"{unit}党总支"
        head = organs.add_child(name, kind, category, unit_name=unit, founded_on=self.founded(1960, 2005))
        for branch_name, share in zip(branches, self.split(self.size(25, 30, 40) * len(branches), len(branches)),
                                      strict=True):
            branch_profile = "retired" if "退休" in branch_name else profile
            self.branch(head, f"{unit}{branch_name}", category, branch_profile, share, unit_name=unit)
