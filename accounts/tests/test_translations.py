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


PO_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) ")


def read_po_entries(path: Path) -> list[dict]:
    """Each entry of a .po file (the header left out) as {"msgctxt", "msgid", "msgid_plural", "msgstr": [one
    string, or one per plural form], "fuzzy"}."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text()):
        lines = block.strip().splitlines()
        parts: dict[str, list[str]] = {}
        current = None
        for line in lines:
            keyword = PO_KEYWORD.match(line)
            if keyword:
                current, line = keyword.group(1), line[keyword.end() :]
            elif not line.startswith('"'):
                current = None
                continue
            if current:
                parts.setdefault(current, []).append(ast.literal_eval(line))
        msgid = "".join(parts.get("msgid", []))
        if not msgid:
            continue
        forms = sorted(key for key in parts if key.startswith("msgstr"))
        entries.append(
            {
                "msgctxt": "".join(parts["msgctxt"]) if "msgctxt" in parts else None,
                "msgid": msgid,
                "msgid_plural": "".join(parts["msgid_plural"]) if "msgid_plural" in parts else None,
                "msgstr": ["".join(parts[form]) for form in forms] or [""],
                "fuzzy": any(line.startswith("#,") and "fuzzy" in line for line in lines),
            }
        )
    return entries


def compiled_forms(translations: gettext.GNUTranslations, entry: dict) -> list[str | None]:
    """What the compiled catalogue holds for a .po entry: its one string, or each of its plural forms."""
    key = f"{entry['msgctxt']}\x04{entry['msgid']}" if entry["msgctxt"] is not None else entry["msgid"]
    catalog = translations._catalog  # the only way to read one plural form by index
    if entry["msgid_plural"] is None:
        return [catalog.get(key)]
    return [catalog.get((key, index)) for index in range(len(entry["msgstr"]))]


def catalogue_folder(language: str) -> Path:
    """The language's catalogue folder; the test skips, saying so, for a language offered before its
    catalogue lands (the interface shows English in its place meanwhile)."""
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    if not (folder / "django.po").exists():
        pytest.skip(f"no {language} catalogue in locale/ yet: that interface shows the English strings")
    return folder


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_translated(language):
    entries = read_po_entries(catalogue_folder(language) / "django.po")
    missing = sorted(marked_strings() - {entry["msgid"] for entry in entries} - AWAITING_TRANSLATION)
    untranslated = sorted(entry["msgid"] for entry in entries if not all(entry["msgstr"]) or entry["fuzzy"])
    assert not missing, f"not in the {language} catalogue (run `make messages`): {missing}"
    assert not untranslated, f"untranslated or fuzzy in {language}: {untranslated}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_says_what_its_source_says(language):
    folder = catalogue_folder(language)
    with (folder / "django.mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    source = read_po_entries(folder / "django.po")
    stale = [entry["msgid"] for entry in source if compiled_forms(translations, entry) != entry["msgstr"]]
    assert not stale, f"django.mo is older than django.po (run `make messages`): {stale[:5]}"


def test_the_marked_strings_are_found():
    """The scan above sees strings of each kind, so that an empty result cannot pass for a complete catalogue."""
    strings = marked_strings()
    assert "Skip to content" in strings
    assert "%(SITE_NAME)s — a home for many blogs." in strings
    assert "Your profile has been saved." in strings
