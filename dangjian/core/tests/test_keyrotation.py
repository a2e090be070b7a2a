"""Key rotation: every sealed value re-encrypted and every blind index recomputed under the new key,
in one transaction, audited without key material."""

import datetime as dt
import io
import os
import stat

import pytest
from django.core.management import CommandError, call_command

from dangjian.core import crypto
from dangjian.core.models import ChangeRecord
from dangjian.members.models import Member
from dangjian.members.queries import MemberFilter, filter_members
from dangjian.testing import make_member

OLD = "11" * 32
NEW = "22" * 32


@pytest.fixture
def old_key(settings):
    settings.DATA_KEY = OLD
    settings.DATA_KEYS_EXTRA = []
    return settings


@pytest.fixture
def members(old_key, tree):
    """The tree (built after ``old_key``) and these members are all sealed with OLD."""
    out = []
    for i, org in enumerate((tree.a, tree.b, tree.c)):
        member = make_member(org, name=f"轮换{i}", birth=dt.date(1970 + i, 1, 2), phone=f"1380000000{i}")
        out.append((member.pk, member.reveal_id_number(), member.reveal_phone()))
    return out


def _new_key_file(tmp_path, key=NEW):
    path = tmp_path / "new.key"
    path.write_text(key + "\n")
    return path


def _found_by(term):
    return list(filter_members(Member.objects.all(), MemberFilter(q=term)).values_list("pk", flat=True))


def _rotate_everything(settings, tree, tmp_path):
    assert settings.DATA_KEY == OLD
    out = io.StringIO()
    call_command("rotate_data_key", new_key_file=str(_new_key_file(tmp_path)), stdout=out)
    return out.getvalue()


def test_rotation_reseals_every_value_and_index(members, tree, tmp_path, settings):
    before = {pk: (idn, phone) for pk, idn, phone in members}
    tree_plain = {m.pk: (m.reveal_id_number(), m.reveal_phone()) for m in Member.objects.exclude(pk__in=before)}
    output = _rotate_everything(settings, tree, tmp_path)

    settings.DATA_KEY, settings.DATA_KEYS_EXTRA = NEW, []
    new_id = crypto.key_id(NEW)
    for member in Member.objects.all():
        assert member.id_number_encrypted.startswith(new_id + ":")
        expected = before.get(member.pk) or tree_plain[member.pk]
        assert (member.reveal_id_number(), member.reveal_phone()) == expected
        assert member.id_number_index == crypto.blind_index(expected[0])
    for pk, id_number, phone in members:
        assert _found_by(id_number) == [pk]
        assert _found_by(phone) == [pk]
        assert _found_by(id_number.lower()) == [pk]

    # With the old key alone nothing decrypts and no ID number is found.
    settings.DATA_KEY = OLD
    member = Member.objects.get(pk=members[0][0])
    with pytest.raises(crypto.DecryptionError):
        member.reveal_id_number()
    assert _found_by(members[0][1]) == []

    record = ChangeRecord.objects.get(action="data_key_rotate")
    assert record.after["key_id"] == new_id and record.after["values"] == (
        Member.objects.count() + Member.objects.exclude(phone_encrypted="").count())
    text = str(record.before) + str(record.after) + record.note + record.object_repr
    assert OLD not in text and NEW not in text
    assert NEW not in output and OLD not in output
    assert "DANGJIAN_DATA_KEY" in output and "DANGJIAN_DATA_KEYS_EXTRA" in output


def test_both_keys_read_during_the_switch_and_a_second_run_sweeps_stragglers(members, tree, tmp_path, settings):
    _rotate_everything(settings, tree, tmp_path)
    # A process not yet restarted (old key current, new key known as extra) writes with OLD.
    settings.DATA_KEY, settings.DATA_KEYS_EXTRA = OLD, [NEW]
    straggler = make_member(tree.a, name="重启前写入", phone="13900000009")
    straggler_id = straggler.reveal_id_number()
    assert straggler.id_number_encrypted.startswith(crypto.key_id(OLD) + ":")
    # After the restart: the new key is current, the old one decrypt-only; both kinds of row read and find.
    settings.DATA_KEY, settings.DATA_KEYS_EXTRA = NEW, [OLD]
    assert Member.objects.get(pk=straggler.pk).reveal_id_number() == straggler_id
    assert _found_by(straggler_id) == [straggler.pk]
    assert _found_by(members[1][1]) == [members[1][0]]
    with pytest.raises(CommandError, match="仍有 2 个值"):
        call_command("rotate_data_key", check=True, stdout=io.StringIO())
    call_command("rotate_data_key", new_key_file=str(tmp_path / "new.key"), stdout=io.StringIO())
    out = io.StringIO()
    call_command("rotate_data_key", check=True, stdout=out)
    assert "全部数据均由当前密钥" in out.getvalue()
    settings.DATA_KEYS_EXTRA = []
    assert Member.objects.get(pk=straggler.pk).reveal_id_number() == straggler_id
    assert _found_by(straggler_id) == [straggler.pk]


def test_an_unreadable_value_rolls_the_whole_rotation_back(members, tree, tmp_path, settings):
    # The last row is sealed with a key the command is not given: the rows before it, already
    # re-sealed inside the transaction, must be rolled back with it.
    settings.DATA_KEY = "33" * 32
    make_member(tree.c, name="未知密钥")
    settings.DATA_KEY = OLD
    unchanged = dict(Member.objects.values_list("pk", "id_number_encrypted"))
    with pytest.raises(CommandError, match="无法解密"):
        call_command("rotate_data_key", new_key_file=str(_new_key_file(tmp_path)), stdout=io.StringIO())
    assert dict(Member.objects.values_list("pk", "id_number_encrypted")) == unchanged
    assert not ChangeRecord.objects.filter(action="data_key_rotate").exists()


def test_generate_writes_a_private_key_file_and_never_overwrites(tmp_path, db):
    path = tmp_path / "k.key"
    out = io.StringIO()
    call_command("rotate_data_key", generate=True, new_key_file=str(path), stdout=out)
    key = path.read_text().strip()
    assert len(key) == 64 and bytes.fromhex(key)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert key not in out.getvalue()
    with pytest.raises(CommandError, match="已存在"):
        call_command("rotate_data_key", generate=True, new_key_file=str(path), stdout=io.StringIO())
    assert path.read_text().strip() == key


def test_a_bad_new_key_is_refused(tmp_path, db, monkeypatch):
    with pytest.raises(CommandError, match="64 位十六进制"):
        call_command("rotate_data_key", new_key_file=str(_new_key_file(tmp_path, "short")), stdout=io.StringIO())
    monkeypatch.delenv("DANGJIAN_NEW_DATA_KEY", raising=False)
    with pytest.raises(CommandError, match="DANGJIAN_NEW_DATA_KEY"):
        call_command("rotate_data_key", stdout=io.StringIO())


def test_legacy_k1_rows_still_decrypt(settings):
    settings.DATA_KEY, settings.DATA_KEYS_EXTRA = OLD, []
    token = crypto.encrypt("110101198001010014")
    legacy = "k1:" + token.partition(":")[2]
    assert crypto.decrypt(legacy) == "110101198001010014"
    settings.DATA_KEY = NEW
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(legacy)


def test_during_the_switch_an_old_key_row_still_counts_for_uniqueness_and_reimport(members, tree, settings):
    """A row still sealed by the old key is the same member: a new registration with its number is
    refused, and importing it again updates it instead of creating a second member."""
    from django.core.exceptions import ValidationError

    from dangjian.members.actions import member_create
    from dangjian.members.io.importing import import_members
    from dangjian.members.tests.test_importing import member_row, xlsx

    settings.DATA_KEY, settings.DATA_KEYS_EXTRA = NEW, [OLD]
    pk, id_number, _ = members[0]
    member = Member.objects.get(pk=pk)
    with pytest.raises(ValidationError, match="已登记为其他党员"):
        member_create(acting_user=tree.county_admin, org=tree.a, id_number=id_number, name="重复登记",
                      birth_date=member.birth_date, gender=member.gender, joined_on=member.joined_on,
                      confirmed_on=member.confirmed_on)
    row = member_row(tree.a, name=member.name, id_number=id_number, birth=member.birth_date, 职务="村委会主任")
    result = import_members(acting_user=tree.secretary_a, source=xlsx([row]))
    assert (result.created, result.updated) == (0, 1), result.errors
    assert Member.objects.get(pk=pk).job_title == "村委会主任"
    assert Member.objects.count() == len(members) + sum(len(v) for v in tree.members.values())
