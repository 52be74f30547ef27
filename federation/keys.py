"""Key pairs for blogs' actors, made lazily the first time a blog is federated."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction

from .models import Actor


def new_key_pair() -> tuple[str, str]:
    """A fresh RSA 2048 key pair as (public PEM, private PEM), the kind every fediverse server reads."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return public, private


def actor_for(blog) -> Actor:
    """`blog`'s actor, made with its key pair the first time (two requests at once keep one)."""
    actor = Actor.objects.filter(blog=blog).first()
    if actor is not None:
        return actor
    public, private = new_key_pair()
    try:
        with transaction.atomic():
            return Actor.objects.create(blog=blog, public_key_pem=public, private_key_pem=private)
    except IntegrityError:
        return Actor.objects.get(blog=blog)
