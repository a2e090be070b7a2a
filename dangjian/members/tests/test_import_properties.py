"""Properties of the member importer, with generated workbooks (hypothesis): whatever the cells
hold, the import either succeeds or answers with row, column and a reason in Chinese, and writes
nothing unless every row passes; a valid file imported twice changes nothing the second time."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.core import crypto
from dangjian.core.idnumbers import make_id_number
from dangjian.core.models import ChangeRecord
from dangjian.core.tests.strategies import (
    audited_once,
    cell_values,
    check_failure_report,
    header_layouts,
    mutated_rows,
    rolled_back,
    workbook,
)
from dangjian.members.choices import ETHNICITIES, Category, Education, PartyStatus
from dangjian.members.io.importing import HEADERS, import_members
from dangjian.members.models import Member, Transfer

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
AREA = "320102"  # not the small tree's area, so generated numbers never match its members
names = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=4)
plain_text = st.text(st.characters(categories=("L", "N", "Zs", "P"), exclude_characters="=+-@"), max_size=30)
date_forms = st.sampled_from([
    lambda d: d.isoformat(), lambda d: d, lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}.{d.month}.{d.day}", lambda d: f"{d:%Y/%m/%d}", lambda d: int(f"{d:%Y%m%d}"),
    lambda d: dt.datetime(d.year, d.month, d.day, 9, 30),
])


@st.composite
def member_rows(draw, org_codes: list[str], *, min_size: int = 1, max_size: int = 4) -> list[dict]:
    """Rows that pass every check: consistent ID number, birth date, gender and party dates."""
    sequences = draw(st.lists(st.integers(0, 499), min_size=min_size, max_size=max_size, unique=True))
    rows = []
    for sequence in sequences:
        gender = draw(st.sampled_from("MF"))
        birth = draw(st.dates(min_value=dt.date(1935, 1, 1), max_value=dt.date(TODAY.year - 20, 1, 1)))
        joined = birth.replace(year=birth.year + 18, day=min(birth.day, 28)) + dt.timedelta(
            days=draw(st.integers(4, (TODAY - birth).days - 18 * 366 - 400)))  # 18 full years, over a year ago
        probationary = draw(st.integers(0, 5)) == 0
        confirmed = None if probationary else joined + dt.timedelta(days=draw(st.integers(365, 400)))
        form = draw(date_forms)
        rows.append({
            "姓名": draw(names), "性别": "男" if gender == "M" else "女", "民族": draw(st.sampled_from(ETHNICITIES)),
            "公民身份号码": make_id_number(AREA, birth, sequence, gender), "出生日期": form(birth),
            "学历": draw(st.sampled_from([str(label) for label in Education.labels] + ["本科", "大专", ""])),
            "人员类别": draw(st.sampled_from([str(label) for label in Category.labels])),
            "工作单位": draw(plain_text), "职务": draw(plain_text), "入党日期": form(joined),
            "转正日期": form(confirmed) if confirmed else None,
            "党员类型": "预备党员" if probationary else "正式党员",
            "党籍状态": draw(st.sampled_from([str(label) for label in PartyStatus.labels])),
            "手机号码": draw(st.one_of(st.just(""), st.integers(10**9, 10**10 - 1).map(lambda n: f"1{n}"))),
            "家庭住址": draw(plain_text), "所在党组织代码": draw(st.sampled_from(org_codes)),
            "失联党员": draw(st.sampled_from(["是", "否", "", True, False])), "流动党员": "否", "流动地点": "",
            "困难党员": draw(st.sampled_from(["是", "否", "√", "×"])), "离退休": "否", "报到社区": "",
        })
    return rows


def sheet(rows: list[dict], headers: list[str] = HEADERS) -> list[list]:
    return [list(headers), *([row.get(h) for h in headers] for row in rows)]


def stored_state():
    """Everything an import could write."""
    return (
        sorted(Member.objects.values_list("id_number_index", "version", "name", "org_id", "work_unit", "status")),
        ChangeRecord.objects.exclude(action="import").count(),
        Transfer.objects.count(),
    )


CODES = ["C0001-01-001", "C0001-01-002", "C0001-02-001"]


@settings(max_examples=60)
@given(data=st.data())
def test_any_workbook_imports_or_is_refused_with_reasons_and_writes_nothing(tree, data):
    rows = data.draw(mutated_rows(data.draw(member_rows(CODES + ["C0001"])), HEADERS, max_changes=5))
    headers = data.draw(header_layouts(HEADERS))
    with rolled_back():
        before = stored_state()
        source = workbook(sheet(rows, headers))
        result = audited_once(lambda: import_members(acting_user=tree.secretary_a, source=source))
        if result.ok:
            assert result.created + result.updated + result.unchanged == len(rows)
            assert len(stored_state()[0]) == len(before[0]) + result.created
        else:
            check_failure_report(result, HEADERS)
            assert stored_state() == before


@settings(max_examples=60)
@given(rows=st.lists(st.lists(cell_values, max_size=24), max_size=6),
       headers=st.one_of(header_layouts(HEADERS), st.lists(cell_values, max_size=24)))
def test_arbitrary_cells_never_raise(tree, rows, headers):
    with rolled_back():
        before = stored_state()
        result = audited_once(lambda: import_members(acting_user=tree.county_admin, source=workbook([headers, *rows])))
        if result.ok:
            assert len(stored_state()[0]) == len(before[0]) + result.created
        else:
            check_failure_report(result, HEADERS)
            assert stored_state() == before


@settings(max_examples=40)
@given(data=st.data())
def test_a_valid_file_imported_twice_changes_nothing_the_second_time(tree, data):
    rows = data.draw(member_rows(CODES, max_size=5))
    source = sheet(rows)
    with rolled_back():
        first = import_members(acting_user=tree.county_admin, source=workbook(source))
        assert first.ok, first.errors
        assert (first.created, first.updated) == (len(rows), 0)
        after_first = stored_state()
        again = import_members(acting_user=tree.county_admin, source=workbook(source))
        assert again.ok, again.errors
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))
        assert stored_state() == after_first
        for row in rows:
            member = Member.objects.get(id_number_index=crypto.blind_index(row["公民身份号码"]))
            assert (member.name, member.org.code) == (row["姓名"], row["所在党组织代码"])
            assert member.work_unit == row["工作单位"].strip()


@settings(max_examples=40)
@given(data=st.data())
def test_one_bad_row_means_nothing_is_written(tree, data):
    rows = data.draw(member_rows(CODES, min_size=2, max_size=5))
    bad = data.draw(st.integers(0, len(rows) - 1))
    header, value = data.draw(st.sampled_from([
        ("公民身份号码", rows[bad]["公民身份号码"][:-1] + "Y"), ("入党日期", "2005-02-30"),
        ("所在党组织代码", "NO-SUCH-ORG"), ("性别", "未知"), ("手机号码", "12345"),
        ("姓名", None), ("转正日期", "1900-01-01"), ("党员类型", "=1+1"), ("困难党员", "也许"),
    ]))
    rows[bad][header] = value
    with rolled_back():
        before = stored_state()
        result = audited_once(lambda: import_members(acting_user=tree.county_admin, source=workbook(sheet(rows))))
        check_failure_report(result, HEADERS)
        assert {e.row for e in result.errors} == {bad + 2}
        assert stored_state() == before


@settings(max_examples=12)
@given(rows=st.lists(st.lists(cell_values, max_size=24), max_size=4), garbage=st.binary(max_size=200))
def test_the_upload_page_answers_every_file_without_a_server_error(tree, client, rows, garbage):
    client.force_login(tree.secretary_a)
    url = reverse("members:import")
    for content in (workbook([HEADERS, *rows]).getvalue(), b"PK\x03\x04" + garbage, garbage):
        upload = SimpleUploadedFile("党员.xlsx", content)
        with rolled_back():
            response = client.post(url, {"kind": "members", "file": upload})
        assert response.status_code in (200, 400)
        if response.status_code == 400:  # the error table, or the form's own error (an empty file)
            html = response.content.decode()
            assert "没有写入任何数据" in html or 'class="errorlist"' in html
