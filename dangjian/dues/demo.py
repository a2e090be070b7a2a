"""Demo 党费: a base for every demo member (by their 人员类别) and a year of monthly payments up to
last month, with realistic arrears — most pay every month, some are a month or three behind, a
few have paid nothing for six months or more (the 待办 flag), some paid late in a lump — plus a few
voluntary payments (one of 1,000 元, which goes to the centre), a few quarterly payers with the
branch's consent and exemptions for 困难党员 approved by the level above.

Written with ``bulk_create`` (the demo is one audited "载入演示数据" for the tree, not a record per
payment): a county adds well under 30 s. Same seed and day → same data."""

from __future__ import annotations

import datetime as dt
import random
import sys
from decimal import Decimal

from django.db import transaction

from dangjian.core.registry import register_demo
from dangjian.core.tree import parent_path
from dangjian.members.choices import Category, PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

from . import rules
from .choices import ArrangementKind, DuesCategory, PaymentKind, PaymentMethod, ReliefKind
from .models import DuesArrangement, DuesBase, DuesPayment, DuesRelief

BATCH = 5000
RECEIVERS = ["组织委员", "支部书记", "党务工作者"]


def _category(member_category: str, rng: random.Random) -> tuple[str, Decimal | None]:
    if member_category == Category.RETIRED:
        return DuesCategory.RETIRED, Decimal(rng.randrange(2400, 7600, 10))
    if member_category == Category.FARMER:
        return DuesCategory.FARMER, rng.choice([Decimal("0.50"), Decimal("1.00"), Decimal("0.20")])
    if member_category == Category.STUDENT:
        return DuesCategory.STUDENT, None
    if member_category == Category.OTHER and rng.random() < 0.3:
        return DuesCategory.SELF_EMPLOYED, Decimal(rng.randrange(1800, 9000, 10))
    if member_category == Category.OTHER and rng.random() < 0.15:
        return DuesCategory.UNEMPLOYED, None
    return DuesCategory.SALARIED, Decimal(rng.randrange(2600, 13000, 10))


def _pattern(rng: random.Random) -> str:
    roll = rng.random()
    return ("all" if roll < 0.80 else "behind1" if roll < 0.88 else "behind3" if roll < 0.93
            else "lapsed" if roll < 0.96 else "lump" if roll < 0.99 else "none")


def _paid_months(pattern: str, due: list[dt.date], rng: random.Random) -> list[tuple[dt.date, int]]:
    """(month, months late) for each month paid."""
    if pattern == "none":
        return []
    if pattern == "behind1":
        return [(m, 0) for m in due[:-1]]
    if pattern == "behind3":
        return [(m, 0) for m in due[:-rng.randint(2, 3)]]
    if pattern == "lapsed":
        return [(m, 0) for m in due[:-rng.randint(6, 8)]]
    if pattern == "lump":  # paid the first half of the year eight months late, all at once
        late = [(m, 8 - i) for i, m in enumerate(due[:6])]
        return late + [(m, 0) for m in due[6:]]
    return [(m, 0) for m in due]


@transaction.atomic
def generate(*, seed: int, today: dt.date, stdout=None, **_) -> None:
    rng = random.Random(seed * 31 + 16)
    current = rules.month_start(today)
    start = rules.add_months(current, -12)
    window = [rules.add_months(start, i) for i in range(12)]
    members = list(Member.objects.filter(status=PartyStatus.NORMAL).order_by("id")
                   .values_list("id", "category", "joined_on", "org_id", "org__path", "hardship"))
    if not members:
        _say(stdout, "没有党员数据：跳过党费演示数据")
        return
    parents = dict(Organization.objects.values_list("path", "id"))
    bases, payments, reliefs, arrangements = [], [], [], []
    for member_id, category, joined_on, org_id, path, hardship in members:
        dues_category, base = _category(category, rng)
        assessment = rules.monthly_amount(dues_category, base)
        first = max(start, rules.first_due_month(joined_on))
        bases.append(DuesBase(member_id=member_id, category=dues_category, base=base,
                              monthly_amount=assessment.amount, rule_version=assessment.version,
                              effective_from=first, note="年度核定"))
        due = [m for m in window if m >= first]
        exempt = hardship and parent_path(path) in parents and rng.random() < 0.5
        if exempt:
            reliefs.append(DuesRelief(member_id=member_id, kind=ReliefKind.EXEMPT, from_month=first,
                                      reason="生活困难", approved_by_org_id=parents[parent_path(path)],
                                      approval_ref="上级党委会议同意", approved_on=first))
            continue
        quarterly = rng.random() < 0.02
        if quarterly:
            arrangements.append(DuesArrangement(member_id=member_id, kind=ArrangementKind.QUARTERLY,
                                                consented_on=start, consent_record="支委会同意（外出务工）"))
        receiver = rng.choice(RECEIVERS)
        for month, late in _paid_months(_pattern(rng), due, rng):
            paid_on = rules.add_months(month, late) + dt.timedelta(days=rng.randint(4, 24))
            method = PaymentMethod.QUARTERLY if quarterly else rng.choice(
                [PaymentMethod.CASH, PaymentMethod.ONLINE, PaymentMethod.PAYROLL, PaymentMethod.TRANSFER])
            payments.append(DuesPayment(member_id=member_id, org_id=org_id, month=month, amount=assessment.amount,
                                        expected=assessment.amount, paid_on=min(paid_on, today),
                                        received_by=receiver, method=method))
        if rng.random() < 0.003 and due:
            payments.append(DuesPayment(member_id=member_id, org_id=org_id, kind=PaymentKind.VOLUNTARY,
                                        month=due[-1], amount=rng.choice([Decimal("200"), Decimal("1000")]),
                                        paid_on=min(due[-1] + dt.timedelta(days=10), today),
                                        received_by=receiver, method=PaymentMethod.TRANSFER, note="自愿多交"))
    DuesBase.objects.bulk_create(bases, batch_size=BATCH)
    DuesRelief.objects.bulk_create(reliefs, batch_size=BATCH)
    DuesArrangement.objects.bulk_create(arrangements, batch_size=BATCH)
    DuesPayment.objects.bulk_create(payments, batch_size=BATCH)
    _say(stdout, f"党费演示数据：{len(bases)} 名党员的基数，{len(payments)} 笔交纳（{window[0]:%Y-%m} 至 "
                 f"{window[-1]:%Y-%m}），{len(reliefs)} 人免交，{len(arrangements)} 人按季度交纳")


def wipe() -> None:
    DuesPayment.objects.all().delete()
    DuesRelief.objects.all().delete()
    DuesArrangement.objects.all().delete()
    DuesBase.objects.all().delete()


def count() -> int:
    return DuesPayment.objects.count()


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


# after orglife: its churn (deaths, 出党) settles who still owes dues this year
# after recruitment too: the people it admits are members who owe dues from their admission
register_demo("dues", generate, wipe=wipe, count=count, after=("orgs", "orglife", "recruitment"), label="党费")

if __name__ == "__main__":  # pragma: no cover
    sys.exit("请通过 dangjian demo-data 生成演示数据")
