"""The translation catalogues: every string marked in the files below is in each catalogue, translated, and the
compiled .mo (committed, so that running the site needs no gettext) says the same as its .po."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
# The files whose strings are marked for translation; the rest of the interface is still English only.
MARKED_TEMPLATES = [
    "templates/base.html",
    "templates/400.html",
    "templates/403.html",
    "templates/403_csrf.html",
    "templates/404.html",
    "templates/429.html",
    "templates/500.html",
    "templates/503.html",
    "templates/account/email/base_message.txt",
    "templates/accounts/about.html",
    "templates/accounts/profile_form.html",
    "templates/accounts/_verify_notice.html",
    "templates/accounts/verify_email_required.html",
    "templates/usersessions/usersession_list.html",
    "templates/socialaccount/signup.html",
    "templates/socialaccount/authentication_error.html",
]
MARKED_PYTHON = ["accounts/forms.py", "accounts/views.py", "accounts/middleware.py", "accounts/validators.py"]
# Strings marked in the files above after their French catalogue was written: `make messages` adds them to
# every catalogue, where they must then be translated like the rest (the check of untranslated entries below
# still applies); once they are, this set is emptied.
AWAITING_TRANSLATION = {
    '<a href="%(comments_url)s">All comments by %(name)s</a>',
    "Comments on my posts",
    "My held comments approved or removed",
    "Replies to my comments",
    "Use letters, digits, hyphens and underscores only (no spaces or dots), starting and ending with a letter or "
    "digit.",
}
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}
TEMPLATE_CALL = re.compile(r"""\b(?:gettext|ngettext)\(u?('(?:[^'\\]|\\.)*')""")
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def marked_strings() -> set[str]:
    """Every msgid marked in MARKED_TEMPLATES and MARKED_PYTHON, read as makemessages reads them."""
    found = set()
    for name in MARKED_TEMPLATES:
        # Django's templatize turns a template into the gettext() calls xgettext reads, amid filler that is
        # not Python; the calls' string literals are.
        for literal in TEMPLATE_CALL.findall(templatize((ROOT / name).read_text(), origin=str(ROOT / name))):
            found.add(ast.literal_eval(literal))
    for name in MARKED_PYTHON:
        for node in ast.walk(ast.parse((ROOT / name).read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT_NAMES and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    return found


def read_po(path: Path) -> dict[str, tuple[str, bool]]:
    """msgid → (msgstr, fuzzy) of a .po file, for the singular entries this project writes."""
    entries, fuzzy = {}, False
    text = path.read_text()
    for block in re.split(r"\n\s*\n", text):
        lines = block.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        current, parts = None, {"msgid": [], "msgstr": []}
        for line in lines:
            if line.startswith("msgid "):
                current, line = "msgid", line[6:]
            elif line.startswith("msgstr "):
                current, line = "msgstr", line[7:]
            elif not line.startswith('"'):
                current = None if not line.startswith('"') else current
                continue
            if current:
                parts[current].append(ast.literal_eval(line))
        msgid = "".join(parts["msgid"])
        if msgid:
            entries[msgid] = ("".join(parts["msgstr"]), fuzzy)
    return entries


def catalogue_folder(language: str) -> Path:
    """The language's catalogue folder; the test skips, saying so, for a language offered before its
    catalogue lands (the interface shows English in its place meanwhile)."""
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    if not (folder / "django.po").exists():
        pytest.skip(f"no {language} catalogue in locale/ yet: that interface shows the English strings")
    return folder


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_translated(language):
    catalogue = read_po(catalogue_folder(language) / "django.po")
    missing = sorted(marked_strings() - catalogue.keys() - AWAITING_TRANSLATION)
    untranslated = sorted(msgid for msgid, (msgstr, fuzzy) in catalogue.items() if not msgstr or fuzzy)
    assert not missing, f"not in the {language} catalogue (run `make messages`): {missing}"
    assert not untranslated, f"untranslated or fuzzy in {language}: {untranslated}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_says_what_its_source_says(language):
    folder = catalogue_folder(language)
    with (folder / "django.mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    source = read_po(folder / "django.po")
    stale = [msgid for msgid, (msgstr, _fuzzy) in source.items() if translations.gettext(msgid) != msgstr]
    assert not stale, f"django.mo is older than django.po (run `make messages`): {stale[:5]}"


def test_the_marked_strings_are_found():
    """The scan above sees strings of each kind, so that an empty result cannot pass for a complete catalogue."""
    strings = marked_strings()
    assert "Skip to content" in strings
    assert "%(SITE_NAME)s — a home for many blogs." in strings
    assert "Your profile has been saved." in strings
