"""Groups below the branches, and the members moved into them.

A large branch has 党小组; a community (or grid) branch has 楼栋党小组 and 党员中心户, after the
"社区党组织 + 网格党支部 + 楼栋党小组 + 党员中心户" pattern. Committee members stay at the branch.
"""

from __future__ import annotations

import random

from dangjian.orgs.choices import BRANCH_KINDS, OrgKind, UnitCategory

from .plan import OrgSpec
from .tree import chinese_ordinal

GROUPS_FROM = 30  # members from which a branch is divided into 党小组
MEMBERS_PER_GROUP = 12


def add_groups(orgs: list[OrgSpec], rng: random.Random) -> None:
    for org in orgs:
        if org.kind not in BRANCH_KINDS:
            continue
        if org.unit_category == UnitCategory.COMMUNITY:
            community_groups(org, rng)
        elif len(org.members) >= GROUPS_FROM:
            party_groups(org, rng)


def _movable(org: OrgSpec) -> list:
    holders = {id(p.member) for p in org.term.posts} if org.term else set()
    return [m for m in org.members if id(m) not in holders]


def _move(member, source: OrgSpec, target: OrgSpec) -> None:
    source.members.remove(member)
    target.members.append(member)
    member.org = target


def party_groups(org: OrgSpec, rng: random.Random) -> None:
    count = min(6, max(3, len(org.members) // MEMBERS_PER_GROUP))
    groups = [org.add_child(f"{org.name}第{chinese_ordinal(i + 1)}党小组", OrgKind.GROUP, org.unit_category,
                            unit_name=org.unit_name, founded_on=org.founded_on) for i in range(count)]
    for member in _movable(org):
        _move(member, org, groups[rng.randrange(count)])


def community_groups(org: OrgSpec, rng: random.Random) -> None:
    movable = _movable(org)
    if len(movable) < 6:
        return
    community = org.unit_name.removesuffix("居民委员会")
    for head in rng.sample(movable, 1 if len(movable) < 15 else 2):
        household = org.add_child(f"{community}{head.name}党员中心户", OrgKind.CENTRAL_HOUSEHOLD, org.unit_category,
                                  unit_name=org.unit_name, founded_on=org.founded_on)
        _move(head, org, household)
        movable.remove(head)
    buildings = sorted(rng.sample(range(1, 37), min(4, max(1, len(movable) // 10))))
    groups = [org.add_child(f"{community}{number}号楼党小组", OrgKind.BUILDING_GROUP, org.unit_category,
                            unit_name=org.unit_name, founded_on=org.founded_on) for number in buildings]
    for member in movable:
        if rng.random() < 0.7:
            _move(member, org, groups[rng.randrange(len(groups))])
