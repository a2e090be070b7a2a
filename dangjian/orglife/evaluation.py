"""How well the integrity checks do: plant honest and padded records through the API, as users
would enter them, on a fresh demo database, and measure recall per mechanism and the share of
honest records flagged.

Every write goes through ``/api/…`` with a bearer token (meetings, transfers, status changes, the
rescan); only the choice of branches and members reads the database directly. Planted meetings sit
at 11:00 or 12:30, when the demo holds none, and at most three go to one branch, so what the
planted records touch is what is measured. Honest records are entered within the week, as real
ones mostly are; padded ones are entered the way padding is done.

Padded mechanisms, and the flag that counts as catching them:

- ``backfill`` (补录): held three weeks to three months ago, entered now → late entry.
- ``burst`` (突击录入): six records of one branch for six different months entered at once, in the
  weeks before a quarter's end → burst (only measurable in those weeks; otherwise left out).
- ``copy_same_year`` / ``copy_year_boundary``: another town's minutes with a few words changed, the
  same year or a December record copied into January → copied.
- ``overlap_branches``: a member just transferred, present at the old and the new branch's
  meetings at the same hour → overlap (both records).
- ``left_group``: a branch meeting listing a member of its 党小组 whose transfer out, dated
  before the meeting, is registered afterwards → present after leaving.
- ``died_before``: a meeting listing a member whose death, dated before it, is registered
  afterwards → present after leaving; ``over_membership``: the whole roster present, one of them
  dead before the day → attendance above membership.

Honest records: plain recent meetings; meetings whose members die or transfer the day after;
meetings on the very day of a transfer at both branches (different hours); a record entered exactly
seven days after the meeting."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.test import Client
from django.utils import timezone

from dangjian.accounts.actions import api_token_issue, position_grant
from dangjian.core.actors import SYSTEM
from dangjian.core.tree import PATH_STEP
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.choices import BRANCH_KINDS, SUB_BRANCH_KINDS
from dangjian.orgs.models import Organization

from . import integrity, membership
from .choices import FlagKind, MeetingStatus
from .demo import _Text
from .models import IntegrityFlag, Meeting

PADDED = {
    "backfill": FlagKind.LATE_ENTRY, "burst": FlagKind.BURST, "copy_same_year": FlagKind.COPIED,
    "copy_year_boundary": FlagKind.COPIED, "overlap_branches": FlagKind.OVERLAP,
    "left_group": FlagKind.LEFT_MEMBER, "died_before": FlagKind.LEFT_MEMBER,
    "over_membership": FlagKind.OVER_MEMBERSHIP,
}
HONEST = ("plain", "later_death", "later_transfer", "transfer_day", "seven_days")
LABELS = {
    "backfill": "补录", "burst": "集中突击录入", "copy_same_year": "同年记录雷同",
    "copy_year_boundary": "跨年记录雷同（12 月→1 月）", "overlap_branches": "转接后同时出席两个支部",
    "left_group": "党小组转出后仍计入支部会议", "died_before": "去世后仍计入出席",
    "over_membership": "出席人数超过当日党员数", "plain": "正常记录", "later_death": "党员事后去世",
    "later_transfer": "党员事后转出", "transfer_day": "转接当日在两个支部开会", "seven_days": "会后第 7 天录入",
}
SLOTS = ((11, 0), (12, 30))  # hours the demo holds no meeting: a planted record meets only planted ones
PER_ORG = 3


class PlantError(Exception):
    pass


@dataclass
class Outcome:
    padded: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    honest: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    skipped: dict[str, str] = field(default_factory=dict)


@dataclass
class Scores:
    """Recall per padded kind and false flags per honest kind, on save and after the rescan."""

    recall: dict[str, tuple[int, int, int]]  # kind → (caught on save, caught after rescan, planted)
    false: dict[str, tuple[int, int]]  # kind → (flagged after rescan, planted)
    false_reasons: list[str]
    skipped: dict[str, str]

    @property
    def overall_recall(self) -> float:
        planted = sum(n for _, _, n in self.recall.values())
        return sum(c for _, c, _ in self.recall.values()) / planted if planted else 0.0

    @property
    def recall_on_save(self) -> float:
        planted = sum(n for _, _, n in self.recall.values())
        return sum(c for c, _, _ in self.recall.values()) / planted if planted else 0.0

    @property
    def false_rate(self) -> float:
        planted = sum(n for _, n in self.false.values())
        return sum(f for f, _ in self.false.values()) / planted if planted else 0.0

    def table(self) -> str:
        lines = [f"{'类型':<28}{'条数':>6}{'保存时发现':>10}{'重新核查后':>10}{'召回率':>8}"]
        for kind, (on_save, caught, n) in self.recall.items():
            lines.append(f"{LABELS[kind]:<28}{n:>6}{on_save:>10}{caught:>10}{caught / n:>8.2f}")
        lines.append(f"{'全部补记录、凑次数':<28}{sum(n for *_, n in self.recall.values()):>6}"
                     f"{'':>10}{'':>10}{self.overall_recall:>8.2f}")
        lines.append("")
        lines.append(f"{'真实记录':<28}{'条数':>6}{'被提示':>10}")
        for kind, (flagged, n) in self.false.items():
            lines.append(f"{LABELS[kind]:<28}{n:>6}{flagged:>10}")
        lines.append(f"误报率（被提示的真实记录 / 真实记录）：{self.false_rate:.3f}")
        lines.extend(f"  误报：{r}" for r in self.false_reasons[:20])
        lines.extend(f"未评估“{LABELS[k]}”：{why}" for k, why in self.skipped.items())
        return "\n".join(lines)


class Planter:
    """Plants records through the API as ``user`` (a 上级管理员 of the whole tree)."""

    def __init__(self, user, *, seed: int, per_kind: int):
        token = api_token_issue(acting_user=SYSTEM, user=user, name="评估")
        # a host the default settings allow, so the command runs outside the test suite too
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
        self.rng = random.Random(seed)
        self.text = _Text(self.rng)
        self.per_kind = per_kind
        self.today = timezone.localdate()
        self.out = Outcome()
        self.used_orgs: dict[int, int] = defaultdict(int)
        self.busy: dict[tuple[dt.date, tuple[int, int]], set[int]] = defaultdict(set)
        self.touched: set[int] = set()  # members already moved, dead or chosen to be
        self.attended: set[int] = set()  # members listed at a planted record: never moved or dead later
        self.org_days: set[tuple[int, dt.date]] = set()  # one planted record per branch and day
        self._load_tree()

    # -- the tree ---------------------------------------------------------------------------------
    def _load_tree(self) -> None:
        orgs = list(Organization.objects.values_list("id", "kind", "parent_id", "path"))
        self.town_of = {pk: path[:2 * PATH_STEP] for pk, _, _, path in orgs}  # the 乡镇 (or county unit)
        self.branches = [pk for pk, kind, _, _ in orgs if kind in BRANCH_KINDS]
        self.groups = defaultdict(list)
        for pk, kind, parent, _ in orgs:
            if kind in SUB_BRANCH_KINDS and kind != "central_household":
                self.groups[parent].append(pk)
        self.siblings = defaultdict(list)
        parents = {pk: parent for pk, _, parent, _ in orgs}
        for pk in self.branches:
            self.siblings[parents[pk]].append(pk)
        self.parent = parents
        self.rng.shuffle(self.branches)
        self.protected = set(Member.objects.filter(user__isnull=False).values_list("id", flat=True))

    def roster(self, org_id: int, day: dt.date) -> list[Member]:
        return [m for m in membership.roster_on(Organization.objects.get(pk=org_id), day)
                if m.pk not in self.protected]

    def branch(self, day: dt.date, *, need: int = 4, with_group: bool = False, extra: int = 1,
               victim: bool = False) -> int:
        """A branch with room for ``extra`` more planted records and none yet on ``day`` (and, with
        ``victim``, a member listed at no planted record yet, to move or to die)."""
        for pk in self.branches:
            if self.used_orgs[pk] + extra > PER_ORG or (pk, day) in self.org_days:
                continue
            if victim and not self._victims(pk, day):
                continue
            if with_group and not any(self._victims(g, day) for g in self.groups.get(pk, [])):
                continue
            if len(self.roster(pk, day)) >= need:
                self.used_orgs[pk] += extra
                self.org_days.add((pk, day))
                return pk
        raise PlantError("演示数据中没有足够的党支部")

    def sibling(self, org_id: int, day: dt.date, *, other_town: bool = False) -> int:
        """Another branch: of the same parent (or, failing that or when asked, of another town)."""
        def usable(pool):
            return [b for b in pool if b != org_id and self.used_orgs[b] < PER_ORG and (b, day) not in self.org_days
                    and len(self.roster(b, day)) >= 2]

        pool = [] if other_town else usable(self.siblings[self.parent[org_id]])
        pool = pool or usable([b for b in self.branches if self.town_of[b] != self.town_of[org_id]])
        if not pool:
            raise PlantError("没有可用的另一个党支部")
        pick = self.rng.choice(pool)
        self.used_orgs[pick] += 1
        self.org_days.add((pick, day))
        return pick

    def _free_members(self, org_id: int, day: dt.date) -> list[Member]:
        return [m for m in self.roster(org_id, day) if m.pk not in self.touched]

    def recent_day(self, low: int = 1, high: int = 6) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    # -- API calls --------------------------------------------------------------------------------
    def _check(self, response, what: str):
        if response.status_code not in (200, 201):
            raise PlantError(f"{what}：HTTP {response.status_code} {response.content.decode()[:300]}")
        return response.json()

    def meeting(self, org_id: int, day: dt.date, attendees: list[Member], *, slot=None, minutes: str | None = None,
                title: str = "", all_present: bool = False) -> int:
        slot = slot or self._free_slot(day, attendees)
        held_at = dt.datetime.combine(day, dt.time(*slot), tzinfo=timezone.get_current_timezone())
        self.busy[(day, slot)].update(m.pk for m in attendees)
        self.attended.update(m.pk for m in attendees)
        rows = []
        for i, m in enumerate(attendees):
            present = all_present or i == 0 or self.rng.random() < 0.85
            rows.append({"member": m.pk, "status": "present"} if present else
                        {"member": m.pk, "status": "leave", "reason": "外出务工"})
        names = [m.name for m in attendees]
        body = {"org": org_id, "title": title or f"{day.month}月主题党日", "types": ["theme_day"],
                "held_at": held_at.isoformat(), "ends_at": (held_at + dt.timedelta(hours=1)).isoformat(),
                "place": "党员活动室", "minutes": minutes if minutes is not None else self.text.minutes(names),
                "attendance": rows}
        return self._check(self.client.post("/api/orglife/meetings", body, content_type="application/json"),
                           "登记会议")["id"]

    def _free_slot(self, day: dt.date, attendees: list[Member]) -> tuple[int, int]:
        ids = {m.pk for m in attendees}
        for slot in SLOTS:
            if not self.busy[(day, slot)] & ids:
                return slot
        raise PlantError("同一天的空闲时段已用完")

    def transfer(self, member: Member, to_org: int, day: dt.date) -> None:
        self.touched.add(member.pk)
        self._check(self.client.post(f"/api/members/{member.pk}/transfer", {"to_org": to_org,
                                     "transferred_on": day.isoformat(), "reason": "工作调动"},
                                     content_type="application/json"), "组织关系转接")

    def die(self, member: Member, day: dt.date) -> None:
        self.touched.add(member.pk)
        version = Member.objects.values_list("version", flat=True).get(pk=member.pk)
        self._check(self.client.patch(f"/api/members/{member.pk}", {"version": version, "status": PartyStatus.DECEASED,
                                      "status_effective_on": day.isoformat()}, content_type="application/json"),
                    "党籍状态变更")

    def pick(self, org_id: int, day: dt.date, count: int = 4, *, besides: Member | None = None) -> list[Member]:
        free = [m for m in self._free_members(org_id, day) if besides is None or m.pk != besides.pk]
        if len(free) < 2:
            raise PlantError("党支部中可用的党员不足")
        return self.rng.sample(free, min(count, len(free)))

    def _victims(self, org_id: int, day: dt.date) -> list[Member]:
        return [m for m in self._free_members(org_id, day) if m.pk not in self.attended]

    def victim(self, org_id: int, day: dt.date) -> Member:
        """A member to move or to die: listed at no other planted record."""
        pool = self._victims(org_id, day)
        if not pool:
            raise PlantError("党支部中没有可用于转接或去世情形的党员")
        chosen = self.rng.choice(pool)
        self.touched.add(chosen.pk)
        return chosen

    # -- honest -----------------------------------------------------------------------------------
    def plain(self) -> None:
        day = self.recent_day()
        org = self.branch(day)
        self.out.honest["plain"].append(self.meeting(org, day, self.pick(org, day, 6)))

    def later_death(self) -> None:
        day = self.recent_day(2, 6)
        org = self.branch(day, victim=True)
        dies = self.victim(org, day)
        self.out.honest["later_death"].append(self.meeting(org, day, [dies, *self.pick(org, day, besides=dies)]))
        self.die(dies, day + dt.timedelta(days=1))

    def later_transfer(self) -> None:
        day = self.recent_day(2, 6)
        org = self.branch(day, victim=True)
        mover = self.victim(org, day)
        to = self.sibling(org, day + dt.timedelta(days=1))
        self.out.honest["later_transfer"].append(self.meeting(org, day, [mover, *self.pick(org, day, besides=mover)]))
        self.transfer(mover, to, day + dt.timedelta(days=1))

    def transfer_day(self) -> None:
        day = self.recent_day(1, 6)
        old = self.branch(day, victim=True)
        new = self.sibling(old, day)
        mover = self.victim(old, day)
        self.transfer(mover, new, day)
        self.out.honest["transfer_day"].append(self.meeting(old, day, [mover, *self.pick(old, day, besides=mover)],
                                                            slot=SLOTS[0]))
        self.out.honest["transfer_day"].append(self.meeting(new, day, [mover, *self.pick(new, day, 3, besides=mover)],
                                                            slot=SLOTS[1], all_present=True))

    def seven_days(self) -> None:
        day = self.today - dt.timedelta(days=7)
        org = self.branch(day)
        self.out.honest["seven_days"].append(self.meeting(org, day, self.pick(org, day)))

    # -- padded -----------------------------------------------------------------------------------
    def backfill(self) -> None:
        day = self.recent_day(21, 90)
        org = self.branch(day)
        self.out.padded["backfill"].append(self.meeting(org, day, self.pick(org, day)))

    def burst(self) -> None:
        org = self.branch(self.today, extra=PER_ORG)
        month_end = self.today.replace(day=1) - dt.timedelta(days=1)
        for _ in range(6):
            day = month_end.replace(day=12)
            self.out.padded["burst"].append(self.meeting(org, day, self.pick(org, day)))
            month_end = month_end.replace(day=1) - dt.timedelta(days=1)

    def _source(self, *, december: bool) -> Meeting:
        qs = Meeting.objects.filter(status=MeetingStatus.HELD, held_at__lt=timezone.now() - dt.timedelta(days=8))
        qs = qs.filter(held_at__month=12) if december else qs.filter(held_at__year=self.today.year)
        rows = [m for m in qs.exclude(sketch="").order_by("id")[:400] if len(m.minutes) > 80]
        if not rows:
            raise PlantError("没有可抄的记录")
        return self.rng.choice(rows)

    def _copy_of(self, text: str) -> str:
        return text.replace("会议", "本次会议", 1).replace("。", "；", 1)

    def copy_same_year(self) -> None:
        source = self._source(december=False)
        day = self.recent_day()
        org = self.sibling(source.org_id, day, other_town=True)
        self.out.padded["copy_same_year"].append(self.meeting(org, day, self.pick(org, day),
                                                              minutes=self._copy_of(source.minutes)))

    def copy_year_boundary(self) -> None:
        source = self._source(december=True)
        held = timezone.localtime(source.held_at).date()
        day = min(dt.date(held.year + 1, 1, self.rng.randint(5, 20)), self.today - dt.timedelta(days=1))
        if day.year != held.year + 1:
            raise PlantError("今年还没有 1 月份")
        org = self.sibling(source.org_id, day, other_town=True)
        self.out.padded["copy_year_boundary"].append(self.meeting(org, day, self.pick(org, day),
                                                                  minutes=self._copy_of(source.minutes)))

    def overlap_branches(self) -> None:
        day = self.recent_day(1, 6)
        old = self.branch(day, victim=True)
        new = self.sibling(old, day)
        mover = self.victim(old, day)
        self.transfer(mover, new, day)
        self.out.padded["overlap_branches"].append(
            self.meeting(old, day, [mover, *self.pick(old, day, besides=mover)], slot=SLOTS[0], all_present=True))
        # the new branch's record puts the same person in its room at the same hour
        held = dt.datetime.combine(day, dt.time(11, 30), tzinfo=timezone.get_current_timezone())
        people = [mover, *self.pick(new, day, 3, besides=mover)]
        self.attended.update(m.pk for m in people)
        body = {"org": new, "title": f"{day.month}月主题党日", "types": ["theme_day"], "held_at": held.isoformat(),
                "ends_at": (held + dt.timedelta(hours=1)).isoformat(),
                "minutes": self.text.minutes([m.name for m in people]),
                "attendance": [{"member": m.pk, "status": "present"} for m in people]}
        self.out.padded["overlap_branches"].append(
            self._check(self.client.post("/api/orglife/meetings", body, content_type="application/json"),
                        "登记会议")["id"])

    def left_group(self) -> None:
        day = self.recent_day(1, 6)
        org = self.branch(day, with_group=True)
        group = next(g for g in self.groups[org] if self._victims(g, day))
        leaver = self.victim(group, day)
        to = self.sibling(org, day - dt.timedelta(days=3))
        self.out.padded["left_group"].append(
            self.meeting(org, day, [leaver, *self.pick(org, day, besides=leaver)], all_present=True))
        self.transfer(leaver, to, day - dt.timedelta(days=3))

    def died_before(self) -> None:
        day = self.recent_day(1, 6)
        org = self.branch(day, victim=True)
        dies = self.victim(org, day)
        self.out.padded["died_before"].append(
            self.meeting(org, day, [dies, *self.pick(org, day, besides=dies)], all_present=True))
        self.die(dies, day - dt.timedelta(days=2))

    def over_membership(self) -> None:
        day = self.recent_day(1, 6)
        org = self.branch(day, need=3, victim=True)
        dies = self.victim(org, day)
        everyone = list(membership.roster_on(Organization.objects.get(pk=org), day))
        self.out.padded["over_membership"].append(self.meeting(org, day, everyone, all_present=True))
        self.die(dies, day - dt.timedelta(days=2))

    # -- all --------------------------------------------------------------------------------------
    def plant_all(self) -> Outcome:
        """One record (or scenario) of each kind per round, so a small tree running out of
        branches shortens every kind alike."""
        near_deadline = (integrity._next_deadline(self.today) - self.today).days <= integrity.BURST_DEADLINE_DAYS
        kinds = [k for k in (*HONEST, *PADDED) if k != "burst" or near_deadline]
        if not near_deadline:
            self.out.skipped["burst"] = "集中录入只在季度（年度）截止前 31 天内提示，今天不在此期间"
        bursts = max(1, self.per_kind // 3)
        for round_ in range(2 * self.per_kind):
            for kind in kinds:
                wanted = 2 * self.per_kind if kind == "plain" else bursts if kind == "burst" else self.per_kind
                if round_ >= wanted or kind in self.out.skipped:
                    continue
                try:
                    getattr(self, kind)()
                except PlantError as exc:
                    self.out.skipped[kind] = f"只登记了 {round_} 组：{exc}"
        return self.out

    def rescan(self, years) -> None:
        root = Organization.objects.filter(depth=1).order_by("path").first()
        for year in years:
            self._check(self.client.post("/api/orglife/scan", {"org": root.pk, "year": year},
                                         content_type="application/json"), "重新核查")


def _flags(ids) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for meeting_id, kind in IntegrityFlag.objects.filter(meeting_id__in=ids, cleared_at__isnull=True).values_list(
            "meeting_id", "kind"):
        out[meeting_id].add(kind)
    return out


def evaluate(user, *, seed: int = 1, per_kind: int = 5) -> Scores:
    """Plant, read the flags as saved, rescan the planted years through the API, read them again."""
    planter = Planter(user, seed=seed, per_kind=per_kind)
    out = planter.plant_all()
    padded_ids = [i for ids in out.padded.values() for i in ids]
    honest_ids = [i for ids in out.honest.values() for i in ids]
    on_save = _flags(padded_ids)
    years = sorted({timezone.localtime(h).year for h in Meeting.objects.filter(pk__in=padded_ids + honest_ids)
                    .values_list("held_at", flat=True)})
    planter.rescan(years)
    after = _flags(padded_ids + honest_ids)
    recall = {kind: (sum(PADDED[kind] in on_save[i] for i in ids), sum(PADDED[kind] in after[i] for i in ids),
                     len(ids)) for kind, ids in out.padded.items() if ids}
    false = {kind: (sum(bool(after[i]) for i in ids), len(ids)) for kind, ids in out.honest.items() if ids}
    reasons = [f"{LABELS[kind]} #{i}：{message}" for kind, ids in out.honest.items() for i in ids
               for message in IntegrityFlag.objects.filter(meeting_id=i, cleared_at__isnull=True)
               .values_list("message", flat=True)]
    return Scores(recall, false, reasons, out.skipped)


def evaluator(root: Organization):
    """A 上级管理员 of the whole tree for the evaluation (rolled back with everything else)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="orglife-evaluator", password=None)
    position_grant(acting_user=SYSTEM, user=user, org=root, role="superior_admin")
    return user
