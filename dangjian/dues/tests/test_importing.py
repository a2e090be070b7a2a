"""Import of a payroll sheet of bases: row-level Chinese errors, nothing written on error, idempotent."""

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from dangjian.core.models import ChangeRecord
from dangjian.dues.importing import HEADERS, import_bases
from dangjian.dues.models import DuesBase
from dangjian.members.tests.test_import_views import upload

pytestmark = pytest.mark.django_db


def sheet(rows, headers=HEADERS):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "党费基数"
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def row(member, category="在职", base="4520.00", month="2026-03", **extra):
    return {"公民身份号码": member.reveal_id_number(), "姓名": member.name, "党费类别": category,
            "基数（元）": base, "起始月份": month, **extra}


def test_import_creates_then_changes_nothing(tree):
    a = tree.members["a"]
    rows = [row(a[0]), row(a[1], "离退休", "5000"), row(a[2], "学生", None), row(a[3], "农民", "0.5")]
    result = import_bases(acting_user=tree.secretary_a, source=sheet(rows))
    assert result.ok, result.errors
    assert result.created == 4
    amounts = {b.member_id: b.monthly_amount for b in DuesBase.objects.all()}
    assert amounts == {a[0].pk: D("45.20"), a[1].pk: D("25.00"), a[2].pk: D("0.20"), a[3].pk: D("0.50")}
    assert DuesBase.objects.get(member=a[0]).effective_from == dt.date(2026, 3, 1)
    again = import_bases(acting_user=tree.secretary_a, source=sheet(rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    changed = import_bases(acting_user=tree.secretary_a, source=sheet([row(a[0], base="6000")]))
    assert changed.updated == 1 and DuesBase.objects.get(member=a[0]).monthly_amount == D("90.00")
    assert ChangeRecord.objects.filter(action="dues_base_set").count() == 5
    assert ChangeRecord.objects.filter(action="import", object_type="dues.duesbase").count() == 3


def test_every_bad_row_is_reported_and_nothing_written(tree):
    a, c = tree.members["a"], tree.members["c"]
    rows = [
        row(a[0]),
        row(a[1], base="abc"),
        row(a[2], category="农民", base="3"),
        {**row(a[3]), "姓名": "别人"},
        row(c[0]),  # outside secretary_a's branch
        row(a[0]),  # the same member and month twice
        {**row(a[1]), "起始月份": "三月"},
    ]
    result = import_bases(acting_user=tree.secretary_a, source=sheet(rows))
    assert not result.ok and not DuesBase.objects.exists()
    found = {(e.row, e.column) for e in result.errors}
    assert {(3, "基数（元）"), (4, "基数（元）"), (5, "姓名"), (6, "公民身份号码"), (2, "公民身份号码"),
            (7, "公民身份号码"), (8, "起始月份")} <= found
    messages = " ".join(e.message for e in result.errors)
    assert "不在您的管辖范围内" in messages and "不一致" in messages and "0.2" in messages
    assert ChangeRecord.objects.filter(action="import", object_type="dues.duesbase").count() == 1


def test_import_page_and_template(tree, login):
    client = login(tree.secretary_a)
    response = client.post(reverse("dues:import"), {"file": upload([row(tree.members["a"][0])], HEADERS, "基数.xlsx")})
    assert response.status_code == 200 and "新增 <strong>1</strong> 条" in response.content.decode()
    template = client.get(reverse("dues:import_template"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(template.streaming_content)))
    assert [c.value for c in book["党费基数"][1]][:2] == ["公民身份号码", "姓名"]
