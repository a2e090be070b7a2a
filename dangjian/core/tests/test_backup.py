"""Back up, destroy, restore, and compare every table's row count and content hash."""

import json

import pytest
from django.core.management import CommandError, call_command

from dangjian.core.backup import MANIFEST, table_fingerprints
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)


def _destroy():
    from dangjian.orgs.demo.store import wipe_party_data

    wipe_party_data()
    assert not Member.objects.exists() and not Organization.objects.exists()


def test_backup_destroy_restore_gives_back_every_table(tree, tmp_path):
    member = tree.members["a"][0]
    before = table_fingerprints()
    call_command("backup", output=str(tmp_path))
    (folder,) = tmp_path.iterdir()
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["tables"]["members_member"]["rows"] == Member.objects.count()
    _destroy()
    assert table_fingerprints() != before
    call_command("restore", str(folder), yes=True)
    assert table_fingerprints() == before
    restored = Member.objects.get(pk=member.pk)
    assert restored.reveal_id_number() == member.reveal_id_number()


def test_a_tampered_backup_is_refused(tree, tmp_path):
    call_command("backup", output=str(tmp_path))
    (folder,) = tmp_path.iterdir()
    dump = next(p for p in folder.iterdir() if p.name != MANIFEST)
    with dump.open("r+b") as f:
        f.seek(200)
        f.write(b"tampered")
    with pytest.raises(CommandError, match="校验值不符"):
        call_command("restore", str(folder), yes=True)
    assert Member.objects.count() == 9


def test_restore_asks_for_confirmation(tree, tmp_path):
    call_command("backup", output=str(tmp_path))
    (folder,) = tmp_path.iterdir()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(folder))
