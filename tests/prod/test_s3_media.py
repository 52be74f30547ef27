"""Uploads on an S3-compatible store: moto's standalone server on 127.0.0.1 stands in for S3."""

import json
import socket
import urllib.request

import boto3
import pytest
from django.core.files.base import ContentFile

from accounts.tests.factories import UserFactory
from accounts.tests.images import image_bytes
from posts.models import Post

from .test_security_headers import settings_in_subprocess

pytestmark = pytest.mark.django_db

BUCKET = "blogsite-media"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_S3_REGION_NAME": "us-east-1"}
PUBLIC_READ_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
    ],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_endpoint(s3_server, monkeypatch):
    """An empty bucket with public reads, as the README's deployment notes describe."""
    # boto3 must never look for real credentials or a real region.
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    # moto keeps its buckets in process-wide memory; start every test from an empty store.
    reset = urllib.request.Request(f"{s3_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset, timeout=10).close()  # nosec B310
    client = s3_client(s3_server)
    client.create_bucket(Bucket=BUCKET)
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ_POLICY))
    return s3_server


def s3_client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def bucket_keys(endpoint) -> list[str]:
    return [item["Key"] for item in s3_client(endpoint).list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def fetch(url: str) -> bytes:
    assert url.startswith("http://127.0.0.1:"), url
    with urllib.request.urlopen(url, timeout=10) as response:  # nosec B310
        return response.read()


@pytest.fixture
def s3_settings(settings, s3_endpoint):
    """The settings that blogsite/settings.py derives from the documented AWS_* variables."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_QUERYSTRING_AUTH = False
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.AWS_S3_CUSTOM_DOMAIN = None
    return s3_endpoint


def test_setting_the_documented_variables_puts_uploads_in_the_bucket(s3_endpoint):
    output = settings_in_subprocess(
        "from django.core.files.storage import default_storage; from django.core.files.base import ContentFile; "
        "name = default_storage.save('avatars/1/me.txt', ContentFile(b'hello from blogsite')); "
        "print(type(default_storage._wrapped).__name__, name, default_storage.url(name))",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        **CREDENTIALS,
    )
    backend, name, url = output.split()
    assert backend == "S3Storage"
    assert name in bucket_keys(s3_endpoint)
    assert url == f"{s3_endpoint}/{BUCKET}/{name}"
    assert fetch(url) == b"hello from blogsite"


def test_an_avatar_upload_lands_in_the_bucket_and_its_url_serves_it(s3_settings):
    user = UserFactory(username="karen")
    image = image_bytes("PNG", size=(8, 8))
    user.avatar.save("portrait.png", ContentFile(image))
    assert user.avatar.name in bucket_keys(s3_settings)
    assert user.avatar.url.startswith(f"{s3_settings}/{BUCKET}/avatars/")
    assert fetch(user.avatar.url) == image


def test_a_cover_upload_lands_in_the_bucket_and_its_url_serves_it(s3_settings):
    author = UserFactory(username="karen")
    post = Post.objects.create(author=author, title="Spring", slug="spring", body="Buds.")
    image = image_bytes("PNG", size=(8, 8))
    post.cover.save("garden.png", ContentFile(image))
    assert post.cover.name == f"covers/{author.pk}/garden.png"
    assert post.cover.name in bucket_keys(s3_settings)
    assert fetch(post.cover.url) == image


def test_a_second_upload_of_the_same_name_never_replaces_the_first(s3_settings):
    """Cached pages may still show the first file, so it must stay where it was."""
    user = UserFactory(username="karen")
    user.avatar.save("portrait.png", ContentFile(b"first"))
    first = user.avatar.name
    user.avatar.save("portrait.png", ContentFile(b"second"))
    assert user.avatar.name != first
    assert fetch(user.avatar.url) == b"second"
    assert sorted(bucket_keys(s3_settings)) == sorted([first, user.avatar.name])
