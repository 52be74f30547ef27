"""Image files built with Pillow for tests: good ones, bad ones and hostile ones."""

import struct
import zlib
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(fmt="JPEG", size=(640, 480), color=(200, 30, 30), mode="RGB", **save_kwargs) -> bytes:
    buffer = BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt, **save_kwargs)
    return buffer.getvalue()


def upload(data: bytes, name="picture.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_with_gps(size=(640, 480)) -> bytes:
    """A JPEG whose EXIF says where it was taken (and which camera took it)."""
    exif = Image.Exif()
    exif[0x010F] = "ExampleCam"  # Make
    exif[0x0110] = "Model 1"  # Model
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.5)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    return image_bytes("JPEG", size=size, exif=exif.tobytes())


def jpeg_with_orientation(size=(400, 200), orientation=6) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return image_bytes("JPEG", size=size, exif=exif.tobytes())


def png_bomb(width=100_000, height=100_000) -> bytes:
    """A tiny PNG that claims (and would decompress to) an enormous picture.

    The IDAT stream is a single row's worth of zeros compressed; the header alone is what must be refused.
    """

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * 8, 9)) + chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    data = image_bytes("JPEG", size=(800, 600), color=(10, 120, 200), quality=95)
    return data[: len(data) // 2]


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)
