"""Signing test requests as the fake instance does, written apart from the site's own signing code."""

import base64
import hashlib
import json
from datetime import UTC, datetime
from email.utils import format_datetime

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

AP = "application/activity+json"


def cavage_headers(
    *,
    path: str,
    body: bytes,
    key_id: str,
    private_key_pem: str,
    date: datetime | None = None,
    digest: str | None = None,
    host: str = "testserver",
) -> dict:
    date_text = format_datetime(date or datetime.now(UTC), usegmt=True)
    digest = digest or "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    text = f"(request-target): post {path}\nhost: {host}\ndate: {date_text}\ndigest: {digest}\ncontent-type: {AP}"
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    signature = base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()
    return {
        "HTTP_HOST": host,
        "HTTP_DATE": date_text,
        "HTTP_DIGEST": digest,
        "HTTP_SIGNATURE": (
            f'keyId="{key_id}",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",'
            f'signature="{signature}"'
        ),
    }


def post_signed(client, path: str, activity: dict | bytes, fake, **options):
    body = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
    headers = cavage_headers(path=path, body=body, key_id=fake.key_id, private_key_pem=fake.private_key_pem, **options)
    return client.post(path, body, content_type=AP, **headers)


def follow(fake, target="http://testserver/@karen/") -> dict:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{fake.base}/follows/1",
        "type": "Follow",
        "actor": fake.actor_id,
        "object": target,
    }
