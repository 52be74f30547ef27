"""Helpers for tests of two-factor sign-in: TOTP codes computed here from RFC 6238, not by allauth."""

import base64
import hashlib
import hmac
import struct
import time

from django.urls import reverse

PASSWORD = "correct horse battery staple"


def totp_code(secret: str, *, at: float | None = None, period: int = 30, digits: int = 6) -> str:
    """The RFC 6238 code (HMAC-SHA1) an authenticator app shows for `secret` at `at` (now by default)."""
    key = base64.b32decode(secret, casefold=True)
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def reauthenticate(client, password: str = PASSWORD):
    """Confirms the password again, as allauth asks before changing an address, a password or the 2FA setup."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()
    return response


def activate_totp(client) -> str:
    """Turns on an authenticator app for the signed-in client, through the pages; returns its secret."""
    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate")):
        reauthenticate(client)
        response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.context["form"].errors
    return secret
