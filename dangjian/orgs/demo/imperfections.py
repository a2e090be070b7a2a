"""Real imperfections, on purpose, so the structure warnings and the member lists show something:
branches too small to be branches, branches too large, members out of contact."""

from __future__ import annotations

import datetime as dt
import random

from dangjian.members.choices import MembershipType, PartyStatus
from dangjian.members.rules import age_on
from dangjian.orgs.choices import BRANCH_KINDS, OrgKind, UnitCategory

from .plan import MemberSpec, OrgSpec

SMALL_BRANCH_SHARE = 0.03
LOST_CONTACT_SHARE = 0.003
SMALL_UNIT_PROFILES = ("private_enterprise", "social", "temporary")
LOST_CONTACT_PROFILES = ("village", "community", "private_enterprise")


def _count(total: int, share: float) -> int:
    return max(1, round(total * share))


def shrink_small_branches(orgs: list[OrgSpec], rng: random.Random) -> None:
    """About 3% of the branches keep fewer than 3 full members: small firms and associations."""
    branches = [o for o in orgs if o.kind in BRANCH_KINDS]
    small = [o for o in branches if o.profile in SMALL_UNIT_PROFILES and o.size <= 10]
    for org in rng.sample(small, min(len(small), _count(len(branches), SMALL_BRANCH_SHARE))):
        org.size = 2


def ensure_large_branch(orgs: list[OrgSpec], rng: random.Random) -> None:
    """At least one branch above 50 members, however small the scale."""
    plain = [o for o in orgs if o.kind == OrgKind.BRANCH and o.unit_category == UnitCategory.VILLAGE]
    if plain and not any(o.size > 50 for o in plain):
        rng.choice(plain).size = rng.randint(52, 64)


def mark_lost_contact(members: list[MemberSpec], holders: set[int], rng: random.Random, anchor: dt.date) -> None:
    """失联党员: a few full members of working age; those gone longer than two years partly 停止党籍."""
    eligible = [m for m in members if m.membership_type == MembershipType.FULL and id(m) not in holders
                and m.category in ("farmer", "worker", "other") and age_on(m.birth_date, anchor) < 60]
    for member in rng.sample(eligible, min(len(eligible), _count(len(members), LOST_CONTACT_SHARE))):
        earliest = max((anchor - member.confirmed_on).days - 30, 200) if member.confirmed_on else 200
        days = rng.randint(200, max(201, min(2500, earliest)))
        member.lost_contact = True
        member.lost_contact_since = anchor - dt.timedelta(days=days)
        if days > 730 and rng.random() < 0.3:
            member.status = PartyStatus.SUSPENDED
