"""流动党员台账 (.xlsx): the subtree's open outflows with their 活动证, last reports and status, the
inflows and the ended outflows — read back with openpyxl; scoped and audited."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.actors import SYSTEM
from dangjian.core.models import ChangeRecord
from dangjian.mobility import actions
from dangjian.testing import make_member, make_org

from .conftest import away, report

pytestmark = pytest.mark.django_db


def _book(response):
    assert response.status_code == 200, response.content
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _rows(sheet):
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.fixture
def ledger_data(tree, today):
    a0, a1, b0 = tree.members["a"][0], tree.members["a"][1], tree.members["b"][0]
    carded = away(a0, today, 7, place="广东省东莞市", contact="13800000000")
    day = dt.timedelta(days=1)
    actions.card_issue(acting_user=SYSTEM, outflow=carded, number="LD-2025-001", issued_on=today - 400 * day,
                       expires_on=today - 35 * day)
    actions.card_issue(acting_user=SYSTEM, outflow=carded, number="=LD-2026-002", issued_on=today - 30 * day,
                       expires_on=today + 10 * day)  # renewed: the later expiry is the card
    report(carded, today - dt.timedelta(days=20))
    report(carded, today - dt.timedelta(days=3), kind="contact")
    ended = away(a1, today, 3, place="上海市")
    actions.outflow_close(acting_user=SYSTEM, outflow=ended, status="returned", on=today,
                          expected_version=ended.version)
    away(b0, today, 2, place="北京市")  # branch B: outside secretary A's ledger
    actions.inflow_register(acting_user=SYSTEM, org=tree.a, name="王流入", origin_org="南充市某村党支部",
                            origin_place="四川省南充市", arrived_on=today - dt.timedelta(days=60))
    return carded


def test_ledger_of_a_branch(tree, login, today, ledger_data):
    book = _book(login(tree.secretary_a).get(reverse("mobility:ledger_xlsx", args=[tree.a.pk])))
    assert book.sheetnames == ["流出党员", "流入党员", "已结束的外出"]
    rows = _rows(book["流出党员"])
    assert rows[0][:3] == ["序号", "姓名", "流出党组织"] and "活动证编号" in rows[0]
    assert len(rows) == 2  # one open outflow in A; B's and the ended one are not here
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["姓名"] == ledger_data.member.name and line["外出地点"] == "广东省东莞市"
    assert line["活动证编号"] == "'=LD-2026-002"  # the latest card, and a formula-looking text stays text
    assert line["活动证有效期至"].date() == today + dt.timedelta(days=10)
    assert line["最近一次年度报告"].date() == today - dt.timedelta(days=20)
    assert line["最近一次报告或联系"].date() == today - dt.timedelta(days=3)
    assert line["状态"] == "外出中" and "应转接组织关系" in line["提示"] and "活动证即将到期" in line["提示"]
    inflows = _rows(book["流入党员"])
    assert inflows[1][1:4] == ["王流入", "四川省南充市", "南充市某村党支部"]
    closed = _rows(book["已结束的外出"])
    assert len(closed) == 2 and closed[1][1] == tree.members["a"][1].name and closed[1][6] == "已返回"
    record = ChangeRecord.objects.get(action="export", object_type="mobility.outflow")
    assert record.actor == tree.secretary_a and record.after == {"rows": 3, "filters": {"org": tree.a.code}}


def test_ledger_of_the_county_spans_the_subtree(tree, login, today, ledger_data):
    book = _book(login(tree.county_admin).get(reverse("mobility:ledger_xlsx", args=[tree.county.pk])))
    places = sorted(r[3] for r in _rows(book["流出党员"])[1:])
    assert places == ["北京市", "广东省东莞市"]


def test_ledger_is_scoped_and_linked(tree, login, ledger_data):
    url = reverse("mobility:ledger_xlsx", args=[tree.a.pk])
    assert login(tree.secretary_b).get(url).status_code == 404
    assert not ChangeRecord.objects.filter(action="export").exists()
    client = login(tree.secretary_a)
    assert url in client.get(reverse("mobility:branch", args=[tree.a.pk])).content.decode()
    assert url in client.get(reverse("mobility:overview"), {"org": tree.a.pk}).content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        _book(client.get(url))
    return len(captured)


def test_ledger_queries_do_not_grow_with_branches(tree, login, today, ledger_data):
    client, url = login(tree.county_admin), reverse("mobility:ledger_xlsx", args=[tree.county.pk])
    before = _queries(client, url)
    for n in range(3):  # three more branches, each with an outflow, a card, a report and an inflow
        branch = make_org(tree.town2, f"西山镇新支部{n}", f"C0001-02-1{n}")
        outflow = away(make_member(branch), today, 4, place=f"外地{n}")
        actions.card_issue(acting_user=SYSTEM, outflow=outflow, number=f"LD-X-{n}", issued_on=today,
                           expires_on=today + dt.timedelta(days=300))
        report(outflow, today)
        actions.inflow_register(acting_user=SYSTEM, org=branch, name=f"流入{n}", origin_org="某党支部",
                                origin_place="某地", arrived_on=today)
    assert _queries(client, url) == before
    assert len(_rows(_book(client.get(url))["流出党员"])) == 1 + 2 + 3
