"""Who belonged to an organisation on a given day: rosters rebuilt from dated transfers and status
changes, so a meeting is judged by its own day's roster and never by today's.

A member's timeline is their transfers and status changes in date order. The day a change takes
effect counts for both sides (a member transferred on the 5th may attend the old branch's meeting
in the morning and the new one's in the afternoon; a member who died on the 5th is not blamed on a
meeting of the 5th). An organisation's roster includes the members kept in its 党小组.

The pure part works on plain tuples; ``load_timelines`` and ``changed_members`` fetch them in a few
queries for a whole subtree or a handful of organisations."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member, StatusChange, Transfer
from dangjian.orgs.choices import SUB_BRANCH_KINDS
from dangjian.orgs.models import Organization

NORMAL = PartyStatus.NORMAL.value
CHUNK = 2000


@dataclass
class Timeline:
    org_id: int  # where the member is now
    status: str  # and their status now
    transfers: list[tuple[dt.date, int, int]] = field(default_factory=list)  # (day, from, to), by day
    changes: list[tuple[dt.date, str, str]] = field(default_factory=list)  # (day, from, to), by day

    def orgs(self) -> set[int]:
        """Every organisation the member has belonged to."""
        return {self.org_id, *(t[1] for t in self.transfers), *(t[2] for t in self.transfers)}


def orgs_on(tl: Timeline, day: dt.date) -> set[int]:
    """The organisations the member belonged to on ``day`` (two on the day of a transfer)."""
    if not tl.transfers:
        return {tl.org_id}
    done = [t for t in tl.transfers if t[0] <= day]
    out = {done[-1][2] if done else tl.transfers[0][1]}
    out.update(t[1] for t in tl.transfers if t[0] == day)
    return out


def normal_on(tl: Timeline, day: dt.date) -> bool:
    """Whether the member was in normal standing at some moment of ``day``."""
    if not tl.changes:
        return tl.status == NORMAL
    before = [c for c in tl.changes if c[0] < day]
    at_start = before[-1][2] if before else tl.changes[0][1]
    upto = [c for c in tl.changes if c[0] <= day]
    at_end = upto[-1][2] if upto else at_start
    return NORMAL in (at_start, at_end)


def member_on(tl: Timeline, day: dt.date, family: set[int]) -> bool:
    return normal_on(tl, day) and bool(orgs_on(tl, day) & family)


def why_not_member(tl: Timeline, day: dt.date, family: set[int]) -> str | None:
    """Why the member was not on ``family``'s roster on ``day`` (in Chinese), or None if they were."""
    if not normal_on(tl, day):
        gone = [c for c in tl.changes if c[0] < day and c[2] != NORMAL]
        if gone:
            return f"{gone[-1][0]:%Y-%m-%d} 起{PartyStatus(gone[-1][2]).label}"
        return f"党籍状态为{PartyStatus(tl.status).label}"
    if orgs_on(tl, day) & family:
        return None
    left = [t for t in tl.transfers if t[1] in family and t[0] < day]
    if left:
        return f"{left[-1][0]:%Y-%m-%d} 已转出"
    joined = [t for t in tl.transfers if t[2] in family and t[0] > day]
    if joined:
        return f"{joined[0][0]:%Y-%m-%d} 才转入"
    return "当日不在本组织"


def roster_size_on(current: int, family: set[int], day: dt.date, changed: Iterable[Timeline]) -> int:
    """The family's roster on ``day``: today's count, corrected for the members whose timeline
    touches it (those who came, went, died or were reinstated since)."""
    size = current
    for tl in changed:
        size += member_on(tl, day, family) - (tl.status == NORMAL and tl.org_id in family)
    return size


# -- fetching ---------------------------------------------------------------------------------------

@dataclass
class OrgFamilies:
    """Each organisation's family (itself and its 党小组), and which family roots an organisation
    belongs to — itself, and its branch when it is a 党小组."""

    family: dict[int, set[int]]
    roots_of: dict[int, tuple[int, ...]]

    @classmethod
    def of(cls, rows: Iterable[tuple[int, int | None, str]]) -> OrgFamilies:
        family: dict[int, set[int]] = {}
        roots_of: dict[int, tuple[int, ...]] = {}
        rows = list(rows)
        for pk, _, _ in rows:
            family[pk] = {pk}
        for pk, parent, kind in rows:
            if kind in SUB_BRANCH_KINDS and parent in family:
                family[parent].add(pk)
                roots_of[pk] = (pk, parent)
            else:
                roots_of[pk] = (pk,)
        return cls(family, roots_of)

    def get(self, org_id: int) -> set[int]:
        return self.family.get(org_id, {org_id})


def families_in(path: str) -> OrgFamilies:
    return OrgFamilies.of(Organization.objects.filter(path__startswith=path).values_list("id", "parent_id", "kind"))


def families_of(org_ids: Iterable[int]) -> OrgFamilies:
    """The families of ``org_ids`` and the roots their 党小组 belong to (one query)."""
    ids = list(set(org_ids))
    rows = Organization.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids, kind__in=SUB_BRANCH_KINDS))
    parents = Organization.objects.filter(pk__in=Organization.objects.filter(pk__in=ids, kind__in=SUB_BRANCH_KINDS)
                                          .values("parent_id"))
    return OrgFamilies.of((rows | parents).distinct().values_list("id", "parent_id", "kind"))


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def load_timelines(member_ids: Iterable[int]) -> dict[int, Timeline]:
    ids = sorted(set(member_ids))
    out: dict[int, Timeline] = {}
    for chunk in _chunks(ids):
        for pk, org_id, status in Member.objects.filter(pk__in=chunk).values_list("id", "org_id", "status"):
            out[pk] = Timeline(org_id, status)
        for member, day, src, dst in (Transfer.objects.filter(member_id__in=chunk).order_by("transferred_on", "id")
                                      .values_list("member_id", "transferred_on", "from_org_id", "to_org_id")):
            out[member].transfers.append((day, src, dst))
        for member, day, src, dst in (StatusChange.objects.filter(member_id__in=chunk).order_by("effective_on", "id")
                                      .values_list("member_id", "effective_on", "status_from", "status_to")):
            out[member].changes.append((day, src, dst))
    return out


def changed_members(org_q) -> set[int]:
    """Members with a dated change whose timeline may touch the organisations ``org_q(relation)``
    selects: transferred from or to one of them, or now in one of them with a status change."""
    moved = Transfer.objects.filter(org_q("from_org") | org_q("to_org") | org_q("member__org"))
    changed = StatusChange.objects.filter(org_q("member__org"))
    return set(moved.values_list("member_id", flat=True)) | set(changed.values_list("member_id", flat=True))


def in_subtree(path: str):
    return lambda relation: Q(**{f"{relation}__path__startswith": path})


def in_orgs(org_ids: Iterable[int]):
    ids = list(org_ids)
    return lambda relation: Q(**{f"{relation}_id__in": ids})


def current_sizes(org_q) -> dict[int, int]:
    """Members in normal standing now, per organisation (not yet grouped into families)."""
    rows = (Member.objects.filter(org_q("org"), status=PartyStatus.NORMAL).values("org_id").annotate(n=Count("pk"))
            .order_by().values_list("org_id", "n"))
    return dict(rows)


@dataclass
class Rosters:
    """Roster sizes on any day for the organisations of a subtree or a few families."""

    families: OrgFamilies
    now: dict[int, int]  # per organisation, today
    timelines: dict[int, Timeline]
    touching: dict[int, list[Timeline]]  # family root → the changed timelines that touch it

    @classmethod
    def build(cls, families: OrgFamilies, org_q, extra_members: Iterable[int] = ()) -> Rosters:
        timelines = load_timelines(changed_members(org_q) | set(extra_members))
        touching: dict[int, list[Timeline]] = defaultdict(list)
        for tl in timelines.values():
            roots = {root for org in tl.orgs() for root in families.roots_of.get(org, ())}
            for root in roots:
                touching[root].append(tl)
        return cls(families, current_sizes(org_q), timelines, touching)

    def size_on(self, org_id: int, day: dt.date) -> int:
        family = self.families.get(org_id)
        current = sum(self.now.get(o, 0) for o in family)
        return roster_size_on(current, family, day, self.touching.get(org_id, ()))

    def why_absent(self, member_id: int, org_id: int, day: dt.date) -> str | None:
        tl = self.timelines.get(member_id)
        return None if tl is None else why_not_member(tl, day, self.families.get(org_id))


def roster_on(org: Organization, day: dt.date):
    """The members expected at ``org``'s meeting on ``day``: its roster as it stood then (members
    who have died or moved away since are on it; those who came later are not)."""
    from .queries import roster

    families = families_of([org.pk])
    family = families.get(org.pk)
    timelines = load_timelines(changed_members(in_orgs(family)))
    now = {m.pk for m in roster(org)}
    then = {pk for pk in now if pk not in timelines or member_on(timelines[pk], day, family)}
    then |= {pk for pk, tl in timelines.items() if member_on(tl, day, family)}
    return Member.objects.filter(pk__in=then).select_related("org").order_by("org__path", "name", "id")
