"""Usernames in one normal form (NFKC, case-folded) and without look-alike letters: before,
"ＣＯＵＮＴＹ" was stored as "COUNTY" beside "county", and "сounty" (a Cyrillic "с") was accepted."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError

from dangjian.accounts.actions import user_create
from dangjian.accounts.usernames import normalised_username, username_error
from dangjian.core.actors import SYSTEM
from dangjian.testing import DEFAULT_PASSWORD, make_user

PASSWORD = "Xk7-long-enough"


@pytest.mark.parametrize(("raw", "normal"), [("ＣＯＵＮＴＹ", "county"), ("County ", "county"), ("张伟01", "张伟01"),
                                             ("ｗａｎｇ＿ｌｉ", "wang_li")])
def test_names_are_kept_in_one_normal_form(raw, normal):
    assert normalised_username(raw) == normal and username_error(raw) is None


@pytest.mark.parametrize(("raw", "reason"), [
    ("\u0441ounty", "CYRILLIC"),  # a Cyrillic "с" among Latin letters
    ("c\u03bfunty", "GREEK"),  # a Greek omicron
    ("county\u200b", "不能包含"),  # a zero-width space
    ("wang li", "不能包含"),
    ("   ", "不能为空"),
])
def test_look_alike_and_invisible_characters_are_refused(raw, reason):
    assert reason in username_error(raw)


@pytest.mark.django_db
def test_an_account_that_differs_only_in_width_or_case_is_refused():
    make_user("county")
    for raw in ("ＣＯＵＮＴＹ", "COUNTY", "County"):
        with pytest.raises(ValidationError) as refused:
            user_create(acting_user=SYSTEM, username=raw, password=PASSWORD)
        assert "已存在" in refused.value.message_dict["username"][0]
    with pytest.raises(ValidationError, match="CYRILLIC"):
        user_create(acting_user=SYSTEM, username="\u0441ounty", password=PASSWORD)
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["county"]


@pytest.mark.django_db
def test_a_new_account_is_stored_normalised_and_logs_in_however_typed():
    user = user_create(acting_user=SYSTEM, username="ＴＯＷＮ", password=PASSWORD)
    assert user.username == "town"
    for typed in ("town", "TOWN", "ＴＯＷＮ", " Town"):
        assert authenticate(username=typed, password=PASSWORD) == user


@pytest.mark.django_db
def test_an_older_account_with_capitals_still_logs_in_under_its_name():
    user = make_user("OldAdmin")
    assert authenticate(username="OldAdmin", password=DEFAULT_PASSWORD) == user
