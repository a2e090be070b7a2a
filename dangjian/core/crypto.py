"""Field encryption (SM4-GCM) and blind indexes (HMAC-SM3); README「安全」.

Both keys are derived from one master key so an operator keeps a single secret. A ciphertext is
stored as ``<key id>:<base64(nonce | ciphertext | tag)>``; the key id is a short fingerprint of the
master key (``key_id``), so a row says which key sealed it and a key rotation
(``dangjian rotate_data_key``) can run while old and new rows are both readable.

The keyring: ``settings.DATA_KEY`` encrypts and computes the blind index of new values; the keys in
``settings.DATA_KEYS_EXTRA`` (env ``DANGJIAN_DATA_KEYS_EXTRA``) only decrypt and find, for the
window of a rotation. Rows written before key ids existed carry ``k1``; any key in the ring is tried
for an id it does not know (GCM's tag tells the right key from a wrong one).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Sequence
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(ValueError):
    pass


def _sm3_hmac(key: bytes, message: bytes) -> bytes:
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(message)
    return mac.finalize()


@lru_cache(maxsize=8)
def _derived_keys(master_hex: str) -> tuple[bytes, bytes, str]:
    master = bytes.fromhex(master_hex) if _is_hex(master_hex) else hashlib.sha256(master_hex.encode()).digest()
    encryption_key = _sm3_hmac(master, b"dangjian/sm4-gcm")[:16]
    index_key = _sm3_hmac(master, b"dangjian/blind-index")
    # A check value, not key material: 32 bits of a one-way function of the key.
    identifier = "k" + _sm3_hmac(master, b"dangjian/key-id")[:4].hex()
    return encryption_key, index_key, identifier


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return len(text) >= 32


def key_id(master: str | None = None) -> str:
    """The id written in front of every ciphertext sealed with ``master`` (default: the current key)."""
    return _derived_keys(master or settings.DATA_KEY)[2]


def keyring() -> list[str]:
    """The current key first, then the decrypt-only ones."""
    extra = [k for k in getattr(settings, "DATA_KEYS_EXTRA", ()) if k and k != settings.DATA_KEY]
    return [settings.DATA_KEY, *extra]


def token_key_id(token: str) -> str:
    return token.partition(":")[0] if token else ""


def encrypt(plaintext: str, master: str | None = None) -> str:
    if plaintext == "":
        return ""
    key, _, identifier = _derived_keys(master or settings.DATA_KEY)
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    return f"{identifier}:" + base64.b64encode(nonce + body + encryptor.tag).decode("ascii")


def decrypt(token: str, masters: Sequence[str] | None = None) -> str:
    """The plaintext, with whichever key of ``masters`` (default: the keyring) sealed it."""
    if token == "":
        return ""
    identifier, _, payload = token.partition(":")
    ring = list(masters) if masters is not None else keyring()
    named = [m for m in ring if _derived_keys(m)[2] == identifier]
    try:
        raw = base64.b64decode(payload, validate=True)
    except ValueError as exc:
        raise DecryptionError("密文格式错误") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("密文格式错误")
    for master in named or ring:
        plaintext = _open(raw, _derived_keys(master)[0])
        if plaintext is not None:
            return plaintext
    if not named and identifier != "k1":
        raise DecryptionError(f"未知的密钥编号 {identifier}：请在 DANGJIAN_DATA_KEYS_EXTRA 中提供该密钥")
    raise DecryptionError("密文校验失败：密钥不对或数据被改动")


def _open(raw: bytes, key: bytes) -> str | None:
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")
    except Exception:  # InvalidTag: wrong key or altered row
        return None


def blind_index(value: str, master: str | None = None) -> str:
    """A keyed, deterministic digest used to find a row by an encrypted value (current key)."""
    if value == "":
        return ""
    _, key, _ = _derived_keys(master or settings.DATA_KEY)
    return _sm3_hmac(key, value.strip().upper().encode("utf-8")).hex()


def blind_indexes(value: str) -> list[str]:
    """The value's index under every key of the ring: a search matches rows sealed by any of them,
    so finding a member keeps working while a rotation is under way."""
    return [blind_index(value, master) for master in keyring()] if value else []


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
