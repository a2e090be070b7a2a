"""流动党员 rules at their boundaries, without a database."""

import datetime as dt

from dangjian.mobility import rules

D = dt.date


def test_transfer_reminder_from_the_day_six_months_are_complete():
    left = D(2026, 3, 15)
    assert not rules.transfer_due(left, D(2026, 9, 14))
    assert rules.transfer_due(left, D(2026, 9, 15))  # exactly 6 months
    assert rules.transfer_due_on(D(2026, 8, 31)) == D(2027, 2, 28)  # no 31st: the month's last day


def test_yearly_report_overdue_the_day_after_the_anniversary():
    left = D(2025, 1, 10)
    assert rules.report_due_on(left, None) == D(2026, 1, 10)
    assert not rules.report_overdue(left, None, D(2026, 1, 10))
    assert rules.report_overdue(left, None, D(2026, 1, 11))
    assert not rules.report_overdue(left, D(2025, 12, 1), D(2026, 6, 1))  # the clock restarts at each report
    assert rules.report_overdue(left, D(2025, 12, 1), D(2026, 12, 2))


def test_silence_counts_from_the_last_report_or_contact():
    left = D(2025, 1, 10)
    assert not rules.lost_contact(left, D(2025, 5, 1), D(2025, 10, 31))
    assert rules.lost_contact(left, D(2025, 5, 1), D(2025, 11, 1))  # exactly 6 months of silence
    assert rules.lost_contact(left, None, D(2025, 7, 10))
    longer = rules.RuleSet(version="t", source="t", in_force_from=D(2000, 1, 1), silence_months=12)
    assert not rules.lost_contact(left, None, D(2025, 7, 10), longer)


def test_card_expiring_within_30_days_and_expired_after_its_last_day():
    today = D(2026, 12, 1)
    assert rules.card_state(D(2026, 12, 31), today) == rules.EXPIRING  # today + 30
    assert rules.card_state(D(2027, 1, 1), today) == ""  # today + 31
    assert rules.card_state(today, today) == rules.EXPIRING  # its last day is still valid
    assert rules.card_state(D(2026, 11, 30), today) == rules.EXPIRED
    assert rules.card_state(None, today) == ""


def test_three_from_one_place_in_one_organisation_suggest_a_branch():
    two = [(1, "四川省南充市"), (1, "四川省 南充市")]
    assert rules.group_suggestions(two) == {}
    assert rules.group_suggestions([*two, (1, "四川省南充市 ")]) == {(1, "四川省南充市"): 3}
    assert rules.group_suggestions([*two, (2, "四川省南充市")]) == {}  # another organisation
    assert rules.group_suggestions([(1, ""), (1, ""), (1, " ")]) == {}


def test_input_errors_in_chinese():
    today = D(2026, 12, 1)
    assert rules.outflow_errors(D(2026, 12, 2), None, today) == {"left_on": "外出日期不能晚于今天"}
    assert "expected_until" in rules.outflow_errors(D(2026, 1, 2), D(2026, 1, 1), today)
    assert rules.card_errors(D(2026, 1, 1), D(2026, 1, 1)) == {"expires_on": "有效期须晚于发证日期"}
    assert rules.rule_set_for(D(2026, 1, 1)) is rules.CURRENT
