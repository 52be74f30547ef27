"""What the inboxes refuse: bad or missing signatures, replays, old dates, blocked servers and accounts, large
bodies, floods; each refused request stores nothing."""

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from blocklist.models import BlockedSite
from federation.keys import actor_for
from federation.models import BlockedActor, RemoteActor, RemoteFollower, SeenSignature

from .signing import AP, cavage_headers, follow, post_signed

pytestmark = pytest.mark.django_db


def nothing_stored():
    return not RemoteFollower.objects.exists() and not SeenSignature.objects.exists()


def test_a_signed_follow_is_taken(client, blog, fake):
    assert post_signed(client, "/@karen/inbox/", follow(fake), fake).status_code == 202
    assert RemoteFollower.objects.count() == 1


def test_a_bad_signature_is_refused(client, blog, fake):
    body = json.dumps(follow(fake)).encode()
    headers = cavage_headers(
        path="/@karen/inbox/", body=body, key_id=fake.key_id, private_key_pem=fake.private_key_pem
    )
    headers["HTTP_SIGNATURE"] = headers["HTTP_SIGNATURE"].replace('signature="', 'signature="AAAA')

    assert client.post("/@karen/inbox/", body, content_type=AP, **headers).status_code == 401
    assert nothing_stored()


def test_a_signature_by_another_key_is_refused(client, blog, fake):
    from federation.keys import new_key_pair

    _, other_private = new_key_pair()
    body = json.dumps(follow(fake)).encode()
    headers = cavage_headers(path="/@karen/inbox/", body=body, key_id=fake.key_id, private_key_pem=other_private)

    assert client.post("/@karen/inbox/", body, content_type=AP, **headers).status_code == 401
    assert nothing_stored()


def test_an_unknown_key_that_does_not_match_is_fetched_once(client, blog, fake):
    from federation.keys import new_key_pair

    _, other_private = new_key_pair()
    body = json.dumps(follow(fake)).encode()
    headers = cavage_headers(path="/@karen/inbox/", body=body, key_id=fake.key_id, private_key_pem=other_private)

    assert client.post("/@karen/inbox/", body, content_type=AP, **headers).status_code == 401
    assert fake.fetches == 1


def test_a_changed_key_is_fetched_again_unless_it_was_fetched_a_moment_ago(client, blog, fake):
    from federation.keys import new_key_pair

    assert post_signed(client, "/@karen/inbox/", follow(fake), fake).status_code == 202
    fake.public_key_pem, fake.private_key_pem = new_key_pair()
    again = {**follow(fake), "id": f"{fake.base}/follows/2"}

    assert post_signed(client, "/@karen/inbox/", again, fake).status_code == 401
    assert fake.fetches == 1

    RemoteActor.objects.update(fetched_at=datetime.now(UTC) - timedelta(minutes=2))
    assert post_signed(client, "/@karen/inbox/", again, fake).status_code == 202
    assert fake.fetches == 2


def test_an_unsigned_request_is_refused(client, blog, fake):
    assert client.post("/inbox", json.dumps(follow(fake)), content_type=AP).status_code == 401
    assert nothing_stored()


def test_a_replayed_request_is_refused(client, blog, fake):
    body = json.dumps(follow(fake)).encode()
    headers = cavage_headers(
        path="/@karen/inbox/", body=body, key_id=fake.key_id, private_key_pem=fake.private_key_pem
    )
    assert client.post("/@karen/inbox/", body, content_type=AP, **headers).status_code == 202
    RemoteFollower.objects.all().delete()

    assert client.post("/@karen/inbox/", body, content_type=AP, **headers).status_code == 401
    assert not RemoteFollower.objects.exists()


@pytest.mark.parametrize("hours", [-13, 13])
def test_a_date_too_far_from_now_is_refused(client, blog, fake, hours):
    when = datetime.now(UTC) + timedelta(hours=hours)

    assert post_signed(client, "/@karen/inbox/", follow(fake), fake, date=when).status_code == 401
    assert nothing_stored()


def test_a_body_that_does_not_match_its_digest_is_refused(client, blog, fake):
    body = json.dumps(follow(fake)).encode()
    headers = cavage_headers(
        path="/@karen/inbox/", body=body, key_id=fake.key_id, private_key_pem=fake.private_key_pem
    )
    other = json.dumps({**follow(fake), "id": f"{fake.base}/follows/2"}).encode()

    assert client.post("/@karen/inbox/", other, content_type=AP, **headers).status_code == 401
    assert nothing_stored()


def test_an_activity_signed_by_someone_else_than_its_actor_is_refused(client, blog, fake):
    activity = {**follow(fake), "actor": f"{fake.base}/users/mallory"}

    assert post_signed(client, "/@karen/inbox/", activity, fake).status_code == 401
    assert nothing_stored()


def test_a_server_cannot_pass_its_key_off_as_an_account_of_another_server(client, blog, fake):
    # The key's document, served by the fake instance, claims to be an account on another server: believing
    # it would let any server speak for anyone (and replace their cached key).
    victim = "https://victim.example/users/alice"
    genuine = fake.actor_document
    fake.actor_document = lambda: {**genuine(), "id": victim, "inbox": f"{victim}/inbox", "endpoints": {}}

    assert post_signed(client, "/@karen/inbox/", {**follow(fake), "actor": victim}, fake).status_code == 401
    assert nothing_stored()
    assert not RemoteActor.objects.filter(uri=victim).exists()


def test_an_actor_on_a_blocked_instance_is_refused(client, blog, fake):
    BlockedSite.objects.create(domain="127.0.0.1")

    assert post_signed(client, "/@karen/inbox/", follow(fake), fake).status_code == 403
    assert nothing_stored()
    assert not RemoteActor.objects.exists()


def test_an_account_the_blog_blocked_is_refused(client, blog, fake):
    BlockedActor.objects.create(actor=actor_for(blog), uri=fake.actor_id)

    assert post_signed(client, "/@karen/inbox/", follow(fake), fake).status_code == 403
    assert nothing_stored()


def test_a_megabyte_activity_is_refused_unread(client, blog, fake):
    activity = {**follow(fake), "content": "x" * 1024 * 1024}

    assert post_signed(client, "/@karen/inbox/", activity, fake).status_code == 413
    assert nothing_stored()


def test_an_instance_sending_too_fast_is_told_to_wait(client, blog, fake, settings):
    settings.FEDERATION_INBOX_RATE_PER_MINUTE = 2
    for n in range(2):
        assert post_signed(client, "/inbox", {**follow(fake), "id": f"{fake.base}/f/{n}"}, fake).status_code == 202

    response = post_signed(client, "/inbox", {**follow(fake), "id": f"{fake.base}/f/3"}, fake)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_a_server_whose_key_is_named_too_often_is_not_fetched_from(client, blog, fake, settings):
    # Each activity claims an actor on another server, yet names the fake instance's key: counting the
    # actors' servers alone would let them make this site fetch that key without end.
    settings.FEDERATION_INBOX_RATE_PER_MINUTE = 2
    for n in range(2):
        activity = {**follow(fake), "actor": f"https://elsewhere{n}.example/users/x"}
        assert post_signed(client, "/inbox", activity, fake).status_code == 401

    activity = {**follow(fake), "actor": "https://elsewhere3.example/users/x"}
    assert post_signed(client, "/inbox", activity, fake).status_code == 429


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"type": "Follow"}'])
def test_a_body_that_is_not_an_activity_is_a_bad_request(client, blog, fake, body):
    assert post_signed(client, "/inbox", body, fake).status_code == 400


def test_the_shared_inbox_address_sends_readers_to_their_replies_inbox(client):
    response = client.get("/inbox")

    assert response.status_code == 302
    assert response["Location"] == "/inbox/"


def rfc9421_headers(*, body: bytes, key_id: str, sign, alg: str, path: str = "/inbox"):
    digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
    created = int(datetime.now(UTC).timestamp())
    params = f'("@method" "@target-uri" "content-digest");created={created};keyid="{key_id}";alg="{alg}"'
    base = (
        f'"@method": POST\n"@target-uri": http://testserver{path}\n"content-digest": {digest}\n'
        f'"@signature-params": {params}'
    )
    signature = base64.b64encode(sign(base.encode())).decode()
    return {
        "HTTP_CONTENT_DIGEST": digest,
        "HTTP_SIGNATURE_INPUT": f"sig1={params}",
        "HTTP_SIGNATURE": f"sig1=:{signature}:",
    }


def test_an_rfc_9421_rsa_signature_is_checked(client, blog, fake):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key = serialization.load_pem_private_key(fake.private_key_pem.encode(), password=None)
    body = json.dumps(follow(fake)).encode()
    headers = rfc9421_headers(
        body=body,
        key_id=fake.key_id,
        alg="rsa-v1_5-sha256",
        sign=lambda data: key.sign(data, padding.PKCS1v15(), hashes.SHA256()),
    )

    assert client.post("/inbox", body, content_type=AP, **headers).status_code == 202
    assert RemoteFollower.objects.count() == 1
    tampered = json.dumps({**follow(fake), "id": "x"}).encode()
    assert client.post("/inbox", tampered, content_type=AP, **headers).status_code == 401


def test_an_rfc_9421_ed25519_signature_is_checked(client, blog, fake):
    key = ed25519.Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    fake.public_key_pem = public.decode()
    body = json.dumps(follow(fake)).encode()

    good = rfc9421_headers(body=body, key_id=fake.key_id, alg="ed25519", sign=key.sign)
    assert client.post("/inbox", body, content_type=AP, **good).status_code == 202

    other = ed25519.Ed25519PrivateKey.generate()
    bad = rfc9421_headers(body=body, key_id=fake.key_id, alg="ed25519", sign=other.sign)
    assert client.post("/inbox", body, content_type=AP, **bad).status_code == 401
