"""Properties of 公民身份号码 validation (GB 11643-1999, ISO 7064 MOD 11-2), checked with hypothesis."""

import datetime as dt
import re

from hypothesis import assume, given
from hypothesis import strategies as st

from dangjian.core.idnumbers import (
    WEIGHTS,
    birth_date_of,
    check_char,
    gender_of,
    id_number_error,
    make_id_number,
    normalise,
)

TODAY = dt.date(2026, 6, 30)
SHAPE_ERROR = "公民身份号码应为18位，前17位为数字，末位为数字或X"
MESSAGES = {
    "公民身份号码不能为空",
    SHAPE_ERROR,
    "公民身份号码中的出生日期无效",
    "公民身份号码中的出生日期不在合理范围内",
    "公民身份号码校验位错误",
}
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")

areas = st.integers(100000, 999999).map(str)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(0, 999).map(lambda n: f"{n:03d}")


@st.composite
def valid_numbers(draw) -> str:
    first17 = f"{draw(areas)}{draw(births):%Y%m%d}{draw(sequences)}"
    return first17 + check_char(first17)


@given(valid_numbers())
def test_every_well_formed_number_passes(number):
    assert id_number_error(number, today=TODAY) is None
    assert id_number_error(number.lower(), today=TODAY) is None
    assert id_number_error(f"  {number[:6]} {number[6:]}\t", today=TODAY) is None
    assert birth_date_of(number) == dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


@given(valid_numbers())
def test_full_width_input_is_read_as_ascii(number):
    """A Chinese input method types ０-９ and Ｘ: they mean the same number, stored in ASCII."""
    typed = number.translate(FULL_WIDTH)
    assert id_number_error(typed, today=TODAY) is None
    assert normalise(typed) == number


@given(valid_numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_is_caught(number, position, replacement):
    assume(number[position] != replacement)
    changed = number[:position] + replacement + number[position + 1:]
    assert id_number_error(changed, today=TODAY) is not None


@given(valid_numbers(), st.integers(0, 17), st.characters(codec="utf-8"))
def test_any_character_in_place_of_a_digit_is_caught(number, position, replacement):
    changed = number[:position] + replacement + number[position + 1:]
    assume(normalise(changed) != number)
    assert id_number_error(changed, today=TODAY) is not None


# The weights (plus 1 for the check character) are 2^(17-i) mod 11, whose period is 10: swapping two
# characters 10 places apart keeps the sum. That is the standard's limit; every other swap is caught.
ALL_WEIGHTS = (*WEIGHTS, 1)
pairs = st.tuples(st.integers(0, 17), st.integers(0, 17)).filter(
    lambda p: p[0] < p[1] and ALL_WEIGHTS[p[0]] != ALL_WEIGHTS[p[1]]
)


@given(valid_numbers(), pairs)
def test_any_transposition_the_check_digit_can_see_is_caught(number, pair):
    i, j = pair
    assume(number[i] != number[j])
    swapped = list(number)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    assert id_number_error("".join(swapped), today=TODAY) is not None


@given(valid_numbers(), st.integers(0, 16))
def test_every_adjacent_transposition_is_caught(number, i):
    assume(number[i] != number[i + 1])
    swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
    assert id_number_error(swapped, today=TODAY) is not None


def test_the_weights_are_the_standards():
    assert tuple(pow(2, 17 - i, 11) for i in range(18)) == ALL_WEIGHTS


@given(st.text())
def test_arbitrary_text_gets_a_documented_answer_and_never_raises(text):
    answer = id_number_error(text, today=TODAY)
    assert answer is None or answer in MESSAGES
    if answer is None:
        value = normalise(text)
        assert re.fullmatch(r"[0-9]{17}[0-9X]", value)
        assert check_char(value[:17]) == value[17]


@given(st.text(alphabet="0123456789Xx０１２３４５６７８９٠١٢٣٤٥٦٧٨٩ ", min_size=15, max_size=19))
def test_digit_like_text_gets_a_documented_answer(text):
    """Close to a number: only ASCII (or full-width) digits can make a valid one."""
    answer = id_number_error(text, today=TODAY)
    assert answer is None or answer in MESSAGES
    if any(c in text for c in "٠١٢٣٤٥٦٧٨٩"):
        assert answer == SHAPE_ERROR


@given(st.integers(100000, 999999).map(str), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
       st.integers(0, 999))
def test_legacy_15_digit_numbers_are_refused_with_the_shape_message(area, birth, sequence):
    """First-generation 15-digit numbers (YYMMDD, no check digit) are not accepted: they must be
    converted to 18 digits first, and the message says what shape is expected."""
    legacy = f"{area}{birth:%y%m%d}{sequence:03d}"
    assert len(legacy) == 15
    assert id_number_error(legacy, today=TODAY) == SHAPE_ERROR


@given(st.integers(100000, 999999).map(str), births, st.integers(0, 10_000), st.sampled_from("MF"))
def test_made_numbers_carry_their_birth_date_and_gender(area, birth, sequence, gender):
    number = make_id_number(area, birth, sequence, gender)
    assert id_number_error(number, today=TODAY) is None
    assert birth_date_of(number) == birth
    assert gender_of(number) == gender


@given(valid_numbers())
def test_a_birth_date_after_today_is_out_of_range(number):
    birth = birth_date_of(number)
    assert id_number_error(number, today=birth - dt.timedelta(days=1)) == "公民身份号码中的出生日期不在合理范围内"
