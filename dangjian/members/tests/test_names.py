"""Member names are text a person can read: before, a name of only spaces, only a zero-width
character, or with a right-to-left override (which makes the screen show another name) was accepted
from the form, the API and the import."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.actors import SYSTEM
from dangjian.members.actions import member_create, member_update
from dangjian.members.io.importing import import_members
from dangjian.members.models import Member
from dangjian.members.rules import name_error
from dangjian.members.tests.test_importing import member_row, xlsx
from dangjian.testing import new_id_number

BAD_NAMES = [
    pytest.param("   ", "不能为空", id="spaces"),
    pytest.param("\u3000", "不能为空", id="ideographic-space"),
    pytest.param("\u200b", "不可见", id="zero-width-space"),
    pytest.param("张\u200d三", "不可见", id="zero-width-joiner"),
    pytest.param("张三\u202e四李", "方向", id="right-to-left-override"),
    pytest.param("\u2067王五", "方向", id="right-to-left-isolate"),
    pytest.param("张" * 51, "最多 50", id="too-long"),
]


@pytest.mark.parametrize(("name", "reason"), BAD_NAMES)
def test_the_rule(name, reason):
    assert reason in name_error(name)


@pytest.mark.parametrize("name", ["张三", "阿依古丽·买买提", "欧阳 修", "O'Brien"])
def test_real_names_pass(name):
    assert name_error(name) is None


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "reason"), BAD_NAMES)
def test_create_and_update_refuse_it_and_change_nothing(tree, name, reason):
    birth = dt.date(1980, 1, 1)
    with pytest.raises(ValidationError) as refused:
        member_create(acting_user=SYSTEM, org=tree.a, id_number=new_id_number(birth), name=name, gender="M",
                      birth_date=birth, joined_on=dt.date(2005, 1, 1), confirmed_on=dt.date(2006, 1, 1),
                      membership_type="full")
    assert reason in refused.value.message_dict["name"][0]
    member = tree.members["a"][0]
    with pytest.raises(ValidationError):
        member_update(acting_user=SYSTEM, member=member, name=name)
    assert Member.objects.get(pk=member.pk).name == member.name


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["\u200b", "张三\u202e四李"])
def test_the_import_names_row_and_column(tree, name):
    rows = [member_row(tree.a, name="钱新民"), member_row(tree.a, name=name)]
    result = import_members(acting_user=tree.secretary_a, source=xlsx(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "姓名")]
    assert not Member.objects.filter(name="钱新民").exists()
