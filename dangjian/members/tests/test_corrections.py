"""The correctable items and how a proposed value is read, shown and checked (no database)."""

import datetime as dt

from dangjian.core.idnumbers import make_id_number
from dangjian.members.selfservice.corrections import FIELDS, canonical, display, proposal_error, to_python

TODAY = dt.date(2026, 11, 23)


def test_organisation_decisions_are_not_correctable():
    assert {"status", "membership_type", "lost_contact", "flow_status", "org"}.isdisjoint(FIELDS)
    assert {"name", "id_number", "phone", "joined_on", "confirmed_on", "education"} <= set(FIELDS)


def test_values_are_shown_as_labels_and_masks():
    assert display(FIELDS["education"], "university") == "大学本科"
    assert display(FIELDS["phone"], "13812345678") == "138****5678"
    number = make_id_number("110101", dt.date(1980, 1, 2), 5, "M")
    assert display(FIELDS["id_number"], number) == number[:4] + "*" * 10 + number[-4:]
    assert display(FIELDS["work_unit"], "") == "（空）"


def test_id_numbers_typed_with_a_chinese_input_method_are_normalised():
    number = make_id_number("110101", dt.date(1980, 1, 2), 5, "M")
    wide = "".join(chr(ord(c) + 0xFEE0) for c in number[:6]) + " " + number[6:]
    assert canonical(FIELDS["id_number"], wide) == number
    assert proposal_error(FIELDS["id_number"], canonical(FIELDS["id_number"], wide), current="", today=TODAY) is None


def test_proposal_errors_say_what_is_wrong():
    spec = FIELDS["confirmed_on"]
    assert proposal_error(spec, "2027-01-01", current="", today=TODAY) == "转正日期不能晚于今天"
    assert proposal_error(spec, "", current="2010-01-01", today=TODAY) is None  # optional: may be cleared
    assert proposal_error(FIELDS["joined_on"], "", current="2010-01-01", today=TODAY) == "请填写正确的入党日期"
    assert proposal_error(FIELDS["gender"], "X", current="M", today=TODAY) == "请从列表中选择性别"
    assert "无需更正" in proposal_error(FIELDS["name"], "张三", current="张三", today=TODAY)
    assert to_python(spec, "2010-07-01") == dt.date(2010, 7, 1) and to_python(spec, "") is None
