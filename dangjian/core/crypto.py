"""Field encryption (SM4-GCM) and blind indexes (HMAC-SM3), DESIGN.md §3.

Both keys are derived from the one master key in ``settings.DATA_KEY`` so an operator keeps a single
secret. A ciphertext is stored as ``<key id>:<base64(nonce | ciphertext | tag)>``: the key id lets a
later key rotation tell old rows from new ones.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

KEY_ID = "k1"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(ValueError):
    pass


def _sm3_hmac(key: bytes, message: bytes) -> bytes:
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(message)
    return mac.finalize()


@lru_cache(maxsize=4)
def _derived_keys(master_hex: str) -> tuple[bytes, bytes]:
    master = bytes.fromhex(master_hex) if _is_hex(master_hex) else hashlib.sha256(master_hex.encode()).digest()
    encryption_key = _sm3_hmac(master, b"dangjian/sm4-gcm")[:16]
    index_key = _sm3_hmac(master, b"dangjian/blind-index")
    return encryption_key, index_key


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return len(text) >= 32


def _keys() -> tuple[bytes, bytes]:
    return _derived_keys(settings.DATA_KEY)


def encrypt(plaintext: str) -> str:
    if plaintext == "":
        return ""
    key, _ = _keys()
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    return f"{KEY_ID}:" + base64.b64encode(nonce + body + encryptor.tag).decode("ascii")


def decrypt(token: str) -> str:
    if token == "":
        return ""
    key_id, _, payload = token.partition(":")
    if key_id != KEY_ID:
        raise DecryptionError(f"未知的密钥编号 {key_id}")
    raw = base64.b64decode(payload)
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    key, _ = _keys()
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")
    except Exception as exc:  # InvalidTag: wrong key or altered row
        raise DecryptionError("密文校验失败") from exc


def blind_index(value: str) -> str:
    """A keyed, deterministic digest used to find a row by an encrypted value."""
    if value == "":
        return ""
    _, key = _keys()
    return _sm3_hmac(key, value.strip().upper().encode("utf-8")).hex()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
