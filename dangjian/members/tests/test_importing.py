"""Member import: every row checked before anything is written; idempotent; scope enforced."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core.excel import MAX_ERRORS_SHOWN, CellError, parse_date
from dangjian.core.models import ChangeRecord
from dangjian.members.io.exporting import member_template_workbook, sample_member_rows, write_member_workbook
from dangjian.members.io.importing import HEADERS, import_members
from dangjian.members.models import Member, Transfer
from dangjian.testing import new_id_number

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1985, 3, 9)


def xlsx(rows, headers=HEADERS, *, title_rows=()):
    """An in-memory workbook: optional title rows, the header, then ``rows`` (dicts by header)."""
    book = openpyxl.Workbook()
    sheet = book.active
    for title in title_rows:
        sheet.append(list(title))
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h) for h in headers] if isinstance(row, dict) else list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def member_row(org, *, name="钱新民", birth=BIRTH, gender="M", id_number=None, **overrides):
    row = {
        "姓名": name, "性别": "男" if gender == "M" else "女", "民族": "汉族",
        "公民身份号码": id_number or new_id_number(birth, gender), "出生日期": birth.isoformat(),
        "学历": "大学本科", "人员类别": "专业技术人员", "工作单位": "东城镇卫生院", "职务": "医生",
        "入党日期": "2010-07-01", "转正日期": "2011-07-01", "党员类型": "正式党员", "党籍状态": "正常",
        "手机号码": "13912345678", "家庭住址": "东城镇红星村1号", "所在党组织代码": org.code,
        "失联党员": "否", "流动党员": "否", "流动地点": "", "困难党员": "否", "离退休": "否", "报到社区": "",
    }
    row.update(overrides)
    return row


def errors_of(result):
    return {(e.row, e.column) for e in result.errors}


def reason(result, row, column):
    return " ".join(e.message for e in result.errors if e.row == row and e.column == column)


# ---------------------------------------------------------------------------------------------
# Good files


def test_good_file_creates_members(tree):
    rows = [member_row(tree.a, name="钱新民"), member_row(tree.a, name="孙丽", gender="F", 手机号码="")]
    result = import_members(acting_user=tree.secretary_a, source=xlsx(rows))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    member = Member.objects.get(name="钱新民")
    assert member.org_id == tree.a.pk
    assert member.reveal_id_number() == rows[0]["公民身份号码"]
    assert member.id_number_masked.startswith("1101") and "*" in member.id_number_masked
    assert member.reveal_phone() == "13912345678"
    assert (member.education, member.category, member.membership_type) == ("university", "professional", "full")
    assert member.confirmed_on == dt.date(2011, 7, 1)
    record = ChangeRecord.objects.get(object_type="members.member", object_id=member.pk, action="member_create")
    assert record.actor == tree.secretary_a
    assert record.after["id_number"] == member.id_number_masked  # history holds the masked number only
    assert rows[0]["公民身份号码"] not in str(record.after)


def test_reimporting_the_same_file_changes_nothing(tree):
    rows = [member_row(tree.a, name="钱新民"), member_row(tree.a, name="孙丽", gender="F")]
    first = import_members(acting_user=tree.secretary_a, source=xlsx(rows))
    assert first.created == 2
    versions = dict(Member.objects.values_list("pk", "version"))
    records = ChangeRecord.objects.count()
    again = import_members(acting_user=tree.secretary_a, source=xlsx(rows))
    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert dict(Member.objects.values_list("pk", "version")) == versions
    assert ChangeRecord.objects.count() == records + 1  # only the audit record of the import itself
    assert ChangeRecord.objects.order_by("-id").first().action == "import"


def test_changed_field_updates_without_duplicate(tree):
    row = member_row(tree.a)
    import_members(acting_user=tree.secretary_a, source=xlsx([row]))
    member = Member.objects.get(name="钱新民")
    row.update({"工作单位": "东城镇人民政府", "手机号码": "13800001111", "困难党员": "是"})
    result = import_members(acting_user=tree.secretary_a, source=xlsx([row]))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert Member.objects.filter(name="钱新民").count() == 1
    fresh = Member.objects.get(pk=member.pk)
    assert (fresh.work_unit, fresh.hardship, fresh.version) == ("东城镇人民政府", True, member.version + 1)
    assert fresh.created_at == member.created_at and fresh.updated_at > member.updated_at
    assert (fresh.id_number_index, fresh.name, fresh.org_id) == (member.id_number_index, member.name, member.org_id)
    assert fresh.reveal_phone() == "13800001111"
    record = ChangeRecord.objects.filter(object_id=member.pk, action="member_update").get()
    assert record.before["work_unit"] == "东城镇卫生院" and record.after["work_unit"] == "东城镇人民政府"
    assert record.after["phone"] == "138****1111"
    assert "name" not in record.after


def test_existing_member_from_the_small_tree_is_matched_by_id_number(tree):
    member = tree.members["a"][0]
    row = member_row(tree.a, name=member.name, id_number=member.reveal_id_number(), birth=member.birth_date,
                     入党日期="2005-07-01", 转正日期="2006-07-01", 职务="村委会主任")
    result = import_members(acting_user=tree.secretary_a, source=xlsx([row]))
    assert (result.created, result.updated) == (0, 1), result.errors
    assert Member.objects.get(pk=member.pk).job_title == "村委会主任"


def test_missing_column_keeps_the_stored_value(tree):
    row = member_row(tree.a)
    import_members(acting_user=tree.secretary_a, source=xlsx([row]))
    headers = [h for h in HEADERS if h not in ("手机号码", "工作单位")]
    result = import_members(acting_user=tree.secretary_a, source=xlsx([row], headers))
    assert (result.updated, result.unchanged) == (0, 1), result.errors
    member = Member.objects.get(name="钱新民")
    assert member.reveal_phone() == "13912345678" and member.work_unit == "东城镇卫生院"


def test_columns_in_any_order_with_extra_columns_and_title_row(tree):
    row = member_row(tree.a)
    headers = ["备注", *reversed(HEADERS)]
    row["备注"] = "忽略"
    source = xlsx([row], headers, title_rows=[["东城镇红星村党支部党员信息表"]])
    result = import_members(acting_user=tree.secretary_a, source=source)
    assert result.created == 1, result.errors


def test_gender_and_birth_date_may_be_left_to_the_id_number(tree):
    row = member_row(tree.a, gender="F", 性别="", 出生日期="", 民族="")
    result = import_members(acting_user=tree.secretary_a, source=xlsx([row]))
    assert result.created == 1, result.errors
    member = Member.objects.get(name="钱新民")
    assert (member.gender, member.birth_date, member.ethnicity) == ("F", BIRTH, "汉族")


def test_dates_in_every_accepted_form(tree):
    rows = [
        member_row(tree.a, name="甲", 入党日期=dt.date(2010, 7, 1), 转正日期=dt.datetime(2011, 7, 1)),
        member_row(tree.a, name="乙", 入党日期="2010.07.01", 转正日期="2011/7/1"),
        member_row(tree.a, name="丙", 入党日期="2010年7月1日", 转正日期="20110701"),
    ]
    result = import_members(acting_user=tree.secretary_a, source=xlsx(rows))
    assert result.created == 3, result.errors
    imported = Member.objects.filter(name__in=["甲", "乙", "丙"])
    assert set(imported.values_list("joined_on", flat=True)) == {dt.date(2010, 7, 1)}
    assert set(imported.values_list("confirmed_on", flat=True)) == {dt.date(2011, 7, 1)}


def test_parse_date_forms():
    assert parse_date("2005-07-01") == parse_date("2005.07.01") == parse_date("2005/7/1") == dt.date(2005, 7, 1)
    assert parse_date("2005年7月1日") == parse_date(20050701) == parse_date(38534) == dt.date(2005, 7, 1)
    assert parse_date("") is None and parse_date(None) is None
    for bad in ("2005-13-01", "七月一日", "2005-02-30", True):
        with pytest.raises(CellError):
            parse_date(bad)


def test_probationary_member_without_confirmation(tree):
    recently = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    row = member_row(tree.a, 党员类型="预备党员", 转正日期="", 入党日期=recently)
    result = import_members(acting_user=tree.secretary_a, source=xlsx([row]))
    assert result.created == 1, result.errors
    assert Member.objects.get(name="钱新民").membership_type == "probationary"


def test_moving_a_member_within_scope_records_a_transfer(tree):
    member = tree.members["a"][1]
    row = member_row(tree.b, name=member.name, id_number=member.reveal_id_number(), birth=member.birth_date,
                     入党日期="2005-07-01", 转正日期="2006-07-01")
    result = import_members(acting_user=tree.county_admin, source=xlsx([row]))
    assert result.updated == 1, result.errors
    assert Member.objects.get(pk=member.pk).org_id == tree.b.pk
    transfer = Transfer.objects.get(member=member)
    assert (transfer.from_org_id, transfer.to_org_id) == (tree.a.pk, tree.b.pk)


def test_template_filled_in_imports(tree, tmp_path):
    book = member_template_workbook()
    assert book.sheetnames == ["党员信息", "填写说明"]
    sheet = book["党员信息"]
    row = member_row(tree.a)
    sheet.append([row[h] for h in HEADERS])
    path = tmp_path / "filled.xlsx"
    book.save(path)
    result = import_members(acting_user=tree.secretary_a, source=str(path))
    assert result.created == 1, result.errors


def test_generated_workbook_imports(tree, tmp_path):
    path = tmp_path / "sample.xlsx"
    write_member_workbook(path, sample_member_rows(120, org_codes=[tree.a.code, tree.b.code]))
    result = import_members(acting_user=tree.county_admin, source=path)
    assert result.created == 120, result.errors
    assert Member.objects.filter(org=tree.b).count() == 2 + 60


def test_reads_do_not_grow_with_rows(tree, tmp_path):
    """Lookups are batched: a fixed handful of reads whatever the row count. (Inserts are batched
    too: one COPY on PostgreSQL, one prepared INSERT run over the rows on SQLite, per 5,000 rows.)"""
    path = tmp_path / "sample.xlsx"
    write_member_workbook(path, sample_member_rows(400, org_codes=[tree.a.code]))
    with CaptureQueriesContext(connection) as first:
        result = import_members(acting_user=tree.secretary_a, source=path)
    assert result.created == 400
    # 5 lookups, plus the audit chain's lock and head (core.audit) for the members' batch and for the
    # import's own audit record, and one id allocation (core.bulk) for each of the three inserts
    assert len(reads(first)) <= 12
    with CaptureQueriesContext(connection) as second:
        assert import_members(acting_user=tree.secretary_a, source=path).unchanged == 400
    assert len(reads(second)) <= 6  # 4 lookups, plus the audit chain's head and the audit record's id
    writes = [q["sql"] for q in second.captured_queries if q not in reads(second)]
    assert all(("core_changerecord" in s or "core_audithead" in s or "SAVEPOINT" in s.upper()) for s in writes), writes


def reads(context):
    return [q for q in context.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]


# ---------------------------------------------------------------------------------------------
# Bad rows: reported with row, column and reason; nothing written


def test_bad_rows_are_reported_and_nothing_is_written(tree):
    good_id = new_id_number(BIRTH)
    bad_check = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    young = dt.date(1995, 1, 1)
    rows = [
        member_row(tree.a, name="校验位错"),  # row 2 replaced below
        member_row(tree.a, name="未满十八", birth=young, 入党日期="2012-07-01", 转正日期="2013-07-01"),
        member_row(tree.a, name="转正在前", 入党日期="2010-07-01", 转正日期="2009-07-01"),
        member_row(tree.a, name="生日不符", 出生日期="1985-03-10"),
        member_row(tree.a, name="性别不明", 性别="未知"),
        member_row(tree.a, name="日期不清", 入党日期="2010-13-45"),
        member_row(tree.a, name=""),
        member_row(tree.a, name="手机不对", 手机号码="12345"),
        member_row(tree.a, name="正确的人"),
    ]
    rows[0]["公民身份号码"] = bad_check
    before = (Member.objects.count(), ChangeRecord.objects.exclude(action="import").count())
    result = import_members(acting_user=tree.secretary_a, source=xlsx(rows))
    assert not result.ok
    assert (Member.objects.count(), ChangeRecord.objects.exclude(action="import").count()) == before
    assert "校验位" in reason(result, 2, "公民身份号码")
    assert "未满18周岁" in reason(result, 3, "入党日期")
    assert "转正日期应晚于入党日期" in reason(result, 4, "转正日期")
    assert "出生日期与公民身份号码不符" in reason(result, 5, "出生日期")
    assert "不是可选值" in reason(result, 6, "性别")
    assert "不是有效的日期" in reason(result, 7, "入党日期")
    assert "姓名不能为空" in reason(result, 8, "姓名")
    assert "手机号码" in reason(result, 9, "手机号码")
    assert not any(e.row == 10 for e in result.errors)
    assert result.error_count == len(result.errors) == 8  # one reason each, no knock-on errors


def test_org_code_outside_scope_is_an_error(tree):
    result = import_members(acting_user=tree.secretary_a, source=xlsx([member_row(tree.b)]))
    assert errors_of(result) == {(2, "所在党组织代码")}
    assert "不在您的管辖范围内" in reason(result, 2, "所在党组织代码")
    assert not Member.objects.filter(name="钱新民").exists()


def test_unknown_org_code_is_an_error(tree):
    row = member_row(tree.a, 所在党组织代码="NO-SUCH-ORG")
    result = import_members(acting_user=tree.county_admin, source=xlsx([row]))
    assert "不存在" in reason(result, 2, "所在党组织代码")


def test_existing_member_outside_scope_is_not_moved(tree):
    other = tree.members["b"][0]
    row = member_row(tree.a, name="冒名", id_number=other.reveal_id_number(), birth=other.birth_date, gender="F",
                     入党日期="2005-07-01", 转正日期="2006-07-01")
    result = import_members(acting_user=tree.secretary_a, source=xlsx([row]))
    assert "不能通过导入登记或修改" in reason(result, 2, "公民身份号码")
    fresh = Member.objects.get(pk=other.pk)
    assert (fresh.org_id, fresh.name, fresh.version) == (tree.b.pk, other.name, other.version)


def test_duplicate_id_in_file_reports_both_rows(tree):
    same = new_id_number(BIRTH)
    rows = [member_row(tree.a, name="甲", id_number=same), member_row(tree.a, name="乙"),
            member_row(tree.a, name="丙", id_number=same)]
    result = import_members(acting_user=tree.secretary_a, source=xlsx(rows))
    assert errors_of(result) == {(2, "公民身份号码"), (4, "公民身份号码")}
    assert "第4行" in reason(result, 2, "公民身份号码") and "第2行" in reason(result, 4, "公民身份号码")
    assert Member.objects.filter(name__in=["甲", "乙", "丙"]).count() == 0


def test_id_number_stored_as_a_number_is_an_error(tree):
    row = member_row(tree.a, 公民身份号码=110101198503090011)
    result = import_members(acting_user=tree.secretary_a, source=xlsx([row]))
    assert "文本" in reason(result, 2, "公民身份号码")


def test_missing_required_columns_are_reported(tree):
    headers = [h for h in HEADERS if h not in ("公民身份号码", "入党日期")]
    result = import_members(acting_user=tree.secretary_a, source=xlsx([member_row(tree.a)], headers))
    assert len(result.errors) == 1
    assert "公民身份号码" in result.errors[0].message and "入党日期" in result.errors[0].message


def test_row_numbers_count_blank_rows(tree):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])  # a blank first row: the header is on row 2
    sheet.append(HEADERS)
    sheet.append([member_row(tree.a)[h] for h in HEADERS])
    sheet.append([])
    sheet.append([member_row(tree.a, 性别="X")[h] for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    result = import_members(acting_user=tree.secretary_a, source=out)
    assert errors_of(result) == {(5, "性别")}


def test_error_report_is_capped_but_counts_all(tree):
    rows = [dict(row, 性别="?") for row in sample_member_rows(MAX_ERRORS_SHOWN + 50, org_codes=[tree.a.code])]
    result = import_members(acting_user=tree.secretary_a, source=xlsx(rows))
    assert len(result.errors) == MAX_ERRORS_SHOWN
    assert result.error_count == MAX_ERRORS_SHOWN + 50 and result.errors_truncated


# ---------------------------------------------------------------------------------------------
# Bad files


def test_not_an_xlsx(tree):
    result = import_members(acting_user=tree.secretary_a, source=io.BytesIO(b"name,id\n1,2\n"))
    assert not result.ok and "Excel" in result.errors[0].message


def test_zip_that_is_not_a_workbook(tree):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    out.seek(0)
    result = import_members(acting_user=tree.secretary_a, source=out)
    assert not result.ok and "Excel" in result.errors[0].message


def test_empty_sheet(tree):
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    out.seek(0)
    result = import_members(acting_user=tree.secretary_a, source=out)
    assert not result.ok and "空" in result.errors[0].message


def test_header_only(tree):
    result = import_members(acting_user=tree.secretary_a, source=xlsx([]))
    assert not result.ok and "没有数据" in result.errors[0].message


def test_too_many_rows(tree, monkeypatch):
    monkeypatch.setattr("dangjian.core.excel.uploads.MAX_IMPORT_ROWS", 3)
    rows = list(sample_member_rows(5, org_codes=[tree.a.code]))
    result = import_members(acting_user=tree.secretary_a, source=xlsx(rows))
    assert not result.ok and "分批导入" in result.errors[0].message


def test_oversized_sheet_xml_is_refused_before_parsing(tree, monkeypatch):
    monkeypatch.setattr("dangjian.core.excel.uploads.MAX_SHEET_XML_BYTES", 100)
    result = import_members(acting_user=tree.secretary_a, source=xlsx([member_row(tree.a)]))
    assert not result.ok and "过大" in result.errors[0].message
