import datetime as dt

from dangjian.core.idnumbers import check_char, id_number_error, make_id_number, mask_id_number


def test_known_valid_number_passes():
    # The GB 11643 worked example.
    assert check_char("11010519491231002") == "X"
    assert id_number_error("11010519491231002X") is None


def test_wrong_check_digit_is_named():
    assert id_number_error("110105194912310021") == "公民身份号码校验位错误"


def test_impossible_date_is_rejected():
    first17 = "11010519490231002"
    assert id_number_error(first17 + check_char(first17)) == "公民身份号码中的出生日期无效"


def test_future_birth_is_rejected():
    number = make_id_number("110101", dt.date(2030, 1, 1), 1, "M")
    assert "合理范围" in id_number_error(number, today=dt.date(2026, 1, 1))


def test_shape_and_lowercase_x():
    assert "18位" in id_number_error("12345")
    assert id_number_error("11010519491231002x") is None


def test_mask_keeps_ends_only():
    assert mask_id_number("11010519491231002X") == "1101**********002X"
