"""Evidence uploads get the content checks imports have (``core.zipsafety``): before, a zip-bomb
.xlsx or an .xlsx/.docx with a DOCTYPE declaration was stored and handed to whoever opened it."""

import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.worklists import actions
from dangjian.worklists.models import Evidence

pytestmark = pytest.mark.django_db
DOCTYPE = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["整改台账", "已完成"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("整改报告：已召开专题组织生活会")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    """The package with ``name`` replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != name:
                archive.writestr(info.filename, source.read(info))
        archive.writestr(name, content)
    return out.getvalue()


def _with_doctype(data: bytes, name: str) -> bytes:
    part = zipfile.ZipFile(io.BytesIO(data)).read(name)
    body = part.split(b"?>", 1)[1] if part.startswith(b"<?xml") else part
    return _with_part(data, name, DOCTYPE + body)


BAD_FILES = [
    pytest.param("台账.xlsx", lambda: _with_part(_xlsx(), "xl/media/padding.xml", b"\0" * (5 * 1024 * 1024)),
                 "压缩炸弹", id="xlsx-zip-bomb"),
    pytest.param("台账.xlsx", lambda: _with_doctype(_xlsx(), "xl/workbook.xml"), "DOCTYPE", id="xlsx-doctype"),
    pytest.param("报告.docx", lambda: _with_doctype(_docx(), "word/document.xml"), "DOCTYPE", id="docx-doctype"),
]


@pytest.mark.parametrize(("name", "build", "reason"), BAD_FILES)
def test_an_unsafe_office_file_is_refused_and_nothing_is_stored(tree, items, name, build, reason):
    upload = SimpleUploadedFile(name, build())
    with pytest.raises(ValidationError) as refused:
        actions.evidence_add(acting_user=tree.secretary_a, item=items["a"], upload=upload)
    (message,) = refused.value.message_dict["file"]
    assert name in message and reason in message
    assert not Evidence.objects.filter(item=items["a"]).exists()


@pytest.mark.parametrize(("name", "build", "reason"), BAD_FILES)
def test_the_api_answers_422_in_chinese(tree, items, client, name, build, reason):
    from dangjian.accounts.actions import api_token_issue
    from dangjian.core.actors import SYSTEM

    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="evidence")
    response = client.post(f"/api/worklists/items/{items['a'].pk}/evidence",
                           {"file": SimpleUploadedFile(name, build())}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    assert reason in response.json()["detail"][0]["message"]


@pytest.mark.parametrize(("name", "build"), [("台账.xlsx", _xlsx), ("报告.docx", _docx)])
def test_ordinary_office_files_are_still_accepted(tree, items, name, build):
    upload = SimpleUploadedFile(name, build())
    evidence = actions.evidence_add(acting_user=tree.secretary_a, item=items["a"], upload=upload)
    assert evidence.file_type in ("xlsx", "docx")
