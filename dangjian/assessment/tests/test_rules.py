"""Thresholds, gates and quotas at their boundaries; the pure rules without a database."""

import datetime as dt
from decimal import Decimal

import pytest

from dangjian.assessment import rules
from dangjian.assessment.choices import BandPreset

FOUR = rules.BAND_PRESETS[BandPreset.FOUR]


@pytest.mark.parametrize(("score", "grade"), [
    ("100", "好"), ("90", "好"), ("89.99", "较好"), ("80", "较好"), ("79.99", "一般"), ("60", "一般"),
    ("59.99", "较差"), ("0", "较差"),
])
def test_default_thresholds_at_their_boundaries(score, grade):
    assert rules.suggest_grade(Decimal(score), FOUR).grade == grade


def test_star_scheme():
    stars = rules.BAND_PRESETS[BandPreset.STARS]
    assert rules.suggest_grade(Decimal(70), stars).grade == "三星"
    assert rules.suggest_grade(Decimal("69.5"), stars).grade == "二星"


def test_satisfaction_gate_blocks_the_top_two_below_90_percent():
    assert rules.satisfaction(89, 1, 10) == Decimal("90.00")
    assert rules.suggest_grade(Decimal(95), FOUR, satisfaction_percent=Decimal("90.00")).grade == "好"
    blocked = rules.suggest_grade(Decimal(95), FOUR, satisfaction_percent=Decimal("89.99"))
    assert blocked.grade == "一般" and "不得评为好、较好" in blocked.reasons[0]
    assert rules.grade_gate_error("较好", FOUR, Decimal("89.99")) is not None
    assert rules.grade_gate_error("较好", FOUR, Decimal("90")) is None
    assert rules.grade_gate_error("一般", FOUR, Decimal("10")) is None
    assert rules.grade_gate_error("优秀", FOUR, None) == "等次应为 好、较好、一般、较差 之一"
    assert rules.grade_gate_error("好", FOUR, Decimal("50"), gate_percent=None) is None  # gate off


def test_quota_warns_only_above_ten_percent():
    assert rules.quota_warning(["好"] + ["较好"] * 9, FOUR) is None  # exactly 10%
    warning = rules.quota_warning(["好", "好"] + ["较好"] * 9, FOUR)
    assert "18.18%" in warning and "超过 10%" in warning
    assert rules.quota_warning(["好", "好"], FOUR, top_share=None) is None


def test_weights_must_add_up_to_100():
    assert rules.weights_error([50, 50]) is None
    assert rules.weights_error([50, "49.5"]) == "各项指标权重之和应为 100（现为 99.5）"
    assert rules.weights_error([101, -1]) == "第 2 项指标的权重应大于 0"
    assert rules.weights_error([]) == "考核方案至少要有一项指标"


def test_bands_are_checked():
    assert rules.bands_error(FOUR) is None
    assert rules.bands_error([("好", 90), ("好", 0)]) == "等次名称不能为空或重复"
    assert rules.bands_error([("好", 80), ("较好", 90), ("差", 0)]).startswith("各等次")
    assert rules.bands_error([("好", 90), ("差", 10)]) == "最低一档的分数下限应为 0"


def test_backward_candidates_at_their_boundaries():
    config = rules.DEFAULT_BACKWARD
    assert rules.backward_reasons(rules.CandidateFacts(vacant_months_total=3), config) == []
    assert rules.backward_reasons(rules.CandidateFacts(vacant_months_total=4), config) == [
        "书记空缺 4 个月，超过 3 个月"]
    assert rules.backward_reasons(rules.CandidateFacts(compliance=0.6), config) == []
    assert rules.backward_reasons(rules.CandidateFacts(compliance=0.59), config) == ["组织生活落实率 59%，低于 60%"]
    assert rules.backward_reasons(rules.CandidateFacts(grade="较差", lowest_grade="较差"), config) == [
        "分类定级为“较差”"]
    assert rules.backward_reasons(rules.CandidateFacts(warnings=2), config) == ["有 2 条组织设置预警未解决"]
    off = {**config, "vacant_months": None, "structure_warnings": False}
    assert rules.backward_reasons(rules.CandidateFacts(vacant_months_total=12, warnings=2), off) == []


def test_publicity_of_five_working_days_over_a_holiday():
    monday = dt.date(2026, 3, 2)
    assert rules.publicity_end(monday) == dt.date(2026, 3, 6)
    assert rules.report_error(monday, dt.date(2026, 3, 6)) is not None
    assert rules.report_error(monday, dt.date(2026, 3, 7)) is None
    holiday = rules.WorkCalendar(holidays=frozenset({dt.date(2026, 3, 4)}))
    assert rules.publicity_end(monday, holiday) == dt.date(2026, 3, 9)


def test_rectify_deadline_default_six_at_most_twelve_months():
    assert rules.rectify_deadline(dt.date(2026, 8, 31)) == dt.date(2027, 2, 28)
    assert rules.rectify_deadline(dt.date(2026, 1, 15), 12) == dt.date(2027, 1, 15)
    with pytest.raises(ValueError):
        rules.rectify_deadline(dt.date(2026, 1, 15), 13)


def test_counted_indicators_never_go_below_zero_and_rates_without_due_are_full():
    facts = rules.Facts(items_overdue=9)
    assert rules.compute("worklist_overdue", facts, 5, 1).points == Decimal(0)
    assert rules.compute("worklist_ontime", facts, 15, 0).points == Decimal(15)
    assert rules.whole_months(dt.date(2025, 6, 15), dt.date(2025, 12, 14)) == 5
    assert rules.whole_months(dt.date(2025, 6, 15), dt.date(2025, 12, 15)) == 6
