"""Export files that come zipped: Blogger's Takeout archive (`takeout-….zip` holding
`Takeout/Blogger/Blogs/<blog>/feed.atom`), or any zip holding one export file.

A zip is someone else's file: its directory may claim anything. The export file is picked by name alone
(never written under a name from the archive, so `../` and absolute paths go nowhere), and it is copied out
in chunks with a count of the bytes actually produced, so that a member that unpacks to more than it claims
(a zip bomb) is stopped at the limit rather than believed.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from .xmlstream import ImportFileError

CHUNK = 1024 * 1024
# An XML export compresses well (10 to 20 times); a far higher ratio is a bomb, not a blog.
MAX_RATIO = 200
EXPORT_SUFFIXES = (".atom", ".xml", ".json")


def is_zip(path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def extract_export(path, *, into: Path, max_bytes: int) -> Path:
    """The one export file inside the zip at `path`, copied to a new file in the folder `into`.

    Raises `ImportFileError` for a damaged zip, a member named outside the archive's folder, more than
    one candidate, none, an encrypted member, or one that unpacks beyond `max_bytes` or `MAX_RATIO`.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError("zip_damaged", detail=str(exc)) from None
    with archive:
        candidates = []
        for info in archive.infolist():
            name = info.filename
            normal = posixpath.normpath(name)
            if name.startswith(("/", "\\")) or "\\" in name or normal.startswith("..") or ":" in name.split("/")[0]:
                raise ImportFileError("zip_outside", name=name[:80])
            if info.is_dir() or posixpath.basename(normal).startswith("."):
                continue
            if normal.lower().endswith(EXPORT_SUFFIXES):
                candidates.append(info)
        feeds = [info for info in candidates if posixpath.basename(info.filename) == "feed.atom"]
        chosen = feeds or candidates
        if not chosen:
            raise ImportFileError("zip_no_export")
        if len(chosen) > 1:
            names = ", ".join(info.filename for info in chosen[:3])
            raise ImportFileError("zip_several", count=len(chosen), names=names)
        info = chosen[0]
        if info.flag_bits & 0x1:
            raise ImportFileError("zip_encrypted")
        if info.file_size > max_bytes:
            raise ImportFileError("zip_too_large", size_mb=info.file_size // 2**20, max_mb=max_bytes // 2**20)
        limit = min(max_bytes, max(info.compress_size, 1) * MAX_RATIO)
        target = into / ("export" + posixpath.splitext(info.filename)[1].lower())
        written = 0
        try:
            with archive.open(info) as source, open(target, "wb") as out:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    if written > limit:
                        raise ImportFileError("zip_bomb")
                    out.write(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
            raise ImportFileError("zip_damaged", detail=str(exc)) from None
        except ImportFileError:
            target.unlink(missing_ok=True)
            raise
        return target
