"""HTTP message signatures: signing what a blog sends, and checking what other servers send.

Outgoing requests are signed as Mastodon expects (draft-cavage-http-signatures-12, `rsa-sha256`, over
`(request-target) host date digest content-type`). Incoming ones may be signed that way (`rsa-sha256` or
`hs2019`, as Mastodon, Pleroma and most servers do) or with RFC 9421 HTTP Message Signatures
(`Signature-Input` and `Signature`; `rsa-v1_5-sha256` and `ed25519` keys). A body is tied to the signature
by `Digest` (SHA-256) or RFC 9530 `Content-Digest` (sha-256 or sha-512), which must be signed and match.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from django.conf import settings
from django.utils import timezone


class SignatureError(Exception):
    """A request whose signature is missing, malformed or wrong: the reason, for the 401 answer."""


@dataclass
class Signed:
    """What a signature header says: who signed (`key_id`) and how to check it."""

    key_id: str
    # The message's signature base and the signature itself, to check once the key is known.
    base: bytes
    signature: bytes
    algorithm: str
    # The signature's own bytes as sent, to recognise the same request sent again.
    raw: str


def body_digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def sign_request(*, method: str, url: str, body: bytes | None, key_id: str, private_key_pem: str) -> dict[str, str]:
    """The headers that sign a request to `url` (draft-cavage, rsa-sha256), Date and Digest included."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"Host": parts.netloc, "Date": format_datetime(datetime.now(UTC), usegmt=True)}
    names = ["(request-target)", "host", "date"]
    if body is not None:
        headers["Digest"] = body_digest(body)
        headers["Content-Type"] = "application/activity+json"
        names += ["digest", "content-type"]
    lines = []
    for name in names:
        value = f"{method.lower()} {target}" if name == "(request-target)" else headers[name.title()]
        lines.append(f"{name}: {value}")
    signature = _private_key(private_key_pem).sign("\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    return headers


@functools.lru_cache(maxsize=64)
def _private_key(pem: str):
    """A blog's private key, loaded once per process. Loading checks an RSA key's arithmetic, which costs tens
    of milliseconds: more than signing, and every delivery signs; the keys are the site's own, made here."""
    return serialization.load_pem_private_key(pem.encode(), password=None, unsafe_skip_rsa_key_validation=True)


_PARAM = re.compile(r'\s*([a-zA-Z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


def _cavage_params(header: str) -> dict[str, str]:
    params, position = {}, 0
    while position < len(header):
        match = _PARAM.match(header, position)
        if match is None:
            raise SignatureError("the Signature header cannot be read")
        params[match[1].lower()] = match[2]
        position = match.end()
    return params


def parse(request, *, body: bytes) -> Signed:
    """The signature of `request` (a Django request), checked for form and for its body's digest but not
    yet against a key. Raises SignatureError."""
    if "HTTP_SIGNATURE_INPUT" in request.META:
        return _parse_rfc9421(request, body=body)
    header = request.META.get("HTTP_SIGNATURE", "")
    if not header:
        raise SignatureError("the request is not signed")
    params = _cavage_params(header)
    for required in ("keyid", "signature"):
        if not params.get(required):
            raise SignatureError(f"the Signature header has no {required}")
    names = params.get("headers", "date").lower().split()
    if request.method == "POST":
        for required in ("(request-target)", "host", "digest"):
            if required not in names:
                raise SignatureError(f"the signature does not cover {required}")
        if "date" not in names and "(created)" not in names:
            raise SignatureError("the signature does not cover the date")
    lines = []
    for name in names:
        if name == "(request-target)":
            value = f"{request.method.lower()} {request.get_full_path()}"
        elif name in ("(created)", "(expires)"):
            value = params.get(name[1:-1], "")
            if not value.isdigit():
                raise SignatureError(f"the signature has no {name[1:-1]} time")
        elif name == "host":
            value = request.META.get("HTTP_HOST", "")
        else:
            value = request.headers.get(name)
            if value is None:
                raise SignatureError(f"the signed header {name} is missing")
        lines.append(f"{name}: {value}")
    if "digest" in names:
        check_digest(request.headers.get("Digest", ""), body)
    created = params.get("created")
    _check_time(
        request.headers.get("Date") if "date" in names else None,
        int(created) if created and created.isdigit() else None,
    )
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except ValueError:
        raise SignatureError("the signature is not base64") from None
    return Signed(
        key_id=params["keyid"],
        base="\n".join(lines).encode(),
        signature=signature,
        algorithm=params.get("algorithm", "hs2019").lower(),
        raw=params["signature"],
    )


def check_digest(header: str, body: bytes) -> None:
    """Raises SignatureError unless `header` (Digest) gives the SHA-256 of `body`."""
    for item in header.split(","):
        name, _, value = item.strip().partition("=")
        if name.lower() in ("sha-256", "sha256"):
            if f"SHA-256={value}" != body_digest(body):
                raise SignatureError("the body does not match its digest")
            return
    raise SignatureError("the request has no SHA-256 digest of its body")


def check_content_digest(header: str, body: bytes) -> None:
    """Raises SignatureError unless `header` (RFC 9530 Content-Digest) gives the SHA-256 or SHA-512 of `body`."""
    for name, algorithm in (("sha-256", hashlib.sha256), ("sha-512", hashlib.sha512)):
        match = re.search(rf"(?:^|,)\s*{name}\s*=\s*:([A-Za-z0-9+/=]+):", header)
        if match:
            if match[1] != base64.b64encode(algorithm(body).digest()).decode():
                raise SignatureError("the body does not match its digest")
            return
    raise SignatureError("the request has no SHA-256 or SHA-512 digest of its body")


def _check_time(date_header: str | None, created: int | None) -> None:
    if created is not None:
        when = created
    elif date_header:
        try:
            when = parsedate_to_datetime(date_header).timestamp()
        except (TypeError, ValueError, IndexError):
            raise SignatureError("the Date header cannot be read") from None
    else:
        raise SignatureError("the request has no date")
    if abs(timezone.now().timestamp() - when) > settings.FEDERATION_MAX_SKEW_SECONDS:
        raise SignatureError("the request's date is too far from now")


_MEMBER = re.compile(r"\s*([a-z0-9_.*-]+)=(\([^()]*\)[^,]*)")


def _parse_rfc9421(request, *, body: bytes) -> Signed:
    """RFC 9421: the first signature of `Signature-Input`, its base rebuilt from the components it names."""
    members = _MEMBER.findall(request.META["HTTP_SIGNATURE_INPUT"])
    if not members:
        raise SignatureError("the Signature-Input header cannot be read")
    label, inner = members[0]
    signatures = dict(re.findall(r"\s*([a-z0-9_.*-]+)=:([A-Za-z0-9+/=]+):", request.headers.get("Signature", "")))
    if label not in signatures:
        raise SignatureError("the Signature header has no signature for its input")
    components = re.findall(r'"([^"]+)"', inner[: inner.index(")") + 1])
    params = {name: value for name, _, value in re.findall(r';\s*([a-z]+)=("?)([^;"]*)\2', inner)}
    if not params.get("keyid"):
        raise SignatureError("the signature has no keyid")
    if request.method == "POST":
        for required in ("@method", "@target-uri", "content-digest"):
            if required not in components and not (required == "@target-uri" and "@path" in components):
                raise SignatureError(f"the signature does not cover {required}")
    lines = []
    for name in components:
        lines.append(f'"{name}": {_component(request, name)}')
    lines.append(f'"@signature-params": {inner}')
    if "content-digest" in components:
        check_content_digest(request.headers.get("Content-Digest", ""), body)
    created = params.get("created", "")
    _check_time(request.headers.get("Date"), int(created) if created.isdigit() else None)
    return Signed(
        key_id=params["keyid"],
        base="\n".join(lines).encode(),
        signature=base64.b64decode(signatures[label]),
        algorithm=params.get("alg", ""),
        raw=signatures[label],
    )


def _component(request, name: str) -> str:
    if name == "@method":
        return request.method
    if name == "@target-uri":
        return request.build_absolute_uri()
    if name == "@authority":
        return request.META.get("HTTP_HOST", "").lower()
    if name == "@scheme":
        return request.scheme
    if name == "@path":
        return request.path
    if name == "@query":
        return "?" + request.META.get("QUERY_STRING", "")
    if name == "@request-target":
        return request.get_full_path()
    value = request.headers.get(name)
    if value is None:
        raise SignatureError(f"the signed header {name} is missing")
    return value.strip()


def verify(signed: Signed, public_key_pem: str) -> None:
    """Raises SignatureError unless `signed` was made with the private half of `public_key_pem`."""
    try:
        key = serialization.load_pem_public_key(public_key_pem.encode())
    except ValueError:
        raise SignatureError("the signer's public key cannot be read") from None
    try:
        if isinstance(key, rsa.RSAPublicKey) and signed.algorithm in ("rsa-sha256", "hs2019", "rsa-v1_5-sha256", ""):
            key.verify(signed.signature, signed.base, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ed25519.Ed25519PublicKey) and signed.algorithm in ("ed25519", "hs2019", ""):
            key.verify(signed.signature, signed.base)
        else:
            raise SignatureError("the signature's algorithm is not one this site checks")
    except InvalidSignature:
        raise SignatureError("the signature does not match") from None
