"""Keys and files (issue 12 item 12): key format checked at start, TOTP secrets sealed with the data
key, backups written owner-only with a signed manifest."""

import json
import stat
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from dangjian.core.backup import MANIFEST
from dangjian.core.tests.test_cli import _production_env


@pytest.mark.parametrize("key", ["abc", "0" * 64, "g" * 64, "ab" * 16])
def test_production_refuses_a_data_key_that_is_not_32_random_bytes(key):
    result = subprocess.run([sys.executable, "-m", "dangjian.cli", "check"], capture_output=True, text=True,
                            timeout=120, env=_production_env(DANGJIAN_DATA_KEY=key))
    assert result.returncode != 0
    assert "DANGJIAN_DATA_KEY 必须是 64 位十六进制" in result.stderr or "不是随机生成" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = subprocess.run([sys.executable, "-m", "dangjian.cli", "check"], capture_output=True, text=True,
                            timeout=120, env=_production_env(DANGJIAN_SECRET_KEY="short"))
    assert result.returncode != 0 and "DANGJIAN_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_totp_secrets_are_sealed_in_the_database_and_still_verify(db):
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp.util import random_hex

    from dangjian.accounts import totp
    from dangjian.accounts.models import TotpSecret
    from dangjian.core.crypto import decrypt
    from dangjian.testing import make_user

    secret = random_hex(20)
    device = totp.new_device(make_user("sysadmin"), secret, confirmed=True)
    stored = TOTPDevice.objects.filter(pk=device.pk).values_list("key", flat=True).get()
    sealed = TotpSecret.objects.get(device_id=device.pk).key_encrypted
    assert secret not in stored and secret not in sealed and decrypt(sealed) == secret
    assert totp.verify(totp.confirmed_device(device.user), totp.code_at(device))
    with pytest.raises(ValueError):  # the stock device cannot read a sealed secret: nothing verifies by mistake
        TOTPDevice.objects.get(pk=device.pk).bin_key  # noqa: B018


@pytest.mark.django_db
def test_a_key_rotation_reseals_the_totp_secrets(db, settings):
    import secrets

    from django_otp.util import random_hex

    from dangjian.accounts import totp
    from dangjian.core import crypto
    from dangjian.core.keyrotation import rotate
    from dangjian.testing import make_user

    device = totp.new_device(make_user("sysadmin"), random_hex(20), confirmed=True)
    new_key = secrets.token_hex(32)
    rotate([settings.DATA_KEY], new_key)
    settings.DATA_KEY, settings.DATA_KEYS_EXTRA = new_key, []
    from dangjian.accounts.models import TotpSecret

    reloaded = totp.confirmed_device(device.user)
    assert crypto.token_key_id(TotpSecret.objects.get(device_id=device.pk).key_encrypted) == crypto.key_id(new_key)
    assert totp.verify(reloaded, totp.code_at(reloaded))


@pytest.mark.django_db(transaction=True)
def test_backups_are_owner_only_and_their_manifest_is_signed(tree, tmp_path):
    call_command("backup", output=str(tmp_path))
    (folder,) = tmp_path.iterdir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}
    manifest_path = folder / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    assert len(manifest["signature"]) == 64
    # someone who can write the folder but holds no key changes the manifest: refused
    manifest["tables"]["members_member"]["rows"] += 1
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="签名不符"):
        call_command("restore", str(folder), yes=True)
    del manifest["signature"]
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="没有签名"):
        call_command("restore", str(folder), yes=True)
