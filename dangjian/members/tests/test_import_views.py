"""The import page: upload, the error table, the result, and who may import."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.members.io.importing import HEADERS
from dangjian.members.models import Member
from dangjian.members.tests.test_importing import member_row

pytestmark = pytest.mark.django_db


def upload(rows, headers=HEADERS, name="党员.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def post(client, file, kind="members"):
    """Members and organisations each have their own import page (members:import, orgs:import)."""
    return client.post(reverse("orgs:import" if kind == "orgs" else "members:import"), {"file": file})


def test_page_offers_the_form_and_templates(tree, login):
    response = login(tree.secretary_a).get(reverse("members:import"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="file"' in html and "党员信息" in html and "党组织" in html
    assert reverse("members:import_template") in html and reverse("orgs:import") in html


def test_good_upload_shows_counts_and_link(tree, login):
    client = login(tree.secretary_a)
    response = post(client, upload([member_row(tree.a, name="钱新民"), member_row(tree.a, name="孙丽", gender="F")]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "新增 <strong>2</strong> 条" in html and "未变化 <strong>0</strong>" in html
    assert reverse("members:list") in html
    assert Member.objects.filter(name__in=["钱新民", "孙丽"], org=tree.a).count() == 2


def test_bad_upload_shows_row_column_reason_and_writes_nothing(tree, login):
    client = login(tree.secretary_a)
    bad = member_row(tree.a, name="坏人", 入党日期="2010-07-01", 转正日期="2009-01-01")
    rows = [member_row(tree.a, name="好人"), bad]
    before = Member.objects.count()
    response = post(client, upload(rows))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="import-errors"' in html and "没有写入任何数据" in html
    assert '<td class="num" data-label="行号">3</td>' in html
    assert "转正日期" in html and "转正日期应晚于入党日期" in html
    assert Member.objects.count() == before


def test_upload_into_another_branch_is_an_error(tree, login):
    response = post(login(tree.secretary_a), upload([member_row(tree.b)]))
    assert response.status_code == 400
    assert "不在您的管辖范围内" in response.content.decode()
    assert not Member.objects.filter(name="钱新民").exists()


@pytest.mark.parametrize("content, message", [
    (b"\xd0\xcf\x11\xe0old excel", "旧版 .xls"),
    (b"name,id_number\n", "不是 Excel"),
    (b"", "文件为空"),
])
def test_non_xlsx_uploads_are_refused(tree, login, content, message):
    response = post(login(tree.secretary_a), SimpleUploadedFile("名单.xlsx", content))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_too_large_upload_is_refused(tree, login, settings):
    settings.MAX_UPLOAD_BYTES = 100
    response = post(login(tree.secretary_a), upload([member_row(tree.a)]))
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert not Member.objects.filter(name="钱新民").exists()


def test_read_only_user_cannot_import(tree, login):
    client = login(tree.reader_town1)
    page = client.get(reverse("members:import"))  # the styled 403 page says why, no form to fill in vain
    assert page.status_code == 403 and 'type="file"' not in page.content.decode() and "只读" in page.content.decode()
    response = post(client, upload([member_row(tree.a)]))
    assert response.status_code == 403
    assert "只读" in response.content.decode()
    assert not Member.objects.filter(name="钱新民").exists()


def test_anonymous_is_sent_to_login(client):
    response = client.post(reverse("members:import"), {"kind": "members"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_missing_file_is_a_form_error(tree, login):
    response = login(tree.secretary_a).post(reverse("members:import"), {"kind": "members"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_large_upload_is_read_from_its_temporary_file(tree, login, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes to a temporary file on disk
    response = post(login(tree.secretary_a), upload([member_row(tree.a)]))
    assert response.status_code == 200, response.content.decode()
    assert Member.objects.filter(name="钱新民", org=tree.a).exists()


def test_page_names_every_column_a_row_may_need(tree, login):
    html = login(tree.secretary_a).get(reverse("members:import")).content.decode()
    assert "必填列：姓名、公民身份号码、入党日期、所在党组织代码" in html
    assert "转正日期" in html and "“党员类型”不填即为正式党员" in html


def test_error_report_downloads_as_a_workbook(tree, login):
    client = login(tree.secretary_a)
    assert client.get(reverse("import_error_report")).status_code == 404  # nothing imported yet
    bad = member_row(tree.a, name="")
    html = post(client, upload([bad, member_row(tree.c, name="钱新民")])).content.decode()
    assert reverse("import_error_report") in html
    response = client.get(reverse("import_error_report"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "原因")
    assert {(r[0], r[1]) for r in rows[1:]} >= {(2, "姓名"), (3, "所在党组织代码")}
    post(client, upload([member_row(tree.a, name="钱新民")]))  # a good import clears the report
    assert client.get(reverse("import_error_report")).status_code == 404
