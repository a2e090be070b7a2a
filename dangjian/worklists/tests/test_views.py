"""Pages: scope on every list, filter, export and id; transitions through the pages; counts."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core.actors import SYSTEM
from dangjian.worklists.choices import State
from dangjian.worklists.models import Evidence, WorkItem
from dangjian.worklists.testing import make_item, work_to

pytestmark = pytest.mark.django_db


def _table(response) -> str:
    html = response.content.decode()
    start = html.index('id="item-table"')
    return html[start:html.index("</table>", start)]


def test_list_shows_only_own_branch(tree, items, login):
    client = login(tree.secretary_a)
    html = _table(client.get(reverse("worklists:list")))
    assert items["a"].title in html and items["a_late"].title in html
    assert not any(items[k].title in html for k in ("b", "c", "town1"))


@pytest.mark.parametrize("params", [
    {"org": "B"}, {"q": "新华社区"}, {"scope": "mine"}, {"scope": "org"}, {"overdue": "1"}, {"state": "pending"},
    {"org": "TOWN", "kind": "problem"},
])
def test_filters_never_reach_other_branch(tree, items, login, params):
    client = login(tree.secretary_a)
    params = {k: {"B": tree.b.pk, "TOWN": tree.town1.pk}.get(v, v) for k, v in params.items()}
    html = _table(client.get(reverse("worklists:list"), params))
    assert items["b"].title not in html and items["c"].title not in html


def test_filters(tree, items, login, today, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: today)
    client = login(tree.county_admin)
    assert items["c"].title in _table(client.get(reverse("worklists:list"), {"overdue": "1"}))
    assert items["b"].title not in _table(client.get(reverse("worklists:list"), {"overdue": "1"}))
    html = _table(client.get(reverse("worklists:list"), {"org": tree.town1.pk}))
    assert items["b"].title in html and items["c"].title not in html
    html = _table(client.get(reverse("worklists:list"), {"due_soon": "1"}))
    assert items["a"].title in html and items["b"].title not in html


def test_mine_and_org_scopes(tree, items, login):
    client = login(tree.county_admin)
    make_item(tree.county, "县委层面的事项")
    assert "县委层面的事项" in _table(client.get(reverse("worklists:list"), {"scope": "org"}))
    assert items["a"].title not in _table(client.get(reverse("worklists:list"), {"scope": "org"}))
    assert items["a"].title in _table(client.get(reverse("worklists:list"), {"scope": "all"}))
    mine = make_item(tree.c, "点名给县管理员的事项")
    mine.persons.add(tree.county_admin)
    html = _table(client.get(reverse("worklists:list"), {"scope": "mine"}))
    assert "点名给县管理员的事项" in html and items["c"].title not in html


def test_counts_by_state(tree, items, login, today):
    work_to(items["a"], State.CLOSED, today=today)
    work_to(items["a_late"], State.IN_PROGRESS, today=today)
    client = login(tree.secretary_a)
    counts = client.get(reverse("worklists:list")).context["counts"]
    assert counts["total"] == 2 and counts["close_rate"] == 50.0
    assert dict((s, n) for s, _, n in counts["by_state"]) == {
        "pending": 0, "in_progress": 1, "requested": 0, "closed": 1}


@pytest.mark.parametrize("name", ["worklists:detail", "worklists:edit"])
def test_item_pages_of_other_branch_are_404(tree, items, login, name):
    client = login(tree.secretary_a)
    assert client.get(reverse(name, args=[items["b"].pk])).status_code == 404


@pytest.mark.parametrize(("name", "args", "data"), [
    ("worklists:edit", [], {"title": "改", "kind": "task", "source": "other", "priority": 2,
                            "review_interval_days": 90, "version": 1}),
    ("worklists:progress", [], {"text": "越权"}),
    ("worklists:evidence", [], {"text": "越权"}),
    ("worklists:transition", ["claim"], {}),
])
def test_writes_to_other_branch_are_404_and_change_nothing(tree, items, login, name, args, data):
    client = login(tree.secretary_a)
    item = items["b"]
    assert client.post(reverse(name, args=[item.pk, *args]), data).status_code == 404
    fresh = WorkItem.objects.get(pk=item.pk)
    assert (fresh.title, fresh.state, fresh.version) == (item.title, item.state, item.version)
    assert not fresh.progress.exists() and not fresh.evidence.exists()


def test_evidence_file_of_other_branch_is_404(tree, items, login):
    work_to(items["b"], State.REQUESTED)
    from dangjian.worklists import actions

    actions.evidence_add(acting_user=SYSTEM, item=items["a"], upload=SimpleUploadedFile("x.pdf", b"%PDF-1.4 a"))
    evidence_a = Evidence.objects.filter(item=items["a"], file__gt="").get()
    client = login(tree.secretary_b)
    assert client.get(reverse("worklists:evidence_file", args=[evidence_a.pk])).status_code == 404
    client = login(tree.secretary_a)
    response = client.get(reverse("worklists:evidence_file", args=[evidence_a.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 a"


def _export(client, params=None):
    response = client.get(reverse("worklists:export"), params or {})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    return list(openpyxl.load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True))


def test_export_layout_and_scope(tree, items, login):
    client = login(tree.secretary_a)
    rows = _export(client)
    assert list(rows[0]) == ["序号", "问题/任务", "整改措施", "责任单位", "责任人", "完成时限", "进展情况", "状态"]
    text = " ".join(str(c) for r in rows for c in r if c)
    assert items["a"].title in text and "1. 制定整改方案" in text
    for params in (None, {"org": tree.b.pk}, {"q": items["b"].title}):
        text = " ".join(str(c) for r in _export(client, params) for c in r if c)
        assert items["b"].title not in text and items["c"].title not in text


def test_export_is_safe_against_formulas(tree, login):
    make_item(tree.a, "=HYPERLINK(\"http://x\")", person_names="=1+1", measures=["@SUM(A1)"])
    rows = _export(login(tree.secretary_a))
    row = rows[1]
    assert row[4] == "'=1+1" and str(row[2]).startswith("'@")


def test_page_lifecycle_owner_then_county(tree, items, login, client):
    item = items["a"]
    client = login(tree.secretary_a)
    client.post(reverse("worklists:transition", args=[item.pk, "claim"]), {"version": 1})
    response = client.post(reverse("worklists:evidence", args=[item.pk]),
                           {"text": "已整改", "file": SimpleUploadedFile("记录.pdf", b"%PDF-1.5 x"), "submit": "on",
                            "version": 2})
    assert response.status_code == 302
    assert WorkItem.objects.get(pk=item.pk).state == State.REQUESTED
    detail = client.get(reverse("worklists:detail", args=[item.pk]))
    assert "审核销号" not in detail.content.decode()
    version = WorkItem.objects.get(pk=item.pk).version
    client.post(reverse("worklists:transition", args=[item.pk, "approve"]), {"version": version})
    assert WorkItem.objects.get(pk=item.pk).state == State.REQUESTED
    client.logout()
    client = login(tree.county_admin)
    detail = client.get(reverse("worklists:detail", args=[item.pk])).content.decode()
    assert "审核销号" in detail and "记录.pdf" in detail
    client.post(reverse("worklists:transition", args=[item.pk, "reject"]), {"reason": "", "version": version})
    assert WorkItem.objects.get(pk=item.pk).state == State.REQUESTED
    client.post(reverse("worklists:transition", args=[item.pk, "approve"]), {"reason": "同意销号", "version": version})
    assert WorkItem.objects.get(pk=item.pk).state == State.CLOSED


def test_stale_page_is_refused(tree, items, login):
    client = login(tree.secretary_a)
    client.post(reverse("worklists:transition", args=[items["a"].pk, "claim"]), {"version": 1})
    response = client.post(reverse("worklists:transition", args=[items["a"].pk, "claim"]), {"version": 1},
                           follow=True)
    assert "已被他人修改" in response.content.decode()


def test_create_and_edit_pages(tree, login):
    client = login(tree.secretary_a)
    data = {"kind": "problem", "source": "self_check", "title": "党员发展程序不规范", "org": tree.a.pk,
            "symptoms": "谈话记录缺失", "causes": "制度学习不够", "measures": "组织专题学习\n补齐谈话记录",
            "priority": 1, "review_interval_days": 60, "deadline": "2026-09-30"}
    response = client.post(reverse("worklists:new"), data)
    item = WorkItem.objects.get(title="党员发展程序不规范")
    assert response.status_code == 302 and item.measures.count() == 2
    response = client.post(reverse("worklists:new"), {**data, "org": tree.b.pk})
    assert response.status_code == 200 and WorkItem.objects.count() == 1
    edit = {**data, "title": "党员发展程序不规范（修订）", "version": item.version}
    assert client.post(reverse("worklists:edit", args=[item.pk]), edit).status_code == 302
    response = client.post(reverse("worklists:edit", args=[item.pk]), {**edit, "title": "旧版本"})
    assert response.status_code == 409
    assert WorkItem.objects.get(pk=item.pk).title == "党员发展程序不规范（修订）"


def test_stats_page_rolls_up(tree, items, login, today):
    work_to(items["a"], State.CLOSED, today=today)
    client = login(tree.county_admin)
    rows = {r.name: r for r in client.get(reverse("worklists:stats")).context["rows"]}
    assert rows["县委"].total == 5 and rows["县委"].closed == 1
    assert rows["东城镇党委"].total == 4 and rows["东城镇党委"].close_rate == 25.0
    client = login(tree.secretary_a)
    rows = client.get(reverse("worklists:stats"), {"org": tree.county.pk}).context["rows"]
    assert [r.name for r in rows] == [tree.a.name] and rows[0].total == 2


def test_today_is_used_for_overdue(tree, login):
    make_item(tree.a, "昨天到期", deadline=dt.date.today() - dt.timedelta(days=1))
    html = _table(login(tree.secretary_a).get(reverse("worklists:list")))
    assert "超期1天" in html


def test_export_of_my_items(tree, items, login):
    items["c"].persons.add(tree.secretary_a)
    items["a"].persons.add(tree.secretary_a)
    rows = _export(login(tree.secretary_a), {"scope": "mine"})
    titles = [r[1] for r in rows[1:]]
    assert len(titles) == 2 and not any(items["c"].title in t for t in titles)


def test_saving_an_unchanged_form_changes_nothing_and_persons_show_in_mine(tree, items, login):
    client = login(tree.secretary_a)
    item = items["a"]
    form = client.get(reverse("worklists:edit", args=[item.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["orgs"] = data.get("orgs") or []
    data.pop("org", None)
    assert client.post(reverse("worklists:edit", args=[item.pk]), data).status_code == 302
    assert WorkItem.objects.get(pk=item.pk).version == item.version
    assert tree.secretary_b not in form.fields["persons"].queryset
    data["persons"] = [tree.secretary_a.pk]
    client.post(reverse("worklists:edit", args=[item.pk]), data)
    assert list(WorkItem.objects.get(pk=item.pk).persons.all()) == [tree.secretary_a]
    assert WorkItem.objects.get(pk=item.pk).version == item.version + 1


def test_deep_pages_keep_the_order(tree, login):
    for n in range(120):
        make_item(tree.a, f"分页事项{n:03d}", deadline=dt.date(2026, 1, 1) + dt.timedelta(days=n))
    client = login(tree.secretary_a)
    pages = [client.get(reverse("worklists:list"), {"page": p}).context["page"] for p in (1, 2, 3)]
    titles = [i.title for page in pages for i in page]
    assert titles == [f"分页事项{n:03d}" for n in range(120)]


@pytest.mark.parametrize("query", [{"document": "9" * 25}, {"org": "9" * 25}])
def test_ids_past_what_a_database_holds_are_ignored_not_500(tree, login, query):
    assert login(tree.county_admin).get(reverse("worklists:list"), query).status_code == 200
