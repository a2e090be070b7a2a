import pytest
from django.core.management import CommandError, call_command

from dangjian.members.io.exporting import sample_member_rows, write_member_workbook
from dangjian.members.models import Member

pytestmark = pytest.mark.django_db


def test_command_imports_within_the_users_scope(tree, tmp_path, capsys):
    path = tmp_path / "m.xlsx"
    write_member_workbook(path, sample_member_rows(5, org_codes=[tree.a.code]))
    before = Member.objects.count()
    call_command("import_members", str(path), "--user", "secretary_a")
    assert Member.objects.count() == before + 5
    assert "新增 5" in capsys.readouterr().out
    call_command("import_members", str(path), "--user", "secretary_a")
    assert Member.objects.count() == before + 5


def test_command_refuses_out_of_scope_rows_and_writes_nothing(tree, tmp_path, capsys):
    path = tmp_path / "m.xlsx"
    write_member_workbook(path, sample_member_rows(3, org_codes=[tree.a.code, tree.b.code]))
    before = Member.objects.count()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_members", str(path), "--user", "secretary_a")
    assert "所在党组织代码" in capsys.readouterr().err
    assert Member.objects.count() == before
