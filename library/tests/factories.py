"""Pictures for the media library's tests, stored through the service as every upload is."""

from io import BytesIO

from PIL import Image

from accounts.tests.images import image_bytes, upload
from library.services import store_picture


def noisy_jpeg(size=(2000, 1000)) -> bytes:
    """A JPEG with detail in it (a flat colour compresses to nothing and says little about sizes)."""
    image = Image.effect_noise(size, 64).convert("RGB")
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def make_picture(owner, *, fmt="JPEG", size=(640, 480), alt="A red square", name="picture.jpg", **kwargs):
    """A stored picture of `owner`'s (its renditions are made only inside a commit-capturing block)."""
    return store_picture(owner=owner, file=upload(image_bytes(fmt, size=size, **kwargs), name=name), alt=alt)
