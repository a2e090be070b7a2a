"""通知公告: recipients by level, delivery into 待办, receipts by organisations, scope."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.errors import ActionDenied
from dangjian.core.models import ChangeRecord
from dangjian.inbox.models import InboxItem
from dangjian.inbox.queries import addressed_to
from dangjian.notices import actions, rules
from dangjian.notices.models import Recipient

pytestmark = pytest.mark.django_db


def test_recipient_rule():
    rows = [(1, "0001", True), (2, "00010001", True), (3, "000100010001", True), (4, "000100010002", False),
            (5, "0002", True)]
    assert rules.recipients("0001", rows, "children") == [2]
    assert rules.recipients("0001", rows, "subtree") == [2, 3]  # not the sender, not a 党小组, not outside
    assert rules.notice_errors("", "x", "subtree") == {"title": "标题不能为空"}


def test_publish_delivers_to_each_level_below(tree):
    notice = actions.notice_publish(acting_user=tree.county_admin, org=tree.county, title="关于开展动态排查的通知",
                                    body="请各乡镇于月底前完成。", audience="children", receipt_required=True)
    recipients = set(Recipient.objects.filter(notice=notice).values_list("org", flat=True))
    assert recipients == {tree.town1.pk, tree.town2.pk}
    items = InboxItem.objects.filter(source=f"notices:{notice.pk}", done_at__isnull=True)
    assert {i.org_id for i in items} == {tree.town1.pk, tree.town2.pk}
    assert not any(i.is_notice for i in items)  # a receipt is work to do, not just information
    assert ChangeRecord.objects.filter(action="notice_publish").count() == 1


def test_receipt_by_the_organisation_closes_its_inbox_item(tree, login):
    notice = actions.notice_publish(acting_user=tree.county_admin, org=tree.town1, title="通知", body="正文",
                                    audience="subtree", receipt_required=True)
    mine = Recipient.objects.get(notice=notice, org=tree.a)
    assert addressed_to(tree.secretary_a).filter(done_at__isnull=True).count() == 1
    with pytest.raises(ActionDenied):
        actions.notice_confirm(acting_user=tree.secretary_b, recipient=mine)
    client = login(tree.secretary_a)
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "代表东城镇红星村党支部回执" in page
    client.post(f"/notices/{notice.pk}/confirm/", {"recipient": mine.pk})
    mine.refresh_from_db()
    assert mine.confirmed_at is not None
    assert addressed_to(tree.secretary_a).filter(done_at__isnull=True).count() == 0
    with pytest.raises(ValidationError, match="已回执"):
        actions.notice_confirm(acting_user=tree.secretary_a, recipient=mine)
    sender_page = login(tree.county_admin).get(f"/notices/{notice.pk}/").content.decode()
    assert "已回执 1 / 2" in sender_page


def test_scope_and_attachment(tree, login):
    with pytest.raises(ActionDenied):
        actions.notice_publish(acting_user=tree.secretary_a, org=tree.town1, title="x", body="y")
    with pytest.raises(ValidationError):
        actions.notice_publish(acting_user=tree.county_admin, org=tree.county, title="x", body="y",
                               upload=SimpleUploadedFile("a.pdf", b"not a pdf"))
    notice = actions.notice_publish(acting_user=tree.county_admin, org=tree.town2, title="西山镇通知", body="正文",
                                    upload=SimpleUploadedFile("通知.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert login(tree.county_admin).get(f"/notices/{notice.pk}/file/").status_code == 200
    assert login(tree.secretary_a).get(f"/notices/{notice.pk}/").status_code == 404
    assert "西山镇通知" not in login(tree.secretary_a).get("/notices/").content.decode()
