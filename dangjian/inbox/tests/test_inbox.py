"""The 待办 inbox: fed by the modules through notify/resolve/sync, addressed to a person or to an
organisation's staff, counted in one query on every page, closed when the work is done."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied
from dangjian.inbox import actions as inbox
from dangjian.inbox.models import InboxItem
from dangjian.inbox.queries import counts, open_items
from dangjian.inbox.registry import refresh
from dangjian.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_admin(tree):
    return make_user("town_admin", org=tree.town1, role="superior_admin")


def test_an_item_to_an_organisation_reaches_its_working_staff_only(tree, town_admin):
    inbox.notify(key="t:1", source="t", title="请审核", org=tree.town1)
    assert [i.key for i in open_items(town_admin)] == ["t:1"]
    assert not open_items(tree.reader_town1).exists()  # a read-only seat is not asked to act
    assert not open_items(tree.county_admin).exists()  # nor is the level above
    assert not open_items(tree.secretary_a).exists()


def test_notify_is_idempotent_by_key_and_refreshing_makes_it_unread(tree):
    first = inbox.notify(key="t:1", source="t", title="旧", org=tree.a)
    inbox.mark_read(acting_user=tree.secretary_a, item=first)
    assert counts(tree.secretary_a) == {"open": 1, "unread": 0}
    again = inbox.notify(key="t:1", source="t", title="新", org=tree.a)
    assert again.pk == first.pk and InboxItem.objects.count() == 1
    assert counts(tree.secretary_a) == {"open": 1, "unread": 1}


def test_resolve_closes_and_a_new_notify_opens_a_new_item(tree):
    inbox.notify(key="t:1", source="t", title="一", org=tree.a)
    assert inbox.resolve(key="t:1", note="办完") == 1
    assert counts(tree.secretary_a)["open"] == 0
    inbox.notify(key="t:1", source="t", title="二", org=tree.a)
    assert InboxItem.objects.filter(key="t:1").count() == 2 and counts(tree.secretary_a)["open"] == 1


def test_work_items_cannot_be_dismissed_but_notices_can(tree):
    work = inbox.notify(key="t:work", source="t", title="待办", org=tree.a)
    notice = inbox.notify(key="t:notice", source="t", title="通知", user=tree.secretary_a, notice=True)
    with pytest.raises(ValidationError):
        inbox.acknowledge(acting_user=tree.secretary_a, item=work)
    with pytest.raises(ActionDenied):
        inbox.acknowledge(acting_user=tree.secretary_b, item=notice)
    inbox.acknowledge(acting_user=tree.secretary_a, item=notice)
    assert [i.key for i in open_items(tree.secretary_a)] == ["t:work"]


def test_sync_opens_updates_and_closes_and_spares_acknowledged_notices(tree):
    wanted = [inbox.Notice(key="s:a", title="A", org_id=tree.a.pk),
              inbox.Notice(key="s:b", title="B", org_id=tree.b.pk, is_notice=True)]
    assert inbox.sync(source="s", wanted=wanted) == {"opened": 2, "updated": 0, "closed": 0}
    assert inbox.sync(source="s", wanted=wanted) == {"opened": 0, "updated": 0, "closed": 0}
    inbox.acknowledge(acting_user=tree.secretary_b, item=InboxItem.objects.get(key="s:b"))
    changed = [inbox.Notice(key="s:a", title="A2", org_id=tree.a.pk), wanted[1]]
    assert inbox.sync(source="s", wanted=changed) == {"opened": 0, "updated": 1, "closed": 0}
    assert inbox.sync(source="s", wanted=[]) == {"opened": 0, "updated": 0, "closed": 1}
    # A partial sync leaves the other organisations' items alone.
    inbox.sync(source="s", wanted=wanted[:1])
    assert inbox.sync(source="s", wanted=[], org_ids=[tree.b.pk])["closed"] == 0


def test_the_count_is_one_query(tree, town_admin):
    for i in range(5):
        inbox.notify(key=f"t:{i}", source="t", title="x", org=tree.town1)
    inbox.notify(key="t:me", source="t", title="x", user=town_admin)
    inbox.notify(key="t:other", source="t", title="x", org=tree.town2)
    inbox.mark_read(acting_user=town_admin, item=InboxItem.objects.get(key="t:me"))
    with CaptureQueriesContext(connection) as queries:
        assert counts(town_admin) == {"open": 6, "unread": 5}
    assert len(queries) == 1
    assert counts(tree.reader_town1) == {"open": 0, "unread": 0}  # a read-only seat


def test_nav_shows_the_count_and_the_page_lists_the_items(tree, town_admin, login):
    inbox.notify(key="t:1", source="t", title="销号申请待审核：修缮阵地", org=tree.town1, body="原因很长")
    client = login(town_admin)
    html = client.get(reverse("home:home")).content.decode()
    assert 'id="nav-inbox-count">1<' in html
    assert 'id="home-inbox"' in html and "销号申请待审核：修缮阵地" in html  # the 工作台 panel
    page = client.get(reverse("inbox:list")).content.decode()
    assert "销号申请待审核：修缮阵地" in page and "原因很长" in page and "unread" in page
    item = InboxItem.objects.get(key="t:1")
    assert client.get(reverse("inbox:follow", args=[item.pk])).status_code == 302
    assert counts(town_admin) == {"open": 1, "unread": 0}  # read, still to do
    other = login(tree.secretary_b)
    assert other.get(reverse("inbox:follow", args=[item.pk])).status_code == 404


# -- the sources --------------------------------------------------------------------------------

def test_a_close_request_goes_to_the_level_above_and_closes_when_reviewed(tree, town_admin):
    from dangjian.worklists import actions
    from dangjian.worklists.testing import make_item, work_to

    item = work_to(make_item(tree.a, "活动阵地破旧"), "requested")
    [review] = open_items(town_admin)
    assert review.key == f"worklists.review:{item.pk}" and "活动阵地破旧" in review.title
    assert not open_items(tree.secretary_a).exists()
    actions.item_reject(acting_user=town_admin, item=item, reason="佐证材料缺少照片")
    assert not open_items(town_admin).exists()
    [returned] = open_items(tree.secretary_a)
    assert "退回" in returned.title and "佐证材料缺少照片" in returned.body
    assert returned.url == reverse("worklists:detail", args=[item.pk])
    # Opening it does not close it; resubmitting (the work) does.
    inbox.mark_read(acting_user=tree.secretary_a, item=returned)
    assert open_items(tree.secretary_a).exists()
    actions.item_submit(acting_user=tree.secretary_a, item=item, evidence_text="补充了照片")
    assert not open_items(tree.secretary_a).exists()
    assert open_items(town_admin).count() == 1
    actions.item_approve(acting_user=town_admin, item=item)
    assert not open_items(town_admin).exists()


def test_a_correction_reaches_the_staff_and_its_result_the_member(tree):
    from dangjian.members.selfservice.actions import correction_reject, correction_submit

    member = tree.members["a"][0]
    user = make_user("member_user")
    member.user = user
    member.save(update_fields=["user"])
    request = correction_submit(acting_user=user, field="work_unit", proposed="县供销社", reason="调动")
    [item] = open_items(tree.secretary_a)
    assert member.name in item.title and "县供销社" in item.body
    correction_reject(acting_user=tree.secretary_a, request=request, note="调动手续未到")
    assert not open_items(tree.secretary_a).exists()
    [result] = open_items(user)
    assert result.is_notice and "未予更正" in result.title and "调动手续未到" in result.body


def test_terms_ending_soon_and_their_renewal(tree):
    from dangjian.orgs.actions import term_start

    today = dt.date(2026, 11, 2)
    term_start(acting_user=SYSTEM, org=tree.a, started_on=dt.date(2021, 12, 1), ends_on=dt.date(2027, 3, 1))
    term_start(acting_user=SYSTEM, org=tree.b, started_on=dt.date(2024, 1, 1), ends_on=dt.date(2029, 1, 1))
    refresh("orgs.term", today=today)
    [item] = open_items(tree.secretary_a)
    assert "2027-03-01" in item.title and not open_items(tree.secretary_b).exists()
    term_start(acting_user=SYSTEM, org=tree.a, started_on=dt.date(2026, 11, 1))
    assert not open_items(tree.secretary_a).exists()


def test_meetings_due_and_flags(tree, settings):
    from django.utils import timezone

    from dangjian.orglife import actions as orglife

    today = dt.date(2026, 11, 2)
    refresh("orglife.due", today=today)
    titles = [i.title for i in open_items(tree.secretary_a)]
    assert any("期未按要求召开" in t for t in titles), titles
    held = timezone.make_aware(dt.datetime(2026, 3, 5, 9))
    orglife.meeting_record(acting_user=SYSTEM, org=tree.a, types=("theme_day",), held_at=held,
                           entered_at=held + dt.timedelta(days=30), title="补录的会",
                           attendance=[{"member": m.pk, "status": "present"} for m in tree.members["a"]])
    refresh("orglife.flags", today=today)
    flags = [i for i in open_items(tree.secretary_a) if i.source == "orglife.flags"]
    assert len(flags) == 1 and flags[0].is_notice and "核查提示" in flags[0].title


def test_overdue_items_summarised_for_the_org_and_escalated(tree, town_admin):
    from dangjian.worklists.testing import make_item, work_to

    work_to(make_item(tree.a, "逾期事项", deadline=dt.date(2026, 10, 1)), "in_progress")
    refresh("worklists.reminders", today=dt.date(2026, 11, 2))
    assert [i.title for i in open_items(tree.secretary_a)] == ["本组织有 1 项清单事项已超期"]
    assert [i.title for i in open_items(town_admin)] == ["下级有 1 项清单事项超期，请督办"]


def test_no_mail_unless_an_smtp_server_is_configured(tree, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    tree.secretary_a.email = "a@example.gov.cn"
    tree.secretary_a.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        inbox.notify(key="t:1", source="t", title="x", org=tree.a)
    assert callbacks == [] and not DBTaskResult.objects.exists()


def test_mail_goes_to_the_staff_through_the_worker_when_configured(tree, settings, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    from dangjian.jobs.testing import run_jobs

    settings.INBOX_EMAIL = True
    tree.secretary_a.email = "a@example.gov.cn"
    tree.secretary_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        inbox.notify(key="t:1", source="t", title="销号申请被退回：修缮阵地", body="原因：缺照片", org=tree.a)
    assert mailoutbox == []  # not inside the request: the worker sends it
    run_jobs()
    [mail] = mailoutbox
    assert mail.to == ["a@example.gov.cn"] and "销号申请被退回" in mail.subject and "缺照片" in mail.body
