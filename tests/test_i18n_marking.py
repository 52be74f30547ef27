"""Every sentence people read in the templates goes through the translation tags.

The check is deliberately plain: it removes what is not text (comments, script and style, template tags and
variables, translated blocks, markup, entities) and fails on any letter left over, in the text and in the
attributes people see or hear (alt, title, aria-label, placeholder, a button's value).
"""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Words that are the same in every language: feed format names, and the letters on the bold and italic
# toolbar buttons (hidden from screen readers, which read the translated label beside them).
UNTRANSLATED = {"Atom", "RSS", "B", "I"}

_REMOVE = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I),
    re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S),
    # Blocks that fill in class names, not text.
    re.compile(r"{%\s*block\s+(main_class|bodyclass)\s*%}.*?{%\s*endblock\b.*?%}", re.S),
]
_TAG_OR_VARIABLE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_ENTITY = re.compile(r"&#?\w+;")
_SEEN_ATTRIBUTES = re.compile(r"""\b(alt|title|aria-label|placeholder)\s*=\s*(["'])(.*?)\2""", re.S | re.I)
_BUTTON_VALUE = re.compile(
    r"""<input\b[^>]*\btype=["'](?:submit|button|reset)["'][^>]*\bvalue=(["'])(.*?)\1""", re.S | re.I
)
_MARKUP = re.compile(r"<[^>]*>", re.S)
_LETTERS = re.compile(r"[^\W\d_]+")


def _template_files():
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file() and path.suffix in {".html", ".txt"}:
            yield path


def _words(text):
    """Return the words of `text`, leaving out the untranslated ones."""
    return [word for word in _LETTERS.findall(text) if word not in UNTRANSLATED]


def unmarked_text(source):
    """Return the pieces of visible text in a template source that no translation tag covers."""
    for pattern in _REMOVE:
        source = pattern.sub(" ", source)
    # Tags and variables become a mark without letters, so that a tag inside an attribute (or a ">" inside
    # a tag) cannot confuse the markup patterns below.
    source = _ENTITY.sub(" ", _TAG_OR_VARIABLE.sub("§", source))
    found = []
    for pattern, group in ((_SEEN_ATTRIBUTES, 3), (_BUTTON_VALUE, 2)):
        for match in pattern.finditer(source):
            if _words(match.group(group)):
                found.append(match.group(0))
    for piece in _MARKUP.split(source):
        if _words(piece):
            found.append(" ".join(piece.split()))
    return found


@pytest.mark.parametrize("path", list(_template_files()), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_unmarked_text(path):
    assert unmarked_text(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "<p>Nothing here yet.</p>",
        '<img src="x.png" alt="A heron">',
        "{% block title %}Media library · {{ SITE_NAME }}{% endblock title %}",
        '<input type="submit" value="Ban these users">',
        "Hello {{ user.name }},",
        '<a href="#">{% translate "Edit" %}</a> or delete',
    ],
)
def test_checker_finds_an_unmarked_sentence(source):
    assert unmarked_text(source) != []


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<p>{% translate "Nothing here yet." %}</p>',
        '<img src="x.png" alt="{% translate "A heron" %}"> <img alt="{{ picture.alt }}">',
        "{% blocktranslate trimmed with n=count %}\n  {{ n }} posts\n{% endblocktranslate %}",
        "{# Translators: a note #}{% comment %}Why it is so.{% endcomment %}<script>let a = 1;</script>",
        '{{ blog.display_title }} · <a title="{{ title }} (Atom)" href="{% url "x" %}">&rsaquo; →</a> (42)',
    ],
)
def test_checker_lets_marked_text_tags_and_punctuation_through(source):
    assert unmarked_text(source) == []
