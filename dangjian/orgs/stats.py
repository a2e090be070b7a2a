"""Statistics over a subtree: the figures of the home page, the organisation page and the API.

Set-based (docs/architecture.md「一个请求的流转」):
three queries whatever the size of the subtree — one over the members
grouped by (党籍状态, 民族) with a conditional count per bucket, one grouped count of organisations,
one aggregate over the secretaries. Nothing here loops over branches.

Ages and years since joining are counted against cut-off dates computed in Python ("born on or
before this day to be at least N"), so the same SQL runs on SQLite and PostgreSQL, and the counts
agree with the member list's age filter (``members.queries.birth_range_for_age_band``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from dangjian.core.tree import PATH_STEP
from dangjian.members.choices import (
    AGE_BANDS,
    PARTY_AGE_BANDS,
    SECRETARY_AGE_BANDS,
    Education,
    FlowStatus,
    Gender,
    MembershipType,
    PartyStatus,
)
from dangjian.members.models import Member

from .choices import NEW_ECONOMY_UNITS, SUB_BRANCH_KINDS, OrgKind, Post, UnitCategory
from .models import CommitteePost, Organization

HAN = "汉族"
MINORITY = "少数民族"
NO_EDUCATION = "未填写"
TOP_MINORITIES = 10

Breakdown = list[tuple[str, int]]  # (Chinese label, count), in the order of the choices, zero rows included


def needs_secretary(kind: str) -> bool:
    """Every organisation with a committee needs a 书记: 党委, 党工委, 党总支 and all kinds of 党支部.
    党小组, 楼栋党小组 and 党员中心户 have a 组长 / 户主, not a committee, so they never count as vacant.
    The same line as ``rules.has_committee``, so the vacancy count matches the "书记空缺" warnings."""
    return kind not in SUB_BRANCH_KINDS


@dataclass
class SecretaryStats:
    """书记队伍: secretaries of the current terms of the organisations in the subtree."""

    count: int
    average_age: float | None  # one decimal; None when there is no secretary
    by_age: Breakdown  # SECRETARY_AGE_BANDS
    concurrent_head: int  # 一肩挑
    needing: int  # organisations that need a 书记 (see ``needs_secretary``)
    vacant: int  # of those, organisations whose current term has no 书记 (or no current term at all)


@dataclass
class SubtreeStatistics:
    """Counts are of members with 党籍状态 "正常" unless said otherwise."""

    org_id: int
    today: dt.date
    total: int
    by_membership_type: Breakdown  # 正式党员 / 预备党员
    by_status: Breakdown  # every 党籍状态, over all member records of the subtree
    records: int  # all member records, whatever their status
    by_gender: Breakdown
    female_share: float  # percent of ``total``, one decimal
    by_ethnicity: Breakdown  # 汉族 / 少数民族
    minority_share: float  # percent of ``total``, one decimal
    top_minorities: Breakdown  # at most TOP_MINORITIES, largest first; only those present
    by_education: Breakdown  # Education choices, then 未填写
    by_age: Breakdown  # AGE_BANDS
    by_party_age: Breakdown  # PARTY_AGE_BANDS, years since joined_on
    special: Breakdown  # 失联党员 / 流出党员 / 流入党员 / 困难党员 / 离退休党员
    orgs_total: int  # organisations in the subtree, the root included
    orgs_by_kind: Breakdown  # every OrgKind
    new_economy_orgs: Breakdown  # organisations in 两新 units, by unit category (非公企业 / 社会组织)
    secretaries: SecretaryStats
    figures: dict[str, int] = field(default_factory=dict)  # the special counts by key, for templates

    def as_dict(self) -> dict:
        return asdict(self)


def subtree_statistics(org: Organization, *, today: dt.date | None = None) -> SubtreeStatistics:
    today = today or timezone.localdate()
    members = members_under([org.path])
    counted = _count_members(members, member_buckets(today))
    counts, by_status = counted.buckets, counted.by_status
    total = counts["total"][0][1]
    kind_counts, new_economy = _org_counts(org)
    needing = sum(n for kind, n in kind_counts.items() if needs_secretary(kind))
    special = counts["special"]
    return SubtreeStatistics(
        org_id=org.pk,
        today=today,
        total=total,
        by_membership_type=counts["membership_type"],
        by_status=by_status,
        records=sum(n for _, n in by_status),
        by_gender=counts["gender"],
        female_share=_share(dict(counts["gender"])[Gender.FEMALE.label], total),
        by_ethnicity=counts["ethnicity"],
        minority_share=_share(dict(counts["ethnicity"])[MINORITY], total),
        top_minorities=counted.top_minorities,
        by_education=counts["education"],
        by_age=counts["age"],
        by_party_age=counts["party_age"],
        special=special,
        orgs_total=sum(kind_counts.values()),
        orgs_by_kind=[(label, kind_counts[v]) for v, label in OrgKind.choices],
        new_economy_orgs=new_economy,
        secretaries=secretary_statistics(org, today=today, needing=needing),
        figures={key: n for key, (_, n) in zip(SPECIAL_KEYS, special, strict=True)},
    )


# -- members ---------------------------------------------------------------------------------------

def under(paths: list[str], org_field: str = "org") -> Q:
    """Rows whose organisation (``org_field``) lies in the subtrees at ``paths``. Below the top level
    the organisations are picked by id in a subquery, which lets SQLite search its foreign-key index
    (its LIKE cannot use the path index: a branch's members take 1 ms instead of a scan of the
    table); a top-level subtree is most of the table, which a plain scan with a join reads fastest.
    PostgreSQL runs both forms equally fast."""
    if any(len(p) <= PATH_STEP for p in paths):
        return reduce(or_, (Q(**{f"{org_field}__path__startswith": p}) for p in paths))
    orgs = Organization.objects.filter(reduce(or_, (Q(path__startswith=p) for p in paths)))
    return Q(**{f"{org_field}__in": orgs.values("pk")})


def members_under(paths: list[str], members: QuerySet[Member] | None = None) -> QuerySet[Member]:
    return (Member.objects.all() if members is None else members).filter(under(paths))


SPECIAL_KEYS = ["lost_contact", "flow_out", "flow_in", "hardship", "retired"]


def member_buckets(today: dt.date) -> list[tuple[str, str, Q | None]]:
    """(dimension, label, condition) for every counted cell of the statistics of normal members."""
    rows: list[tuple[str, str, Q | None]] = [("total", "党员总数", None)]
    rows += [("membership_type", label, Q(membership_type=v)) for v, label in MembershipType.choices]
    rows += [("gender", label, Q(gender=v)) for v, label in Gender.choices]
    rows += [("ethnicity", HAN, Q(ethnicity=HAN)), ("ethnicity", MINORITY, ~Q(ethnicity=HAN))]
    rows += [("education", label, Q(education=v)) for v, label in Education.choices]
    rows.append(("education", NO_EDUCATION, Q(education="")))
    rows += [("age", label, band_condition("birth_date", low, high, today)) for label, low, high in AGE_BANDS]
    rows += [("party_age", label, band_condition("joined_on", low, high, today))
             for label, low, high in PARTY_AGE_BANDS]
    rows += [
        ("special", "失联党员", Q(lost_contact=True)),
        ("special", "流出党员", Q(flow_status=FlowStatus.OUT)),
        ("special", "流入党员", Q(flow_status=FlowStatus.IN)),
        ("special", "困难党员", Q(hardship=True)),
        ("special", "离退休党员", Q(retired=True)),
    ]
    return rows


def band_condition(date_field: str, low: int, high: int, today: dt.date) -> Q:
    """``low`` ≤ whole years from ``date_field`` to ``today`` < ``high``, as a date range."""
    return Q(**{f"{date_field}__lte": years_before(today, low), f"{date_field}__gt": years_before(today, high)})


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass
class _MemberCounts:
    buckets: dict[str, Breakdown]  # of normal members, by dimension, in order
    by_status: Breakdown  # every member record
    top_minorities: Breakdown  # normal members


def _count_members(members, buckets: list[tuple[str, str, Q | None]]) -> _MemberCounts:
    """One query grouped by (党籍状态, 民族) — at most 4 × 56 rows — with a conditional count per
    bucket, summed here. Grouping by status rather than repeating "status = normal" in every
    condition is a third faster on PostgreSQL, and the 民族 in the key gives the minorities for free."""
    counts = {f"c{i}": Count("pk", filter=cond) for i, (_, _, cond) in enumerate(buckets)}
    rows = members.values("status", "ethnicity").annotate(**counts).order_by()
    total = f"c{[dimension for dimension, _, _ in buckets].index('total')}"
    sums: dict[str, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    minorities: dict[str, int] = defaultdict(int)
    for row in rows:
        by_status[row["status"]] += row[total]
        if row["status"] != PartyStatus.NORMAL:
            continue
        for key in counts:
            sums[key] += row[key]
        if row["ethnicity"] != HAN:
            minorities[row["ethnicity"]] += row[total]
    out: dict[str, Breakdown] = defaultdict(list)
    for i, (dimension, label, _) in enumerate(buckets):
        out[dimension].append((label, sums[f"c{i}"]))
    top = sorted(minorities.items(), key=lambda item: (-item[1], item[0]))[:TOP_MINORITIES]
    return _MemberCounts(out, [(label, by_status[v]) for v, label in PartyStatus.choices], top)


def _share(part: int, whole: int) -> float:
    return _one_decimal(100 * part, whole) if whole else 0.0


def _one_decimal(numerator: int, denominator: int) -> float:
    """numerator / denominator rounded half up (四舍五入) to one decimal, in integers: 181 / 4 → 45.3."""
    return (20 * numerator + denominator) // (2 * denominator) / 10


# -- organisations ---------------------------------------------------------------------------------

def _org_counts(org: Organization) -> tuple[dict[str, int], Breakdown]:
    """Organisations by kind, and those in 两新 units by unit category, from one grouped query."""
    rows = org.subtree().values("kind", "unit_category").annotate(n=Count("pk")).order_by()
    by_kind: dict[str, int] = defaultdict(int)
    by_unit: dict[str, int] = defaultdict(int)
    for r in rows:
        by_kind[r["kind"]] += r["n"]
        if r["unit_category"] in NEW_ECONOMY_UNITS:
            by_unit[r["unit_category"]] += r["n"]
    units = [(label, by_unit[v]) for v, label in UnitCategory.choices if v in NEW_ECONOMY_UNITS]
    return by_kind, units


# -- secretaries -----------------------------------------------------------------------------------

def secretary_statistics(org: Organization, *, today: dt.date | None = None,
                         needing: int | None = None) -> SecretaryStats:
    """书记队伍 in one aggregate. A post held by someone whose 党籍状态 is not 正常 counts as vacant.
    The average age is exact without date arithmetic in SQL: the sum of ages is
    n × this year − Σ birth years − (how many have not had their birthday yet this year)."""
    today = today or timezone.localdate()
    posts = CommitteePost.objects.filter(
        under([org.path], "term__org"), post=Post.SECRETARY, term__is_current=True,
        member__status=PartyStatus.NORMAL,
    )
    birth = "member__birth_date"
    not_yet = Q(**{f"{birth}__month__gt": today.month}) | Q(
        **{f"{birth}__month": today.month, f"{birth}__day__gt": today.day})
    aggregates = {
        "count": Count("pk"),
        "birth_years": Sum(ExtractYear(birth)),
        "not_yet": Count("pk", filter=not_yet),
        "concurrent_head": Count("pk", filter=Q(concurrent_head=True)),
        "orgs": Count("term__org", distinct=True),
    }
    bands = {f"b{i}": Count("pk", filter=band_condition(birth, low, high, today))
             for i, (_, low, high) in enumerate(SECRETARY_AGE_BANDS)}
    row = posts.aggregate(**aggregates, **bands)
    if needing is None:
        needing = org.subtree().exclude(kind__in=SUB_BRANCH_KINDS).count()
    count = row["count"]
    age_sum = count * today.year - (row["birth_years"] or 0) - row["not_yet"]
    return SecretaryStats(
        count=count,
        average_age=_one_decimal(age_sum, count) if count else None,
        by_age=[(label, row[f"b{i}"]) for i, (label, _, _) in enumerate(SECRETARY_AGE_BANDS)],
        concurrent_head=row["concurrent_head"],
        needing=needing,
        vacant=max(needing - row["orgs"], 0),
    )
