"""Reading export files as a stream of XML events, safely and in bounded memory.

The standard library's expat refuses external entities by default and (from expat 2.4) limits entity
amplification, but it still expands entities declared in a file's own DTD. Export files never need those,
so the parser here is defusedxml's, which refuses any entity declaration (no "billion laughs", no quadratic
blow-up) and any external reference, whatever the expat version underneath.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET  # nosec B405 # only used with defusedxml's parser below
from collections.abc import Callable, Iterator

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .report import file_error_text

CHUNK_SIZE = 64 * 1024


class ImportFileError(Exception):
    """The file cannot be imported: a reason's code (one of `transfer.report.FILE_ERRORS`) with its
    parameters, and the line number when known. Its text is built in the active language when read."""

    def __init__(self, code: str, line: int | None = None, **params):
        self.code = code
        self.line = line
        self.params = params
        super().__init__(code)

    def __str__(self) -> str:
        return file_error_text(self.code, self.params, self.line)


class XMLStream:
    """Feeds a file to a pull parser in chunks and yields its (event, element) pairs.

    Callers clear each element they are done with so that the tree never holds more than the element being
    read. `progress(done_bytes, total_bytes)` is called after each chunk.
    """

    def __init__(self, path, *, progress: Callable[[int, int], None] | None = None):
        self.path = path
        self.progress = progress
        self._parser: DefusedXMLParser | None = None

    @property
    def line(self) -> int | None:
        if self._parser is None:
            return None
        return self._parser.parser.CurrentLineNumber

    def events(self, events=("start-ns", "start", "end")) -> Iterator[tuple[str, object]]:
        self._parser = DefusedXMLParser(
            target=ET.TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
        pull = ET.XMLPullParser(events=events, _parser=self._parser)
        total = os.path.getsize(self.path)
        done = 0
        if self.progress:
            self.progress(0, total)
        with open(self.path, "rb") as fh:
            while True:
                chunk = fh.read(CHUNK_SIZE)
                # The pull parser keeps an error met while feeding and raises it when its events are read,
                # so both calls are guarded: a fault anywhere in the file gives the same one-line error.
                try:
                    if chunk:
                        pull.feed(chunk)
                    else:
                        pull.close()
                    events_read = list(pull.read_events())
                except ET.ParseError as exc:
                    line = exc.position[0] if getattr(exc, "position", None) else self.line
                    raise ImportFileError("xml_malformed", line, detail=_expat_message(exc)) from None
                except DefusedXmlException as exc:
                    raise ImportFileError("xml_entities", self.line, detail=str(exc)) from None
                yield from events_read
                if not chunk:
                    break
                done += len(chunk)
                if self.progress:
                    self.progress(done, total)


def _expat_message(exc: ET.ParseError) -> str:
    # "no element found: line 12, column 3" -> "no element found"; the line is reported separately.
    return str(exc).split(": line ")[0]


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
