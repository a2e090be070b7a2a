"""The decomposition page: document in, reviewed drafts out, items created in one step.

The view logic (drop, merge, assign, create in one transaction) is tested against a stand-in that
answers in the decomposer's JSON shape; ``test_real_decomposer_*`` runs the real one."""

import datetime as dt
import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.orgs.models import Organization
from dangjian.worklists.models import SourceDocument, WorkItem

from .samples import RESULT, SPEECH

pytestmark = pytest.mark.django_db
URL = "/worklists/decompose/"

def _review_data(response) -> dict:
    """The review form as the browser would post it back, from the rendered initial values."""
    context = response.context
    data = {"title": context["header"]["title"].value(), "document_org": context["header"]["document_org"].value(),
            "source_text": context["header"]["source_text"].value() or "",
            "file_name": context["header"]["file_name"].value() or ""}
    formset = context["formset"]
    for key, value in formset.management_form.initial.items():
        data[f"d-{key}"] = value
    for i, form in enumerate(formset.forms):
        for name in form.fields:
            value = form[name].value()
            if value in (None, False):
                continue
            data[f"d-{i}-{name}"] = "on" if value is True else value
    return data


def test_paste_review_create(tree, login, stub):
    client = login(tree.secretary_a)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"text": SPEECH})
    assert response.status_code == 200 and stub == [SPEECH.strip()]
    html = response.content.decode()
    assert "核对清单草稿" in html and "本文来源于网络" in html and "涉及：三会一课" in html
    data = _review_data(response)
    assert data["d-1-recurrence"] == "quarterly" and data["d-2-person_names"] == "组织部门"
    assert data["d-1-deadline"].month == 6
    data["d-1-text"] = "各党支部严格落实三会一课制度（已修改）"
    data["d-0-kind"] = "task"
    data.pop("d-2-keep")  # drop the third
    data["d-1-deadline"] = "2026-06-30"
    data["step"] = "create"
    response = client.post(URL, data)
    assert response.status_code == 302
    document = SourceDocument.objects.get()
    assert document.title == "在全县党建工作会议上的讲话" and document.org == tree.a and "三会一课" in document.text
    items = list(WorkItem.objects.order_by("id"))
    assert [i.kind for i in items] == ["task", "task"]
    assert items[1].description == "各党支部严格落实三会一课制度（已修改）"
    assert items[1].deadline == dt.date(2026, 6, 30) and items[1].recurrence == "quarterly"
    assert all(i.document == document and i.source == "speech" and i.org == tree.a for i in items)
    assert f"document={document.pk}" in response["Location"]


def test_merge_selected(tree, login, stub):
    client = login(tree.secretary_a)
    data = _review_data(client.post(URL, {"text": SPEECH}))
    data["d-1-selected"] = "on"
    data["d-2-selected"] = "on"
    data["step"] = "merge"
    response = client.post(URL, data)
    assert response.status_code == 200 and "已将 2 条合并为 1 条" in response.content.decode()
    merged = _review_data(response)
    assert merged["d-TOTAL_FORMS"] == 2
    assert "每季度" in merged["d-1-text"] and "流动党员" in merged["d-1-text"]
    assert merged["d-1-person_names"] == "各党支部、组织部门"
    merged["step"] = "create"
    assert client.post(URL, merged).status_code == 302
    assert WorkItem.objects.count() == 2


def test_owner_org_and_deadline_per_item_and_scope(tree, login, stub):
    client = login(tree.county_admin)
    data = _review_data(client.post(URL, {"text": SPEECH}))
    data.update({"d-0-org": tree.a.pk, "d-1-org": tree.b.pk, "d-2-org": tree.c.pk, "d-2-deadline": "2026-12-31",
                 "step": "create"})
    assert client.post(URL, data).status_code == 302
    assert {i.org for i in WorkItem.objects.all()} == {tree.a, tree.b, tree.c}
    assert WorkItem.objects.get(org=tree.c).deadline == dt.date(2026, 12, 31)
    # a branch secretary cannot assign an item to another branch: nothing at all is created
    client = login(tree.secretary_a)
    data = _review_data(client.post(URL, {"text": SPEECH}))
    data.update({"d-1-org": tree.b.pk, "step": "create"})
    response = client.post(URL, data)
    assert response.status_code == 400 and WorkItem.objects.count() == 3 and SourceDocument.objects.count() == 1


def test_upload_txt_and_docx(tree, login, stub):
    client = login(tree.secretary_a)
    response = client.post(URL, {"file": SimpleUploadedFile("讲话.txt", SPEECH.encode("gb18030"))})
    assert response.status_code == 200 and stub[-1] == SPEECH.strip()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    response = client.post(URL, {"file": SimpleUploadedFile("讲话.docx", buffer.getvalue())})
    assert response.status_code == 200 and str(stub[-1]).endswith(".docx")
    assert "存在的问题" in _review_data(response)["source_text"]


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("a.txt", b""), "请上传"),
    (SimpleUploadedFile("a.txt", b"\x00\x01\x02binary\x00"), "不是文本文件"),
    (SimpleUploadedFile("a.doc", b"\xd0\xcf\x11\xe0xxxx"), "旧版 .doc"),
    (SimpleUploadedFile("a.docx", b"PK\x03\x04broken"), "不是有效的 Word"),
    (SimpleUploadedFile("a.txt", "坏的文件".encode()), "没有可识别的正文"),
])
def test_bad_documents_are_explained(tree, login, stub, upload, message):
    response = login(tree.secretary_a).post(URL, {"file": upload})
    assert response.status_code == 400 and message in response.content.decode()
    assert not WorkItem.objects.exists()


def test_readonly_user_cannot_create(tree, login, stub):
    client = login(tree.reader_town1)
    response = client.post(URL, {"step": "create", "title": "x", "d-TOTAL_FORMS": 0, "d-INITIAL_FORMS": 0})
    assert response.status_code == 403 and not SourceDocument.objects.exists()


def test_api_decompose(tree, stub):
    from dangjian.testing import api_client

    client = api_client(tree.secretary_a)
    response = client.post("/api/worklists/decompose", {"text": SPEECH}, content_type="application/json")
    assert response.status_code == 200 and response.json() == RESULT
    response = client.post("/api/worklists/decompose", {"text": "坏"}, content_type="application/json")
    assert response.status_code == 422 and "正文" in response.json()["detail"][0]["message"]
    response = client.post("/api/worklists/decompose/file", {"file": SimpleUploadedFile("a.txt", SPEECH.encode())})
    assert response.status_code == 200 and response.json()["title"] == RESULT["title"]


def test_real_decomposer_feeds_the_page(tree, login):
    """The real decomposer, end to end: a small speech becomes items of each kind, created in one step."""
    client = login(tree.secretary_a)
    response = client.post(URL, {"text": SPEECH})
    assert response.status_code == 200, response.content.decode()[:500]
    data = _review_data(response)
    kinds = {data[f"d-{i}-kind"] for i in range(data["d-TOTAL_FORMS"])}
    assert data["d-TOTAL_FORMS"] >= 2 and len(kinds) >= 2 and kinds <= {"problem", "task", "responsibility"}
    data["step"] = "create"
    assert client.post(URL, data).status_code == 302
    assert WorkItem.objects.filter(document__isnull=False).count() == data["d-TOTAL_FORMS"]


CORPUS = Path(__file__).parent / "corpus"
CORPUS_TEXTS = ["cun-shuji-shuping.txt", "jiaozuo-xuncha-zhenggai.txt", "zhengbing-dongyuan.txt"]


@pytest.mark.parametrize("name", CORPUS_TEXTS)
def test_real_texts_through_the_page(tree, login, name):
    """Real texts of the corpus, uploaded as they came: their points are kept, their talk is offered
    struck through and unkept, and what is kept is created whole."""
    client = login(tree.secretary_a)
    response = client.post(URL, {"file": SimpleUploadedFile(name, (CORPUS / name).read_bytes())})
    assert response.status_code == 200
    data = _review_data(response)
    kept = [i for i in range(data["d-TOTAL_FORMS"]) if data.get(f"d-{i}-keep")]
    assert kept
    filtered = [i for i in range(data["d-TOTAL_FORMS"]) if data.get(f"d-{i}-filtered")]
    assert all(f"d-{i}-keep" not in data for i in filtered)
    data["step"] = "create"
    assert client.post(URL, data).status_code == 302
    assert WorkItem.objects.count() == len(kept)


def test_filtered_talk_is_struck_through_and_can_be_restored(tree, login):
    text = (CORPUS / "cun-shuji-shuping.txt").read_text(encoding="utf-8")
    client = login(tree.secretary_a)
    response = client.post(URL, {"text": text})
    html = response.content.decode()
    assert 'class="draft filtered"' in html and "已滤除：" in html
    data = _review_data(response)
    talk = next(i for i in range(data["d-TOTAL_FORMS"]) if data.get(f"d-{i}-filtered"))
    points = [i for i in range(data["d-TOTAL_FORMS"]) if data.get(f"d-{i}-keep")]
    assert data[f"d-{points[-1]}-title"] == "拓宽党建发展思路"
    data[f"d-{talk}-keep"] = "on"  # the clerk restores one
    data["step"] = "create"
    assert client.post(URL, data).status_code == 302
    assert WorkItem.objects.count() == len(points) + 1
    assert WorkItem.objects.filter(description=data[f"d-{talk}-text"]).exists()


def test_point_items_keep_their_title_and_measures(tree, login):
    text = "讲话\n一、压实责任\n（一）强化督查。组织部门要每季度通报一次落实情况。纪检监察机关要加强监督。"
    client = login(tree.secretary_a)
    data = _review_data(client.post(URL, {"text": text}))
    assert data["d-TOTAL_FORMS"] == 1 and data["d-0-title"] == "强化督查"
    assert data["d-0-measures"].splitlines() == ["组织部门要每季度通报一次落实情况", "纪检监察机关要加强监督"]
    data["step"] = "create"
    assert client.post(URL, data).status_code == 302
    item = WorkItem.objects.get()
    assert item.title == "强化督查"
    measures = list(item.measures.values_list("text", flat=True))
    assert measures == ["组织部门要每季度通报一次落实情况", "纪检监察机关要加强监督"]


def test_too_many_drafts_are_reviewed_in_parts(tree, login, stub, monkeypatch):
    from dangjian.worklists import decompose_views

    monkeypatch.setattr(decompose_views, "MAX_DRAFTS", 2)
    response = login(tree.secretary_a).post(URL, {"text": SPEECH})
    assert _review_data(response)["d-TOTAL_FORMS"] == 2 and "一次最多核对 2 条" in response.content.decode()


def test_review_page_does_not_list_every_organisation(tree, login, stub):
    """责任单位 is a picker (a text input searched through the API), not a select of every
    organisation in every row: the page's size does not grow with the number of organisations."""
    from dangjian.testing import make_org

    client = login(tree.county_admin)
    small = len(client.post(URL, {"text": SPEECH}).content)
    for n in range(300):
        make_org(tree.town1, f"东城镇第{n}网格党支部", f"C0001-01-9{n:03d}")
    response = client.post(URL, {"text": SPEECH})
    html = response.content.decode()
    assert "C0001-01-9299" not in html
    assert 'name="d-0-org"' in html and 'data-picker-url="/api/orgs/picker?writable=true"' in html
    assert len(response.content) < small + 200
    data = _review_data(response)
    assert re.search(r'<input[^>]*name="d-0-org"[^>]*value="C0001"', html)
    data["d-0-org"] = "C0001-01-9299"  # typed by hand, as without the script
    data["step"] = "create"
    assert client.post(URL, data).status_code == 302
    assert WorkItem.objects.filter(org__code="C0001-01-9299").count() == 1


class _FormFields(HTMLParser):
    """What a browser would post from the rendered draft rows: name → value of each control."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name", "")
        if not name.startswith("d-") or name.startswith(("d-TOTAL", "d-INITIAL", "d-MIN", "d-MAX")):
            if tag == "option" and self._select and "selected" in a:
                self.values[self._select] = a.get("value", "")
            return
        if tag == "input" and (a.get("type") != "checkbox" or "checked" in a):
            self.values[name] = "on" if a.get("type") == "checkbox" else a.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def test_review_rows_post_back_what_the_form_holds(tree, login, stub):
    """The rows are written out by hand (not through each widget's template, for speed): what the
    page would post is exactly the form's values, field by field, with each control labelled."""
    response = login(tree.county_admin).post(URL, {"text": SPEECH})
    parser = _FormFields()
    parser.feed(response.content.decode())
    posted = {k: v.removeprefix("\n") for k, v in parser.values.items()}
    expected = {k: str(v) for k, v in _review_data(response).items()
                if k.startswith("d-") and not k.startswith(("d-TOTAL", "d-INITIAL", "d-MIN", "d-MAX"))}
    expected = {k: v for k, v in expected.items() if v != ""}
    for key in [k for k in expected if k.endswith("-org")]:  # the picker writes the code, the form holds the id
        expected[key] = Organization.objects.get(pk=expected[key]).code
    posted_nonempty = {k: v for k, v in posted.items() if v != ""}
    assert posted_nonempty == expected
    assert {"d-0-keep", "d-0-kind", "d-0-text", "d-0-org"} <= set(posted)
    html = response.content.decode()
    assert html.count('aria-label="类别"') == response.context["formset"].total_form_count()


def test_review_asks_the_database_once_per_distinct_organisation(tree, login, stub):
    """Every row names the same default 责任单位: found once for the page, not once per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(tree.county_admin)
    client.post(URL, {"text": SPEECH})
    with CaptureQueriesContext(connection) as captured:
        response = client.post(URL, {"text": SPEECH})
    rows = response.context["formset"].total_form_count()
    assert rows >= 3
    org_lookups = [q for q in captured.captured_queries if 'FROM "orgs_organization"' in q["sql"]
                   and '"orgs_organization"."code" =' in q["sql"]]
    # one for the header's 文件所属党组织, one shared by every row
    assert len(org_lookups) == 2 < rows, [q["sql"][:200] for q in org_lookups]
