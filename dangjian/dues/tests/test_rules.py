"""The 党费 rules at their boundaries, without a database."""

import datetime as dt
from decimal import Decimal as D

import pytest

from dangjian.dues import rules
from dangjian.dues.choices import DuesCategory as C
from dangjian.dues.choices import PaymentKind, ReliefKind


@pytest.mark.parametrize(("category", "base", "amount"), [
    (C.SALARIED, D("3000.00"), D("15.00")),  # ≤ 3,000 at 0.5 %
    (C.SALARIED, D("3000.01"), D("30.00")),  # just above: 1 % on the whole base
    (C.SALARIED, D("5000.00"), D("50.00")),
    (C.SALARIED, D("5000.01"), D("75.00")),  # 1.5 % of 5,000.01 = 75.00015 → 75.00
    (C.SALARIED, D("10000.00"), D("150.00")),
    (C.SALARIED, D("10000.01"), D("200.00")),
    (C.SALARIED, D("0"), D("0.00")),
    (C.SELF_EMPLOYED, D("4200"), D("42.00")),
    (C.RETIRED, D("5000.00"), D("25.00")),  # a retiree at 5,000: 0.5 %
    (C.RETIRED, D("5000.01"), D("50.00")),  # above: 1 %
    (C.FARMER, D("0.50"), D("0.50")),
    (C.STUDENT, None, D("0.20")), (C.UNEMPLOYED, None, D("0.20")), (C.RELIEF, None, D("0.20")),
])
def test_monthly_amount_at_the_boundaries(category, base, amount):
    assert rules.monthly_amount(category, base).amount == amount


def test_rounding_is_half_up_to_the_fen():
    # 0.5 % of 2,999 = 14.995 → 15.00 (banker's rounding would give 15.00 too; 1 % of 3,000.50 = 30.005)
    assert rules.monthly_amount(C.SALARIED, D("3000.50")).amount == D("30.01")
    assert rules.monthly_amount(C.SALARIED, D("2999.00")).amount == D("15.00")
    assert rules.to_fen(D("0.125")) == D("0.13")


def test_reason_and_version_cite_the_rule():
    result = rules.monthly_amount(C.SALARIED, D("4000"))
    assert result.rate == D("0.01") and "1%" in result.reason and result.version == "2008"
    assert "2008" in rules.rule_set_for(dt.date(2026, 1, 1)).source


@pytest.mark.parametrize(("category", "base", "fragment"), [
    (C.FARMER, D("1.01"), "0.2"), (C.FARMER, D("0.19"), "0.2"), (C.SALARIED, None, "基数"),
    (C.SALARIED, D("-1"), "负数"), (C.SALARIED, D("1.001"), "两位小数"), ("nobody", D("1"), "类别"),
])
def test_bad_bases_are_refused_with_a_reason(category, base, fragment):
    errors = rules.base_errors(category, base)
    assert errors and fragment in errors[0]
    with pytest.raises(ValueError):
        rules.monthly_amount(category, base)


def test_a_pay_change_mid_year_applies_from_its_month():
    bases = [rules.BaseFact(dt.date(2026, 1, 1), D("30.00")), rules.BaseFact(dt.date(2026, 7, 1), D("75.00"))]
    joined = dt.date(2000, 1, 1)
    assert rules.expected_amount(dt.date(2026, 6, 1), joined_on=joined, bases=bases) == D("30.00")
    assert rules.expected_amount(dt.date(2026, 7, 1), joined_on=joined, bases=bases) == D("75.00")
    assert rules.expected_amount(dt.date(2025, 12, 1), joined_on=joined, bases=bases) is None


def test_probationary_member_admitted_mid_month_pays_from_that_month():
    bases = [rules.BaseFact(dt.date(2026, 1, 1), D("15.00"))]
    joined = dt.date(2026, 3, 17)
    assert rules.expected_amount(dt.date(2026, 2, 1), joined_on=joined, bases=bases) is None
    assert rules.expected_amount(dt.date(2026, 3, 1), joined_on=joined, bases=bases) == D("15.00")


def test_approved_reduction_and_exemption_replace_the_amount():
    bases = [rules.BaseFact(dt.date(2026, 1, 1), D("50.00"))]
    reliefs = [rules.ReliefFact(ReliefKind.REDUCE, dt.date(2026, 3, 1), dt.date(2026, 4, 1), D("10.00")),
               rules.ReliefFact(ReliefKind.EXEMPT, dt.date(2026, 5, 1), None)]
    joined = dt.date(2000, 1, 1)
    amounts = [rules.expected_amount(m, joined_on=joined, bases=bases, reliefs=reliefs)
               for m in rules.year_months(2026)[:6]]
    assert amounts == [D("50.00"), D("50.00"), D("10.00"), D("10.00"), D("0.00"), D("0.00")]


def _months(start: dt.date, n: int):
    return [rules.add_months(start, i) for i in range(n)]


def test_six_consecutive_unpaid_months_exactly_is_flagged_five_is_not():
    due = _months(dt.date(2026, 1, 1), 11)  # Jan–Nov due
    today_month = dt.date(2026, 12, 1)
    paid_to_may = set(due[:5])  # Jan–May paid: Jun–Nov unpaid = 6
    run = rules.unpaid_run(due, paid_to_may, before=today_month)
    assert len(run) == 6 and rules.flags_lapse(run)
    run = rules.unpaid_run(due, set(due[:6]), before=today_month)  # Jul–Nov = 5
    assert len(run) == 5 and not rules.flags_lapse(run)


def test_the_current_month_is_not_yet_owed_and_an_exemption_ends_the_run():
    due = _months(dt.date(2026, 1, 1), 12)
    run = rules.unpaid_run(due, set(), before=dt.date(2026, 7, 1))
    assert run == due[:6]
    with_gap = [m for m in due if m != dt.date(2026, 3, 1)]  # March exempt
    assert rules.unpaid_run(with_gap, set(), before=dt.date(2026, 7, 1)) == due[3:6]


def test_back_payment_longer_than_six_months_is_flagged():
    assert not rules.is_late_back_payment(dt.date(2026, 1, 1), dt.date(2026, 7, 31))
    assert rules.is_late_back_payment(dt.date(2026, 1, 1), dt.date(2026, 8, 1))


def test_voluntary_payment_of_a_thousand_goes_to_the_centre():
    assert rules.goes_to_centre(PaymentKind.VOLUNTARY, D("1000.00"))
    assert not rules.goes_to_centre(PaymentKind.VOLUNTARY, D("999.99"))
    assert not rules.goes_to_centre(PaymentKind.REGULAR, D("5000"))


def test_months():
    assert rules.add_months(dt.date(2026, 11, 1), 3) == dt.date(2027, 2, 1)
    assert rules.months_between(dt.date(2025, 12, 1), dt.date(2026, 1, 31)) == 1
    assert rules.parse_month("2026-3") == dt.date(2026, 3, 1) and rules.parse_month("x") is None
