"""Line diffs between two revisions of a post, bounded in cost whatever the texts are.

`difflib.SequenceMatcher` can take time proportional to the product of the two texts' line counts. The
lines both texts share at their start and end are set aside first (linear), which leaves the edited middle,
usually a few lines; when that middle is still larger than `MAX_MATCH_CELLS` (two long texts rewritten
from top to bottom), it is shown as removed and added whole instead of being matched line by line.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.translation import gettext_lazy as _

# Lines of old middle times lines of new middle that are matched line by line (under a tenth of a second here).
MAX_MATCH_CELLS = 1_000_000
CONTEXT_LINES = 3
FIELDS = (("title", _("Title")), ("labels", _("Labels")), ("excerpt", _("Excerpt")), ("body", _("Text")))


@dataclass(frozen=True)
class Line:
    kind: str  # "same", "added", "removed", or "gap" (unchanged lines left out)
    text: str
    old_number: int | None = None
    new_number: int | None = None


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher's opcodes for two line lists, with the shared start and end found in linear time."""
    start = _common_prefix(a, b)
    end = _common_prefix(a[start:][::-1], b[start:][::-1])
    middle_a, middle_b = a[start : len(a) - end], b[start : len(b) - end]
    codes = []
    if start:
        codes.append(("equal", 0, start, 0, start))
    if middle_a or middle_b:
        if len(middle_a) * len(middle_b) <= MAX_MATCH_CELLS:
            matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                codes.append((tag, i1 + start, i2 + start, j1 + start, j2 + start))
        else:
            codes.append(("replace", start, start + len(middle_a), start, start + len(middle_b)))
    if end:
        codes.append(("equal", len(a) - end, len(a), len(b) - end, len(b)))
    return codes


def diff_lines(old: str, new: str, *, context: int = CONTEXT_LINES) -> list[Line]:
    """The lines of `old` and `new` marked same, removed or added; runs of unchanged lines longer than
    twice `context` are shortened to their edges around a "gap". Empty when the texts are equal."""
    if old == new:
        return []
    a, b = old.splitlines(), new.splitlines()
    lines: list[Line] = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            run = [Line("same", a[i1 + k], i1 + k + 1, j1 + k + 1) for k in range(i2 - i1)]
            first, last = i1 == 0, i2 == len(a)
            head = 0 if first else context
            tail = 0 if last else context
            if len(run) > head + tail + 1:
                lines.extend(run[:head])
                lines.append(Line("gap", f"{len(run) - head - tail} unchanged lines"))
                lines.extend(run[len(run) - tail :] if tail else [])
            else:
                lines.extend(run)
            continue
        lines.extend(Line("removed", a[i], old_number=i + 1) for i in range(i1, i2))
        lines.extend(Line("added", b[j], new_number=j + 1) for j in range(j1, j2))
    return lines


def compare(old: dict, new: dict) -> list[dict]:
    """For each of a post's fields that differs between two contents (`Revision.content()`), its label
    and its `diff_lines`; the fields that are equal are left out."""
    return [
        {"name": name, "label": label, "lines": diff_lines(old[name], new[name])}
        for name, label in FIELDS
        if old[name] != new[name]
    ]
