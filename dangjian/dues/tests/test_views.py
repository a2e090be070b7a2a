"""The 党费 pages: scope, the month screen, publication without bases, exports, 我的信息."""

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from dangjian.core.models import ChangeRecord
from dangjian.dues import rules
from dangjian.dues.models import DuesPayment

from .conftest import pay, pay_months

pytestmark = pytest.mark.django_db


def test_overview_for_the_county_and_a_branch_page(tree, login, year_start, bases):
    pay_months(tree.members["a"][0], year_start, 12)
    client = login(tree.county_admin)
    html = client.get(reverse("dues:overview"), {"year": year_start.year}).content.decode()
    assert "东城镇党委" in html and "西山镇党委" in html and "11.1%" in html  # 12 of 108 member-months
    html = client.get(reverse("dues:overview"), {"org": tree.town1.pk, "year": year_start.year}).content.decode()
    assert "东城镇红星村党支部" in html and "西山镇" not in html
    page = client.get(reverse("dues:branch", args=[tree.a.pk]), {"year": year_start.year}).content.decode()
    assert tree.members["a"][0].name in page and "√40.00" in page and "个月未交" in page


def test_pages_outside_the_scope_are_404_and_read_only_cannot_record(tree, login, this_month, bases):
    client = login(tree.secretary_b)
    assert client.get(reverse("dues:branch", args=[tree.a.pk])).status_code == 404
    assert client.get(reverse("dues:member", args=[tree.members["a"][0].pk])).status_code == 404
    assert client.get(reverse("dues:ledger_xlsx", args=[tree.a.pk])).status_code == 404
    reader = login(tree.reader_town1)
    assert reader.get(reverse("dues:branch", args=[tree.a.pk])).status_code == 200
    assert reader.get(reverse("dues:month", args=[tree.a.pk])).status_code == 403


def test_month_screen_records_the_branch_in_one_submit(tree, login, this_month, bases):
    client = login(tree.secretary_a)
    month = rules.add_months(this_month, -1)
    members = tree.members["a"]
    url = reverse("dues:month", args=[tree.a.pk])
    html = client.get(url, {"month": f"{month:%Y-%m}"}).content.decode()
    assert all(m.name in html for m in members) and 'value="40.00"' in html
    data = {"month": f"{month:%Y-%m}", "paid_on": f"{this_month:%Y-%m-%d}", "received_by": "组织委员"}
    for m in members[:3]:
        data.update({f"paid_{m.pk}": "on", f"amount_{m.pk}": "40.00", f"method_{m.pk}": "cash", f"v_{m.pk}": ""})
    response = client.post(url, data)
    assert response.status_code == 302
    assert DuesPayment.objects.filter(month=month).count() == 3
    # the same screen submitted again (stale: it showed no payments) is a conflict, nothing changes
    data[f"amount_{members[0].pk}"] = "45.00"
    response = client.post(url, data)
    assert response.status_code == 409 and members[0].name in response.content.decode()
    assert DuesPayment.objects.get(member=members[0], month=month).amount == D("40.00")


def test_publication_shows_months_not_bases(tree, login, year_start, bases):
    pay(tree.members["a"][0], year_start)
    html = login(tree.secretary_a).get(reverse("dues:publication", args=[tree.a.pk]),
                                       {"year": year_start.year}).content.decode()
    assert tree.members["a"][0].name in html and "√" in html
    assert "4000" not in html and "40.00" not in html


def test_ledger_summary_and_certificate_are_audited(tree, login, year_start, bases):
    pay_months(tree.members["a"][0], year_start, 3)
    client = login(tree.secretary_a)
    ledger = client.get(reverse("dues:ledger_xlsx", args=[tree.a.pk]), {"year": year_start.year})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(ledger.streaming_content)))
    first = [c.value for c in book.worksheets[0][2]]
    assert first[0] == tree.members["a"][0].name and first[1:4] == [40, 40, 40] and first[13] == 480
    summary = client.get(reverse("dues:summary_xlsx"), {"year": year_start.year})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(summary.streaming_content)))
    assert book.worksheets[0][2][0].value == tree.a.name
    cert = client.get(reverse("dues:certificate", args=[tree.members["a"][0].pk]))
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(cert.content)).paragraphs)
    assert "党费缴纳证明" in text and f"{rules.add_months(year_start, 2):%Y年%m月}" in text
    assert ChangeRecord.objects.filter(action="export", object_type="dues.duespayment").count() == 3


def test_member_page_sets_a_base_and_the_member_sees_their_history(tree, login, year_start, bases):
    member = tree.members["a"][0]
    client = login(tree.secretary_a)
    response = client.post(reverse("dues:member", args=[member.pk]), {
        "form": "base", "category": "retired", "base": "6000", "effective_from": f"{year_start:%Y}-07"})
    assert response.status_code == 302
    assert "60.00" in client.get(reverse("dues:member", args=[member.pk])).content.decode()
    bad = client.post(reverse("dues:member", args=[member.pk]), {
        "form": "base", "category": "farmer", "base": "5", "effective_from": f"{year_start:%Y}-07"})
    assert bad.status_code == 400 and "0.2" in bad.content.decode()
    pay(member, year_start)
    from dangjian.testing import make_user

    own = make_user("member_a0")
    member.user = own
    member.save(update_fields=["user"])
    me = login(own).get(reverse("members:me")).content.decode()
    assert 'id="my-dues"' in me and f"{year_start:%Y-%m}" in me and "4000" not in me
