"""三员分立 in the audit log (issue 12 item 5): the audit administrator sees who did what to which
member record, never the member's personal data; the business user with the scope sees it all on
the member's own page."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.jobs.testing import finished_download
from dangjian.members.actions import member_update
from dangjian.testing import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed(tree):
    member = make_member(tree.a, name="欧阳秘密", address="幸福路88号")
    member_update(acting_user=tree.secretary_a, member=member, address="光明街17号", ethnicity="回族")
    return member


def _personal(member):
    return ["欧阳秘密", "幸福路88号", "光明街17号", "回族", member.birth_date.isoformat(), member.id_number_masked]


def test_the_audit_administrator_sees_who_did_what_to_which_member_but_no_personal_data(changed, admins, client):
    client.force_login(admins.audit)
    page = client.get(reverse("administration:audit")).content.decode()
    assert f"党员 #{changed.pk}" in page and "修改党员信息" in page and "secretary_a" in page
    assert "家庭住址" in page and "民族" in page  # which fields changed, by their Chinese names
    assert [v for v in _personal(changed) if v and v in page] == []
    assert "（已隐去）" in page
    found = client.get(reverse("administration:audit"), {"q": "欧阳秘密"})  # nor can a name be searched for
    assert list(found.context["rows"]) == []


def test_the_export_hides_the_same(changed, admins, client):
    client.force_login(admins.audit)
    response = finished_download(client, client.get(reverse("administration:audit_export")))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    assert f"党员 {changed.pk} （已隐去）" in cells  # type and number, the name hidden
    assert [v for v in _personal(changed) if v and v in cells] == []


def test_the_business_user_sees_the_full_history_on_the_members_page(tree, changed, login):
    text = login(tree.secretary_a).get(reverse("members:detail", args=[changed.pk])).content.decode()
    assert "幸福路88号" in text and "光明街17号" in text and "修改党员信息" in text
