"""Every integrity check: a case that must flag and one that must not. Flags never block."""

import datetime as dt

from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.members.actions import member_transfer, member_update
from dangjian.orglife import integrity, similarity
from dangjian.orglife.choices import FlagKind
from dangjian.orglife.models import IntegrityFlag
from dangjian.testing import make_member

from .conftest import at

MINUTES = ("会议传达学习了上级关于基层党建工作的部署要求，结合本村实际讨论了秋收秋种、人居环境整治"
           "和困难群众走访慰问工作。与会党员踊跃发言，提出了加强网格管理、落实党员联系户制度、做好防汛物资储备等意见建议，支部书记作了总结。")
OTHER = ("支部书记领学了新修订的党章有关章节，围绕发挥党员先锋模范作用开展讨论；社区党员志愿服务队汇报了上月垃圾分类"
         "宣传、独居老人探访和楼道清理情况，会议研究确定下月组织一次主题党日活动，到革命纪念馆参观学习。")


def kinds(meeting):
    return sorted(meeting.flags.values_list("kind", flat=True))


# -- pure checks ----------------------------------------------------------------------------------

def test_late_entry_pure():
    assert "相隔 9 天" in integrity.late_entry(dt.date(2026, 3, 1), dt.date(2026, 3, 10), 7)
    assert integrity.late_entry(dt.date(2026, 3, 1), dt.date(2026, 3, 8), 7) is None


def test_bursts_pure():
    entered = at(dt.date(2026, 12, 20), 10)
    batch = [(i, entered + dt.timedelta(minutes=5 * i), dt.date(2026, 1 + i, 15)) for i in range(6)]
    found = integrity.bursts(batch)
    assert len(found) == 1 and found[0][0] == list(range(6)) and "集中录入 6 条" in found[0][1]
    spread = [(i, at(dt.date(2026, 1 + i, 16)), dt.date(2026, 1 + i, 15)) for i in range(6)]
    assert integrity.bursts(spread) == []
    same_month = [(i, entered + dt.timedelta(minutes=i), dt.date(2026, 12, 1 + i)) for i in range(6)]
    assert integrity.bursts(same_month) == []


def test_overlapping_pairs_pure():
    rows = [(1, 10, at(dt.date(2026, 3, 1), 9), at(dt.date(2026, 3, 1), 11)),
            (1, 11, at(dt.date(2026, 3, 1), 10), at(dt.date(2026, 3, 1), 12)),
            (1, 12, at(dt.date(2026, 3, 1), 12), at(dt.date(2026, 3, 1), 13)),
            (2, 12, at(dt.date(2026, 3, 1), 9), at(dt.date(2026, 3, 1), 13))]
    assert integrity.overlapping_pairs(rows) == [(10, 11, 1)]


def test_similarity_of_minutes():
    copy = MINUTES.replace("秋收秋种", "春耕春播")
    a, b, c = (similarity.parse(similarity.sketch(t)) for t in (MINUTES, copy, OTHER))
    assert similarity.similarity(a, b) >= 0.8
    assert similarity.similarity(a, c) < 0.3
    assert similarity.sketch("会议很好。") == ""  # too short to compare


# -- stored flags ---------------------------------------------------------------------------------

def test_late_entry_flag(tree, record):
    late = record(tree.a, dt.date(2026, 3, 1), entered=at(dt.date(2026, 3, 20)))
    prompt = record(tree.a, dt.date(2026, 4, 1), entered=at(dt.date(2026, 4, 3)))
    assert kinds(late) == [FlagKind.LATE_ENTRY]
    assert "相隔 19 天" in late.flags.get().message
    assert kinds(prompt) == []


def test_future_and_before_founded(tree, record):
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    future = record(tree.a, tomorrow, entered=timezone.now())
    assert FlagKind.FUTURE in kinds(future)
    early = record(tree.a, dt.date(1959, 5, 1), entered=at(dt.date(1959, 5, 1)))  # founded 1960-03-01
    assert FlagKind.BEFORE_FOUNDED in kinds(early)
    assert "1960-03-01" in early.flags.get(kind=FlagKind.BEFORE_FOUNDED).message
    assert kinds(record(tree.a, dt.date(2026, 1, 5))) == []


def test_planned_meeting_in_the_future_is_not_flagged(tree):
    from dangjian.orglife import actions

    planned = actions.meeting_record(acting_user=SYSTEM, org=tree.a, types=["theme_day"], title="计划",
                                     held_at=timezone.now() + dt.timedelta(days=10), status="planned")
    assert kinds(planned) == []


def test_copied_minutes_across_branches_names_the_other(tree, record):
    original = record(tree.a, dt.date(2026, 5, 6), minutes=MINUTES, title="五月主题党日")
    copy = record(tree.b, dt.date(2026, 5, 9), minutes=MINUTES.replace("本村", "本社区"))
    fresh = record(tree.c, dt.date(2026, 5, 9), minutes=OTHER)
    integrity.scan(tree.county, 2026)
    flag = copy.flags.get(kind=FlagKind.COPIED)
    assert flag.related_id == original.pk and flag.score >= 0.8
    assert tree.a.name in flag.message and "五月主题党日" in flag.message and "相似度" in flag.message
    assert kinds(fresh) == []


def test_copied_minutes_within_a_branch_found_when_saved(tree, record):
    first = record(tree.a, dt.date(2026, 6, 6), minutes=MINUTES)
    second = record(tree.a, dt.date(2026, 7, 6), minutes=MINUTES)
    flag = second.flags.get(kind=FlagKind.COPIED)
    assert flag.related_id == first.pk and "本组织" in flag.message


def test_member_present_at_two_overlapping_meetings(tree, record):
    member = tree.members["a"][0]
    one = record(tree.a, dt.date(2026, 3, 3), attendance=[{"member": member.pk, "status": "present"}], hour=9)
    two = record(tree.a, dt.date(2026, 3, 3), "lecture", attendance=[{"member": member.pk, "status": "present"}],
                 hour=10)
    later = record(tree.a, dt.date(2026, 3, 3), attendance=[{"member": member.pk, "status": "present"}], hour=14)
    assert FlagKind.OVERLAP in kinds(two) and FlagKind.OVERLAP in kinds(one)
    assert member.name in two.flags.get(kind=FlagKind.OVERLAP).message
    assert FlagKind.OVERLAP not in kinds(later)
    integrity.scan(tree.county, 2026)
    assert FlagKind.OVERLAP in kinds(two) and FlagKind.OVERLAP not in kinds(later)


def test_attendance_larger_than_membership(tree, record):
    meeting = record(tree.b, dt.date(2026, 4, 4))
    assert kinds(meeting) == []
    member_update(acting_user=SYSTEM, member=tree.members["b"][0], status="deceased")
    integrity.scan(tree.county, 2026)
    assert FlagKind.OVER_MEMBERSHIP in kinds(meeting)
    assert "现有党员 1 人" in meeting.flags.get(kind=FlagKind.OVER_MEMBERSHIP).message
    assert FlagKind.LEFT_MEMBER in kinds(meeting)


def test_quorum_with_members_who_had_left(tree, record):
    leaver = make_member(tree.a, name="钱已转")
    meeting = record(tree.a, dt.date(2026, 8, 8))
    kept = record(tree.a, dt.date(2026, 5, 8))
    member_transfer(acting_user=SYSTEM, member=leaver, to_org=tree.c, transferred_on=dt.date(2026, 6, 1))
    integrity.scan(tree.county, 2026)
    flag = meeting.flags.get(kind=FlagKind.LEFT_MEMBER)
    assert "钱已转" in flag.message and "2026-06-01 已转出" in flag.message
    assert FlagKind.LEFT_MEMBER not in kinds(kept)


def test_burst_before_the_deadline(tree, record):
    batch = at(dt.date(2026, 12, 18), 10)
    rows = [record(tree.c, dt.date(2026, m, 10), entered=batch + dt.timedelta(minutes=3 * m)) for m in range(6, 12)]
    calm = record(tree.b, dt.date(2026, 6, 10), entered=at(dt.date(2026, 6, 10)))
    integrity.scan(tree.county, 2026)
    assert all(FlagKind.BURST in kinds(m) for m in rows)
    assert "距 2026-12-31 截止 13 天" in rows[0].flags.get(kind=FlagKind.BURST).message
    assert FlagKind.BURST not in kinds(calm)


def test_scan_replaces_flags_and_never_touches_other_years(tree, record):
    old = record(tree.a, dt.date(2025, 3, 1), entered=at(dt.date(2025, 4, 1)))
    assert kinds(old) == [FlagKind.LATE_ENTRY]
    integrity.scan(tree.county, 2026)
    assert kinds(old) == [FlagKind.LATE_ENTRY]
    assert IntegrityFlag.objects.count() == 1


def test_sketches_of_another_size_are_not_compared():
    old = similarity.sketch(MINUTES)[: 15 * 32]
    assert similarity.similar_stored({1: old, 2: old}, 0.8) == []
    assert similarity.similar_to(old, [(2, old)], 0.8) == []
    full = similarity.sketch(MINUTES)
    assert similarity.similar_stored({1: full, 2: full}, 0.8) == [(1, 2, 1.0)]
