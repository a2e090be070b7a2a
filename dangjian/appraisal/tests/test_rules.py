"""The pure rules at their boundaries: no database."""

import datetime as dt

from dangjian.appraisal import rules
from dangjian.appraisal.choices import Grade, PointsCategory, Rating


def test_report_result_thresholds_are_inclusive():
    assert rules.report_result({"good": 6, "average": 4}).rating == Rating.GOOD  # exactly 60%
    assert rules.report_result({"good": 59, "average": 41}).rating == Rating.AVERAGE
    assert rules.report_result({"good": 5, "fairly_good": 2, "average": 3}).rating == Rating.FAIRLY_GOOD  # 70%
    assert rules.report_result({"good": 5, "fairly_good": 1, "average": 4}).rating == Rating.AVERAGE
    assert rules.report_result({"good": 7, "poor": 3}).rating == Rating.POOR  # 差 30% checked first
    assert rules.report_result({"good": 71, "poor": 29}).rating == Rating.GOOD
    assert rules.report_result({}).rating is None


def test_report_result_uses_the_rounds_thresholds():
    assert rules.report_result({"good": 8, "average": 2}, good_share=90).rating == Rating.FAIRLY_GOOD
    assert "80.0%" in rules.report_result({"good": 8, "average": 2}).reason


def test_threshold_and_tally_errors():
    assert rules.threshold_errors(60, 70, 30) == {}
    assert "fair_share" in rules.threshold_errors(80, 70, 30)
    assert "good_share" in rules.threshold_errors(0, 70, 30)
    assert rules.tally_errors({"a": 3, "b": 2}, voters=5) == {}
    assert "__all__" in rules.tally_errors({"a": 3, "b": 3}, voters=5)
    assert "a" in rules.tally_errors({"a": -1})


def test_excellent_warning_at_exactly_one_third():
    assert rules.excellent_warning(3, 9) is None  # exactly one third: allowed
    assert rules.excellent_warning(4, 9) is not None
    assert "最多 3 人" in rules.excellent_warning(4, 10)
    assert rules.excellent_warning(0, 0) is None


def test_finish_needs_every_appraised_member_graded():
    assert rules.finish_errors([("甲", "", "qualified"), ("乙", "illness", "")]) == []
    assert "乙" in rules.finish_errors([("甲", "", "qualified"), ("乙", "", "")])[0]


def test_vote_suggestion_ties_go_lower():
    assert rules.vote_suggestion({Grade.EXCELLENT: 3, Grade.QUALIFIED: 3}) == Grade.QUALIFIED
    assert rules.vote_suggestion({Grade.UNQUALIFIED: 5, Grade.QUALIFIED: 2}) == Grade.UNQUALIFIED
    assert rules.vote_suggestion({}) is None


def test_disposal_only_for_unqualified_and_due_within_a_year():
    today = dt.date(2026, 12, 1)
    assert rules.disposal_errors(Grade.UNQUALIFIED, today + dt.timedelta(days=366), today) == {}
    assert "due_on" in rules.disposal_errors(Grade.UNQUALIFIED, today + dt.timedelta(days=367), today)
    assert "due_on" in rules.disposal_errors(Grade.UNQUALIFIED, today - dt.timedelta(days=1), today)
    assert "kind" in rules.disposal_errors(Grade.BASIC, today, today)


def _rule(**kw):
    base = {"category": PointsCategory.SERVICE, "name": "志愿服务", "points": 2, "cap_month": None, "cap_year": None}
    return rules.points_rule_errors(**{**base, **kw})


def test_forbidden_bases_are_refused():
    assert _rule() == {}
    for name in ("学习时长每小时", "文章浏览", "点赞", "转发文章", "分享到朋友圈", "每日打卡", "签到", "上传照片"):
        assert "name" in _rule(name=name), name
    assert "name" in _rule(description="按学习强国学时计分")


def test_points_rule_signs_and_caps():
    assert "points" in _rule(points=0)
    assert "points" in _rule(points=-2)
    assert _rule(category=PointsCategory.DEDUCTION, points=-5) == {}
    assert "points" in _rule(category=PointsCategory.DEDUCTION, points=5)
    assert _rule(category=PointsCategory.VETO, points=0) == {}
    assert "cap_year" in _rule(cap_month=10, cap_year=5)
    assert "cap_month" in _rule(cap_month=0)
    assert "cap_month" in _rule(cap_month=rules.MAX_CAP + 1) and _rule(cap_month=rules.MAX_CAP) == {}


def test_ledger_caps_at_the_boundary():
    facts = {1: rules.RuleFacts(1, "志愿服务", cap_month=5, cap_year=8)}
    entries = [rules.EntryFacts(i, 1, dt.date(2026, 3, i), 2) for i in range(1, 5)]  # 8 points in March
    entries.append(rules.EntryFacts(9, 1, dt.date(2026, 4, 1), 2))
    result = rules.ledger(entries, facts)
    counted = [line.counted for line in result.lines]
    assert counted == [2, 2, 1, 0, 2]  # the month cap 5 reached in March
    assert result.total == 7
    assert "每月上限" in result.lines[2].note
    more = entries + [rules.EntryFacts(10, 1, dt.date(2026, 5, 1), 2)]
    result = rules.ledger(more, facts)
    assert result.total == 8 and result.lines[-1].counted == 1 and "每年上限" in result.lines[-1].note


def test_deductions_are_not_capped_and_veto_zeroes_the_year():
    facts = {1: rules.RuleFacts(1, "志愿服务", cap_month=2), 2: rules.RuleFacts(2, "违规"),
             3: rules.RuleFacts(3, "受到党纪处分", veto=True)}
    entries = [rules.EntryFacts(1, 1, dt.date(2026, 1, 5), 2), rules.EntryFacts(2, 2, dt.date(2026, 1, 6), -3),
               rules.EntryFacts(3, 2, dt.date(2026, 1, 7), -3)]
    assert rules.ledger(entries, facts).total == -4
    vetoed = rules.ledger([*entries, rules.EntryFacts(4, 3, dt.date(2026, 11, 1), 0)], facts)
    assert vetoed.total == 0 and "受到党纪处分" in vetoed.vetoed_by
    assert all("一票否决" in line.note for line in vetoed.lines)
