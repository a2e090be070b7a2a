"""Benchmark of 党费 for ``dangjian bench``: a year of monthly dues for every member under the root
(bulk_create, tagged and removed afterwards), then

- the subtree reconciliation of the root (set-based: a fixed number of queries);
- recording one branch's month through ``month_record`` (the largest branch, up to 50 members);
- importing a payroll sheet of bases for every member under the root (``import_bases``).

The measurement data lives in the years 2098–2099 so it never meets real or demo rows."""

from __future__ import annotations

import datetime as dt
import io
import random
import statistics
import time
from decimal import Decimal

from django.db import connection
from django.db.models import Count
from openpyxl import Workbook

from dangjian.core.benchmarking import ms
from dangjian.core.excel import MAX_IMPORT_ROWS
from dangjian.core.registry import register_bench
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member

from . import actions, queries, rules
from .choices import DuesCategory
from .importing import HEADERS, SHEET_TITLE, import_bases
from .models import DuesBase, DuesPayment

YEAR = 2099
TODAY = dt.date(YEAR + 1, 1, 10)  # every month of the bench year is over
TAG = "性能测试（可删除）"
BATCH = 5000


def _members(root):
    return list(Member.objects.filter(org__path__startswith=root.path, status=PartyStatus.NORMAL)
                .order_by("id").values_list("id", "org_id"))


def seed_year(root, *, seed: int = 16) -> int:
    """A base from Jan 2098 and ~90 % of the months of 2099 paid, for every member under ``root``."""
    rng = random.Random(seed)
    members = _members(root)
    start = dt.date(YEAR - 1, 1, 1)
    bases, payments = [], []
    for member_id, org_id in members:
        base = Decimal(rng.randrange(2600, 12000, 10))
        amount = rules.monthly_amount(DuesCategory.SALARIED, base).amount
        bases.append(DuesBase(member_id=member_id, category=DuesCategory.SALARIED, base=base, monthly_amount=amount,
                              rule_version="2008", effective_from=start, note=TAG))
        paid_to = 12 if rng.random() < 0.85 else rng.randint(0, 11)
        payments += [DuesPayment(member_id=member_id, org_id=org_id, month=dt.date(YEAR, m, 1), amount=amount,
                                 expected=amount, paid_on=dt.date(YEAR, m, 15), received_by="组织委员", note=TAG)
                     for m in range(1, paid_to + 1)]
    DuesBase.objects.bulk_create(bases, batch_size=BATCH)
    DuesPayment.objects.bulk_create(payments, batch_size=BATCH)
    if connection.vendor == "postgresql" and connection.get_autocommit():
        # what autovacuum would do on a live table: statistics and the visibility map
        with connection.cursor() as cursor:
            for model in (DuesBase, DuesPayment):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    return len(payments)


def cleanup() -> None:
    DuesPayment.objects.filter(month__gte=dt.date(YEAR - 1, 1, 1)).delete()
    DuesBase.objects.filter(effective_from__gte=dt.date(YEAR - 1, 1, 1)).delete()


def _time_month(user, root) -> tuple[float, int]:
    """Median of five months of the largest branch (up to 50 lines), each a fresh month of 2098."""
    branch_id = (Member.objects.filter(org__path__startswith=root.path, status=PartyStatus.NORMAL).values("org_id")
                 .annotate(n=Count("pk")).order_by("-n").values_list("org_id", flat=True).first())
    branch = type(root).objects.get(pk=branch_id)
    lines = queries.member_lines(user, branch, [dt.date(YEAR - 1, 1, 1)], today=TODAY)[:50]
    runs = []
    for month_no in range(1, 7):
        month = dt.date(YEAR - 1, month_no, 1)
        entries = [actions.MonthEntry(member_id=line.member.pk, paid=True,
                                      amount=line.expected.get(dt.date(YEAR - 1, 1, 1)) or "1.00") for line in lines]
        started = time.perf_counter()
        actions.month_record(acting_user=user, org=branch, month=month, entries=entries,
                             paid_on=dt.date(YEAR - 1, 12, 20), received_by="组织委员", today=TODAY)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs[1:]), len(lines)


def _sheet(root) -> tuple[io.BytesIO, int]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.append(HEADERS)
    rows = 0
    # one file holds at most MAX_IMPORT_ROWS (the goal is stated for 100,000 bases); a city has more members
    members = Member.objects.filter(org__path__startswith=root.path, status=PartyStatus.NORMAL).order_by("id")
    for member in members[:MAX_IMPORT_ROWS]:
        sheet.append([member.reveal_id_number(), member.name, "在职", "5200.00", f"{YEAR}-07", TAG])
        rows += 1
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out, rows


def dues_step(ctx) -> list[tuple[str, str, str]]:
    root, user = ctx.root, ctx.user
    rows: list[tuple[str, str, str]] = []
    try:
        started = time.perf_counter()
        count = seed_year(root)
        rows.append((f"写入一年党费 {count:,} 笔（bulk_create）", f"{time.perf_counter() - started:.1f} s", ""))
        runs = []
        queries.reconcile(user, root, YEAR, today=TODAY)
        for _ in range(5):
            started = time.perf_counter()
            queries.reconcile(user, root, YEAR, today=TODAY)
            runs.append(time.perf_counter() - started)
        rows.append((f"根组织党费对账 reconcile（{count:,} 笔，5 次中位数 / 最大）",
                     f"{ms(statistics.median(runs))} / {ms(max(runs))}", "≤ 2 s（市级）"))
        median, lines = _time_month(user, root)
        rows.append((f"登记一个支部一个月的党费（{lines} 名党员，month_record 中位数）", ms(median), "≤ 200 ms"))
        source, n = _sheet(root)
        started = time.perf_counter()
        result = import_bases(acting_user=user, source=source)
        elapsed = time.perf_counter() - started
        assert result.ok, result.errors[:3]
        rows.append((f"导入党费基数 {n:,} 行（import_bases）", f"{elapsed:.1f} s",
                     "≤ 60 s（10 万行）"))
    finally:
        cleanup()
    return rows


register_bench("dues", dues_step, after=("data",), notes=(
    "党费：为根组织下每名党员写入 2099 年的基数和约九成月份的交纳（测量数据，结束后删除），"
    "测根组织对账（5 次中位数）、最大支部（至多 50 人）一个月的登记（month_record，一个事务）、"
    "全部党员（至多一个文件的上限 100,000 行）的基数导入（按公民身份号码匹配，全部检查后写入）。"))
