"""The member's page and 我的信息 read 报到社区 from the report records; the old free text shows only
where no record exists, labelled 旧登记."""

import pytest
from django.urls import reverse

from dangjian.members.models import Member

pytestmark = pytest.mark.django_db


def _line(html: str) -> str:
    start = html.index('id="member-reports"')
    return html[start:html.index("</dd>", start)]


def _with_old_text(member, text="东城镇老社区"):
    Member.objects.filter(pk=member.pk).update(report_community=text)


def test_member_page_shows_the_record_not_the_old_text(tree, side, accepted, login):
    _with_old_text(side.doctor)
    html = login(side.secretary_c).get(reverse("members:detail", args=[side.doctor.pk])).content.decode()
    line = _line(html)
    assert tree.b.name in line and "已报到" in line and "在职党员报到" in line
    assert "东城镇老社区" not in html and "旧登记" not in line


def test_member_page_keeps_the_old_text_labelled_where_there_is_no_record(side, login):
    _with_old_text(side.retiree)
    line = _line(login(side.secretary_c).get(reverse("members:detail", args=[side.retiree.pk])).content.decode())
    assert "东城镇老社区" in line and "旧登记" in line


def test_member_page_without_either_says_not_reported(tree, side, login):
    line = _line(login(side.secretary_c).get(reverse("members:detail", args=[side.retiree.pk])).content.decode())
    assert "未报到" in line


def test_my_page_shows_the_record_too(tree, side, accepted, login):
    _with_old_text(side.doctor)
    html = login(side.member_user).get(reverse("members:me")).content.decode()
    line = _line(html)
    assert tree.b.name in line and "已报到" in line and "东城镇老社区" not in html
