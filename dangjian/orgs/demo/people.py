"""Members drawn to fit their unit: old farmers in the villages, retirees in the communities,
graduates in the schools and hospitals, young workers in the firms."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from dangjian.core.idnumbers import make_id_number
from dangjian.members.choices import Category as C
from dangjian.members.choices import Education as E
from dangjian.members.choices import FlowStatus, MembershipType

from . import names, units
from .plan import MemberSpec, OrgSpec
from .tree import County

YOUNG, MIDDLE, OLD = "young", "middle", "old"


@dataclass(frozen=True)
class Profile:
    ages: tuple[tuple[int, int, int], ...]  # (lowest, highest, weight)
    join_age: tuple[int, int, int]  # triangular (low, high, mode)
    female_factor: float
    schooling: str  # key of EDUCATION
    categories: tuple[tuple[str, int], ...]
    probationary: float
    flow_out: float = 0.0
    flow_in: float = 0.0
    hardship: float = 0.0
    reports: float = 0.0  # share reporting to a community (双报到)


_WORKING = ((23, 35, 30), (36, 45, 30), (46, 55, 28), (56, 60, 12))
PROFILES = {
    "village": Profile(((20, 35, 8), (36, 45, 12), (46, 55, 20), (56, 60, 12), (61, 70, 25), (71, 92, 23)),
                       (20, 50, 27), 0.9, "rural", ((C.FARMER, 88), (C.OTHER, 12)), 0.015,
                       flow_out=0.06, hardship=0.035),
    "community": Profile(((22, 35, 8), (36, 45, 10), (46, 55, 12), (56, 60, 10), (61, 70, 28), (71, 95, 32)),
                         (20, 45, 26), 1.25, "urban",
                         ((C.WORKER, 35), (C.OTHER, 40), (C.MANAGER, 10), (C.PROFESSIONAL, 15)), 0.02,
                         flow_out=0.02, hardship=0.02),
    "government": Profile(_WORKING, (21, 40, 26), 0.95, "professional", ((C.OFFICIAL, 1),), 0.03, reports=0.6),
    "school": Profile(((23, 35, 35), (36, 45, 30), (46, 55, 25), (56, 60, 10)), (20, 38, 24), 1.45,
                      "professional", ((C.PROFESSIONAL, 85), (C.MANAGER, 15)), 0.035, reports=0.6),
    "hospital": Profile(((23, 35, 35), (36, 45, 30), (46, 55, 25), (56, 60, 10)), (20, 38, 25), 1.6,
                        "professional", ((C.PROFESSIONAL, 85), (C.MANAGER, 15)), 0.035, reports=0.6),
    "public": Profile(_WORKING, (21, 40, 26), 1.2, "professional", ((C.PROFESSIONAL, 70), (C.MANAGER, 30)), 0.03,
                      reports=0.6),
    "state_enterprise": Profile(((20, 35, 40), (36, 45, 32), (46, 55, 22), (56, 60, 6)), (20, 40, 27), 0.85,
                                "enterprise", ((C.MANAGER, 35), (C.WORKER, 40), (C.PROFESSIONAL, 25)), 0.035,
                                flow_in=0.02),
    "private_enterprise": Profile(((20, 35, 40), (36, 45, 32), (46, 55, 22), (56, 60, 6)), (20, 40, 27), 0.9,
                                  "enterprise", ((C.WORKER, 50), (C.MANAGER, 25), (C.PROFESSIONAL, 25)), 0.04,
                                  flow_in=0.1),
    "social": Profile(((22, 35, 35), (36, 45, 30), (46, 55, 25), (56, 65, 10)), (22, 45, 28), 1.2, "enterprise",
                      ((C.OTHER, 50), (C.PROFESSIONAL, 50)), 0.04),
    "temporary": Profile(((25, 35, 40), (36, 50, 45), (51, 58, 15)), (22, 40, 28), 0.6, "professional",
                         ((C.PROFESSIONAL, 40), (C.MANAGER, 30), (C.OFFICIAL, 30)), 0.0, flow_in=0.3),
    "retired": Profile(((60, 70, 45), (71, 80, 35), (81, 95, 20)), (20, 40, 26), 1.0, "retired",
                       ((C.RETIRED, 1),), 0.0, hardship=0.01, reports=0.9),
}

EDUCATION = {
    ("rural", OLD): ((E.PRIMARY, 45), (E.MIDDLE_SCHOOL, 38), (E.HIGH_SCHOOL, 13), (E.SECONDARY, 4)),
    ("rural", MIDDLE): ((E.PRIMARY, 8), (E.MIDDLE_SCHOOL, 42), (E.HIGH_SCHOOL, 30), (E.SECONDARY, 10),
                        (E.COLLEGE, 10)),
    ("rural", YOUNG): ((E.MIDDLE_SCHOOL, 12), (E.HIGH_SCHOOL, 25), (E.SECONDARY, 15), (E.COLLEGE, 30),
                       (E.UNIVERSITY, 18)),
    ("urban", OLD): ((E.PRIMARY, 15), (E.MIDDLE_SCHOOL, 35), (E.HIGH_SCHOOL, 30), (E.SECONDARY, 10),
                     (E.COLLEGE, 7), (E.UNIVERSITY, 3)),
    ("urban", MIDDLE): ((E.MIDDLE_SCHOOL, 15), (E.HIGH_SCHOOL, 30), (E.SECONDARY, 15), (E.COLLEGE, 25),
                        (E.UNIVERSITY, 15)),
    ("urban", YOUNG): ((E.HIGH_SCHOOL, 10), (E.COLLEGE, 35), (E.UNIVERSITY, 50), (E.POSTGRADUATE, 5)),
    "professional": ((E.SECONDARY, 4), (E.COLLEGE, 20), (E.UNIVERSITY, 62), (E.POSTGRADUATE, 14)),
    "enterprise": ((E.MIDDLE_SCHOOL, 5), (E.HIGH_SCHOOL, 20), (E.SECONDARY, 15), (E.COLLEGE, 32),
                   (E.UNIVERSITY, 25), (E.POSTGRADUATE, 3)),
    "retired": ((E.MIDDLE_SCHOOL, 10), (E.HIGH_SCHOOL, 20), (E.SECONDARY, 25), (E.COLLEGE, 25), (E.UNIVERSITY, 20)),
}


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def age_group(age: int) -> str:
    return YOUNG if age < 40 else MIDDLE if age < 60 else OLD


def female_share(age: int, factor: float) -> float:
    base = 0.45 if age < 35 else 0.36 if age < 50 else 0.26 if age < 65 else 0.17
    return min(0.8, base * factor)


class MemberFactory:
    """Draws members; keeps the counters that make ID numbers and phone numbers unique."""

    def __init__(self, rng: random.Random, anchor: dt.date):
        self.rng = rng
        self.anchor = anchor
        self.id_sequences: dict[tuple, int] = defaultdict(int)
        self.phone_serial = 0

    def fill(self, org: OrgSpec, county: County) -> None:
        org.members = [self.member(org, county) for _ in range(org.size)]

    def member(self, org: OrgSpec, county: County) -> MemberSpec:
        rng, profile = self.rng, PROFILES[org.profile]
        probationary = rng.random() < profile.probationary
        age = self.age(profile, org.profile, probationary)
        gender = "F" if rng.random() < female_share(age, profile.female_factor) else "M"
        birth = add_years(self.anchor, -age) - dt.timedelta(days=rng.randrange(364))
        joined, confirmed = self.membership_dates(profile, birth, age, probationary)
        member = MemberSpec(
            name=names.person_name(rng, birth.year, gender), gender=gender, birth_date=birth,
            joined_on=joined, confirmed_on=confirmed,
            membership_type=MembershipType.PROBATIONARY if probationary else MembershipType.FULL,
            id_number="", phone=self.phone(age), org=org,
        )
        self.describe(member, org, profile, age)
        self.situation(member, org, county, profile, age)
        member.id_number = self.id_number(self.area_code(member, county), birth, gender)
        return member

    def area_code(self, member: MemberSpec, county: County) -> str:
        """The county's code; members who moved in were born elsewhere. Codes 99xxxx are assigned to no
        real place (GB/T 2260), so no demo number can be a real person's."""
        if member.flow_status != FlowStatus.IN:
            return county.area_code
        return f"99{self.rng.randint(20, 60)}{self.rng.randint(1, 30):02d}"

    def age(self, profile: Profile, profile_name: str, probationary: bool) -> int:
        if probationary:
            return self.rng.randint(22, 45) if profile_name == "village" else self.rng.randint(20, 38)
        low, high, _ = self.rng.choices(profile.ages, weights=[a[2] for a in profile.ages])[0]
        return self.rng.randint(low, high)

    def membership_dates(self, profile: Profile, birth: dt.date, age: int, probationary: bool):
        """入党 at 18 or later; 转正 a year on. 预备党员 joined within the last year."""
        rng = self.rng
        if probationary:
            return self.anchor - dt.timedelta(days=rng.randint(15, 350)), None
        low, high, mode = profile.join_age
        join_age = max(18, min(int(rng.triangular(low, high, mode)), age - 2))
        joined = add_years(birth, join_age) + dt.timedelta(days=rng.randrange(300))
        latest = self.anchor - dt.timedelta(days=400)
        if joined > latest:
            joined = latest - dt.timedelta(days=rng.randrange(200))
        return joined, add_years(joined, 1)

    def phone(self, age: int) -> str:
        """Fictitious mobile numbers: the 10x prefixes are not given to mobile subscribers."""
        if self.rng.random() < (0.5 if age >= 85 else 0.06):
            return ""
        self.phone_serial += 1
        return f"10{(self.phone_serial * 7919 + 13_579) % 10**9:09d}"

    def id_number(self, area: str, birth: dt.date, gender: str) -> str:
        key = (area, birth, gender)
        self.id_sequences[key] += 1
        return make_id_number(area, birth, self.id_sequences[key], gender)

    def describe(self, member: MemberSpec, org: OrgSpec, profile: Profile, age: int) -> None:
        rng = self.rng
        if rng.random() < 0.04:
            member.ethnicity = rng.choice(names.ETHNIC_MINORITIES)
        key = profile.schooling if profile.schooling in EDUCATION else (profile.schooling, age_group(age))
        member.education = weighted(rng, EDUCATION[key])
        retired = org.profile == "retired" or (
            org.profile == "community" and age >= (55 if member.gender == "F" else 60))
        member.retired = retired
        member.category = C.RETIRED if retired else weighted(rng, profile.categories)
        if org.place:
            member.address = self.address(org)
        if not retired and org.profile not in ("village", "community"):
            member.work_unit = org.unit_name
            titles = units.JOB_TITLES.get(org.profile, units.JOB_TITLES["social"])
            member.job_title = rng.choice(titles)

    def address(self, org: OrgSpec) -> str:
        if org.unit_category == "village":
            return f"{org.place}{self.rng.randint(1, 12)}组"
        return f"{org.place}{self.rng.randint(1, 36)}号楼{self.rng.randint(1, 4)}单元"

    def situation(self, member: MemberSpec, org: OrgSpec, county: County, profile: Profile, age: int) -> None:
        """流动、困难、双报到."""
        rng = self.rng
        if age < 55 and rng.random() < profile.flow_out:
            member.flow_status, member.flow_place = FlowStatus.OUT, rng.choice(names.FLOW_OUT_PLACES)
        elif rng.random() < profile.flow_in:
            member.flow_status, member.flow_place = FlowStatus.IN, rng.choice(names.FLOW_IN_PLACES)
        if rng.random() < profile.hardship * (2 if age >= 70 else 1):
            member.hardship = True
        if org.profile == "community" and member.retired:
            member.report_community = org.place.removeprefix(county.name)
        elif county.communities and rng.random() < profile.reports:
            member.report_community = rng.choice(county.communities)
