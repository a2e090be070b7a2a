"""Subtree statistics, checked against numbers counted by hand on the small tree plus a few extras."""

import datetime as dt

import pytest

from dangjian.core.actors import SYSTEM
from dangjian.members.choices import AGE_BANDS
from dangjian.members.models import Member
from dangjian.members.queries import MemberFilter, filter_members
from dangjian.orgs.actions import post_assign, term_start
from dangjian.orgs.stats import _one_decimal, secretary_statistics, subtree_statistics
from dangjian.testing import make_member, make_org, small_tree

TODAY = dt.date(2026, 3, 15)


def build_stats_tree():
    """``small_tree`` plus:

    - 党小组 g under branch A with four members (so A has 4 + 4): m1 probationary, female, 回族, born
      exactly 36 years before TODAY; m2 one day short of 36, lost contact and flowing out, joined exactly
      5 years before TODAY; m3 壮族, 71, retired, in hardship; m6 plain;
    - m5 in B: female, 回族, 65, flowing in, 50 years a member; m4 in C: deceased;
    - branch D under town 2 in a private enterprise, with nobody in it;
    - terms: A (secretary 张红星 一肩挑, deputy, organiser), B (secretary m5, term expired at TODAY),
      C (secretary m4 — deceased, so vacant), town 1 (secretary m2, term ending within six months).
    """
    t = small_tree()
    t.g = make_org(t.a, "红星村第一党小组", "C0001-01-001-01", "group")
    t.d = make_org(t.town2, "西山镇宏达公司党支部", "C0001-02-002", unit_category="private_enterprise")
    t.m1 = make_member(t.g, gender="F", ethnicity="回族", birth=dt.date(1990, 3, 15), joined_on=dt.date(2025, 6, 1),
                       membership_type="probationary", education="university")
    t.m2 = make_member(t.g, birth=dt.date(1990, 3, 16), joined_on=dt.date(2021, 3, 15), education="college",
                       lost_contact=True, flow_status="out")
    t.m3 = make_member(t.g, ethnicity="壮族", birth=dt.date(1955, 1, 1), joined_on=dt.date(1976, 3, 16),
                       retired=True, hardship=True)
    t.m6 = make_member(t.g)
    t.m5 = make_member(t.b, gender="F", ethnicity="回族", birth=dt.date(1950, 3, 15), joined_on=dt.date(1976, 3, 15),
                       education="postgraduate", flow_status="in")
    t.m4 = make_member(t.c, status="deceased")
    a_members = t.members["a"]
    term_a = term_start(acting_user=SYSTEM, org=t.a, started_on=dt.date(2022, 1, 1))
    post_assign(acting_user=SYSTEM, term=term_a, member=a_members[0], post="secretary", concurrent_head=True)
    post_assign(acting_user=SYSTEM, term=term_a, member=a_members[1], post="deputy_secretary")
    post_assign(acting_user=SYSTEM, term=term_a, member=a_members[2], post="organization")
    term_b = term_start(acting_user=SYSTEM, org=t.b, started_on=dt.date(2021, 3, 1))
    post_assign(acting_user=SYSTEM, term=term_b, member=t.m5, post="secretary")
    term_c = term_start(acting_user=SYSTEM, org=t.c, started_on=dt.date(2024, 1, 1))
    post_assign(acting_user=SYSTEM, term=term_c, member=t.m4, post="secretary")
    post_assign(acting_user=SYSTEM, term=term_c, member=t.members["c"][0], post="organization")
    term_town1 = term_start(acting_user=SYSTEM, org=t.town1, started_on=dt.date(2021, 7, 1))
    post_assign(acting_user=SYSTEM, term=term_town1, member=t.m2, post="secretary")
    return t


@pytest.fixture
def stats_tree(db):
    return build_stats_tree()


def test_county_totals(stats_tree):
    s = subtree_statistics(stats_tree.county, today=TODAY)
    assert s.total == 14 and s.records == 15
    assert s.by_membership_type == [("正式党员", 13), ("预备党员", 1)]
    assert s.by_status == [("正常", 14), ("停止党籍", 0), ("已出党", 0), ("已去世", 1)]
    assert s.by_gender == [("男", 10), ("女", 4)]
    assert s.female_share == 28.6
    assert s.by_ethnicity == [("汉族", 11), ("少数民族", 3)]
    assert s.minority_share == 21.4
    assert s.top_minorities == [("回族", 2), ("壮族", 1)]
    assert s.by_education == [("研究生", 1), ("大学本科", 1), ("大学专科", 1), ("中专", 0), ("高中", 0),
                              ("初中", 0), ("小学及以下", 0), ("未填写", 11)]
    assert s.special == [("失联党员", 1), ("流出党员", 1), ("流入党员", 1), ("困难党员", 1), ("离退休党员", 1)]
    assert s.figures == {"lost_contact": 1, "flow_out": 1, "flow_in": 1, "hardship": 1, "retired": 1}


def test_age_bands_at_birthday_boundaries(stats_tree):
    s = subtree_statistics(stats_tree.county, today=TODAY)
    # m2 is 35 (turns 36 tomorrow), m1 turned 36 today; the ten born 1980-05-17 are 45; m5 76, m3 71.
    assert s.by_age == [("35岁及以下", 1), ("36至45岁", 11), ("46至55岁", 0), ("56至60岁", 0),
                        ("61至70岁", 0), ("71岁及以上", 2)]
    # On their birthday the ten move up a band.
    on_birthday = subtree_statistics(stats_tree.county, today=dt.date(2026, 5, 17))
    assert dict(on_birthday.by_age)["46至55岁"] == 10


def test_party_age_bands(stats_tree):
    s = subtree_statistics(stats_tree.county, today=TODAY)
    # m1 joined 2025 (0 years), m2 exactly 5 years ago, ten joined 2005 (20), m3 one day short of 50, m5 50.
    assert s.by_party_age == [("5年以下", 1), ("5至10年", 1), ("10至20年", 0), ("20至30年", 10),
                              ("30至50年", 1), ("50年及以上", 1)]


def test_age_bands_agree_with_the_member_list_filter(stats_tree):
    s = subtree_statistics(stats_tree.county, today=TODAY)
    normal = Member.objects.filter(status="normal")
    for label, _, _ in AGE_BANDS:
        expected = filter_members(normal, MemberFilter(age_band=label), today=TODAY).count()
        assert dict(s.by_age)[label] == expected, label


def test_group_members_count_for_branch_and_town(stats_tree):
    assert subtree_statistics(stats_tree.a, today=TODAY).total == 8
    assert subtree_statistics(stats_tree.town1, today=TODAY).total == 11
    assert subtree_statistics(stats_tree.g, today=TODAY).total == 4


def test_org_counts(stats_tree):
    s = subtree_statistics(stats_tree.county, today=TODAY)
    assert s.orgs_total == 8
    kinds = dict(s.orgs_by_kind)
    assert (kinds["党委"], kinds["党支部"], kinds["党小组"], kinds["党总支"]) == (3, 4, 1, 0)
    assert s.new_economy_orgs == [("非公企业", 1), ("社会组织", 0)]


def test_secretaries(stats_tree):
    sec = subtree_statistics(stats_tree.county, today=TODAY).secretaries
    # 张红星 45, m5 76, m2 35; C's secretary is deceased and does not count.
    assert sec.count == 3
    assert sec.average_age == 52.0
    assert sec.by_age == [("45岁以下", 1), ("45至50岁", 1), ("50至55岁", 0), ("55岁及以上", 1)]
    assert sec.concurrent_head == 1
    # county, towns 1 and 2, branches A–D need one (the 党小组 does not); A, B and town 1 have one.
    assert (sec.needing, sec.vacant) == (7, 4)


def test_secretary_average_age_to_one_decimal(stats_tree):
    # A day before 张红星's 46th birthday: 45 + 76 + 36 = 157 → 52.3.
    sec = secretary_statistics(stats_tree.county, today=dt.date(2026, 5, 16))
    assert sec.average_age == 52.3


def test_secretary_band_boundary_at_45(stats_tree):
    before = secretary_statistics(stats_tree.a, today=dt.date(2025, 5, 16))
    on_birthday = secretary_statistics(stats_tree.a, today=dt.date(2025, 5, 17))
    assert dict(before.by_age)["45岁以下"] == 1 and before.average_age == 44.0
    assert dict(on_birthday.by_age)["45至50岁"] == 1 and on_birthday.average_age == 45.0


def test_secretary_statistics_alone_counts_vacancies(stats_tree):
    sec = secretary_statistics(stats_tree.town2, today=TODAY)
    assert (sec.count, sec.average_age, sec.needing, sec.vacant) == (0, None, 3, 3)


def test_empty_subtree(stats_tree):
    s = subtree_statistics(stats_tree.d, today=TODAY)
    assert s.total == 0 and s.female_share == 0.0 and s.top_minorities == []
    assert all(n == 0 for _, n in s.by_age)
    assert s.as_dict()["secretaries"]["vacant"] == 1


def test_one_decimal_rounds_half_up():
    assert _one_decimal(181, 4) == 45.3  # 45.25: 四舍五入, not to even
    assert _one_decimal(157, 3) == 52.3
    assert _one_decimal(400, 14) == 28.6
