"""TOTP second factor (django-otp's TOTPDevice): one device per user, unconfirmed until the user
enters a code from it. The QR code is drawn here as inline SVG (``qrcode``), nothing leaves the server."""

from __future__ import annotations

import re
import time
from base64 import b32decode, b32encode

import qrcode
import qrcode.image.svg
from django_otp.oath import TOTP
from django_otp.util import random_hex

from .models import SealedTOTPDevice as TOTPDevice

DEVICE_NAME = "身份验证器"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user, *, create: bool = False) -> TOTPDevice | None:
    """The user's unconfirmed device (a new secret when ``create`` and none exists yet)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None and create:
        device = new_device(user, random_hex(20), confirmed=False)
    return device


def new_device(user, hex_secret: str, *, confirmed: bool, name: str = DEVICE_NAME) -> TOTPDevice:
    """A device whose secret is stored sealed, never in plain hex."""
    from dangjian.core.crypto import encrypt

    from .models import TotpSecret

    device = TOTPDevice.objects.create(user=user, name=name, key=TOTPDevice.SEALED, confirmed=confirmed)
    TotpSecret.objects.create(device=device, key_encrypted=encrypt(hex_secret))
    return device


def verify(device: TOTPDevice | None, code: str) -> bool:
    """True for a current code not used before (django-otp refuses a replayed one)."""
    code = re.sub(r"\s", "", code or "")
    return device is not None and code.isdigit() and device.verify_token(code)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an authenticator app."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def hex_key(base32_secret: str) -> str:
    secret = base32_secret.replace(" ", "").upper()
    return b32decode(secret + "=" * (-len(secret) % 8)).hex()


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (module paths only: no text, no script)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    return re.sub(r"^<\?xml[^>]*>\s*", "", svg)


def code_at(device: TOTPDevice, *, when: float | None = None, steps_ahead: int = 0) -> str:
    """The code the device's authenticator app shows (``steps_ahead`` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = (time.time() if when is None else when) + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
