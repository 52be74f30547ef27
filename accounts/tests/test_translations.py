"""The translation catalogues: every string the project marks is in each catalogue, translated, and the compiled
.mo (committed, so that running the site needs no gettext) says the same as its .po; pages and mail rendered in
each language look up no string of ours that its catalogue cannot translate."""

import ast
import gettext
import re
import warnings
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils.translation import TranslatorCommentWarning, trans_real
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
# A msgid is known by its context (None when it has none) and its text, as makemessages merges them.
Key = tuple[str | None, str]
# The gettext functions makemessages reads (xgettext's own and the ones Django adds), with the position of the
# context argument (or None) and of the message: any call by these names, whatever module it comes from.
PYTHON_CALLS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}
# Django's templatize turns a template into the calls xgettext reads (gettext, ngettext, pgettext, npgettext,
# and `_` from filter arguments), amid filler that is not Python; the calls' string literals are.
_LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(rf"\b(_|gettext|ngettext|pgettext|npgettext)\(\s*({_LITERAL}(?:\s*,\s*{_LITERAL})*)")
LITERAL = re.compile(_LITERAL)
# Where the project's strings are: apps are the folders with an apps.py, and blogsite/ is the project package.
SKIPPED_FOLDERS = {"tests", "migrations", ".venv", "node_modules"}
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def _python_files():
    folders = [ROOT / "blogsite", *sorted(path.parent for path in ROOT.glob("*/apps.py"))]
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            parts = set(path.relative_to(ROOT).parts)
            if not parts & SKIPPED_FOLDERS and not path.name.startswith("test_") and path.name != "conftest.py":
                yield path


def _template_files():
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in {".html", ".txt"} and path.is_file():
            yield path


def _key(call: str, arguments: list[str]) -> Key | None:
    context_at, message_at = PYTHON_CALLS[call]
    if len(arguments) <= message_at:
        return None
    return (arguments[context_at] if context_at is not None else None, arguments[message_at])


def marked_strings() -> set[Key]:
    """Every (msgctxt, msgid) marked in the project's templates and Python, read as makemessages reads them."""
    found = set()
    for path in _template_files():
        with warnings.catch_warnings():
            # A misplaced translator comment is makemessages' to report; the strings are read all the same.
            warnings.simplefilter("ignore", TranslatorCommentWarning)
            source = templatize(path.read_text(), origin=str(path))
        for call, arguments in TEMPLATE_CALL.findall(source):
            key = _key(call, [ast.literal_eval(literal) for literal in LITERAL.findall(arguments)])
            if key:
                found.add(key)
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            call = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if call not in PYTHON_CALLS:
                continue
            # xgettext takes the leading string literals of the call; anything else is not extracted.
            arguments = []
            for argument in node.args:
                if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                    break
                arguments.append(argument.value)
            key = _key(call, arguments)
            if key:
                found.add(key)
    return found


# The editor's scripts mark their words with gettext() and one string literal (djangojs domain).
SCRIPT_CALL = re.compile(r"""\bgettext\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\)""")


def script_strings() -> set[Key]:
    """Every msgid the scripts in static/js mark, as `makemessages -d djangojs` reads them."""
    return {
        (None, ast.literal_eval(literal))
        for path in sorted((ROOT / "static" / "js").glob("*.js"))
        for literal in SCRIPT_CALL.findall(path.read_text())
    }


# Each catalogue (a .po and its .mo per language) and what finds the strings it must translate.
DOMAINS = {"django": marked_strings, "djangojs": script_strings}


class Entry:
    """One entry of a .po file: its translations (one per plural form, else one), and whether it is fuzzy."""

    def __init__(self, msgstrs: list[str], fuzzy: bool, msgid_plural: str):
        self.msgstrs, self.fuzzy, self.msgid_plural = msgstrs, fuzzy, msgid_plural


def read_po(path: Path) -> tuple[dict[Key, Entry], int]:
    """(msgctxt, msgid) → Entry for the live entries of a .po file, and the number of plural forms its header
    asks for."""
    entries, nplurals = {}, 2
    for block in re.split(r"\n\s*\n", path.read_text()):
        lines = block.strip().splitlines()
        if any(line.startswith("#~") for line in lines):
            continue  # obsolete
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        parts: dict[str, list[str]] = {}
        current = None
        for line in lines:
            keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) ", line)
            if keyword:
                current = keyword.group(1)
                line = line[keyword.end() :]
            elif not line.startswith('"'):
                current = None
                continue
            if current:
                parts.setdefault(current, []).append(ast.literal_eval(line))
        text = {name: "".join(pieces) for name, pieces in parts.items()}
        if "msgid" not in text:
            continue
        if not text["msgid"] and "msgctxt" not in text:
            found = re.search(r"nplurals\s*=\s*(\d+)", text.get("msgstr", ""))
            nplurals = int(found.group(1)) if found else nplurals
            continue
        if "msgid_plural" in text:
            forms = sorted((int(name[7:-1]), value) for name, value in text.items() if name.startswith("msgstr["))
            msgstrs = [value for _form, value in forms]
        else:
            msgstrs = [text.get("msgstr", "")]
        entries[(text.get("msgctxt"), text["msgid"])] = Entry(msgstrs, fuzzy, text.get("msgid_plural", ""))
    return entries, nplurals


def catalogue_folder(language: str) -> Path:
    """The language's catalogue folder; the test skips, saying so, for a language offered before its
    catalogue lands (the interface shows English in its place meanwhile)."""
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    if not (folder / "django.po").exists():
        pytest.skip(f"no {language} catalogue in locale/ yet: that interface shows the English strings")
    return folder


def _show(keys) -> list[str]:
    ordered = sorted(keys, key=lambda key: (key[1], key[0] or ""))
    return [f"{context}|{msgid}" if context else msgid for context, msgid in ordered]


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_translated(language, domain):
    catalogue, nplurals = read_po(catalogue_folder(language) / f"{domain}.po")
    missing = DOMAINS[domain]() - catalogue.keys()
    untranslated = [
        key
        for key, entry in catalogue.items()
        if entry.fuzzy or not all(entry.msgstrs) or (entry.msgid_plural and len(entry.msgstrs) != nplurals)
    ]
    assert not missing, f"not in the {language} {domain} catalogue (run `make messages`): {_show(missing)}"
    assert not untranslated, f"untranslated or fuzzy in {language} {domain}: {_show(untranslated)}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_says_what_its_source_says(language, domain):
    folder = catalogue_folder(language)
    with (folder / f"{domain}.mo").open("rb") as compiled:
        # What the .mo holds, as gettext reads it: a message with a context under "context\x04message", and
        # each plural form under (message, form number).
        compiled_entries = gettext.GNUTranslations(compiled)._catalog
    source, _nplurals = read_po(folder / f"{domain}.po")
    stale = []
    for (context, msgid), entry in source.items():
        key = f"{context}\x04{msgid}" if context else msgid
        forms = [(key, form) for form in range(len(entry.msgstrs))] if entry.msgid_plural else [key]
        if [compiled_entries.get(form) for form in forms] != entry.msgstrs:
            stale.append((context, msgid))
    assert not stale, f"{domain}.mo is older than {domain}.po (run `make messages`): {_show(stale)[:5]}"


def test_the_marked_strings_are_found():
    """The scan sees strings of each kind, so that an empty result cannot pass for a complete catalogue."""
    strings = marked_strings()
    assert (None, "Skip to content") in strings  # {% translate %} in a template
    assert (None, "%(SITE_NAME)s — a home for many blogs.") in strings  # {% blocktranslate %}
    assert (None, "%(shown)s comment") in strings  # {% blocktranslate count %}
    assert ("button", "Search") in strings  # {% translate … context %}
    assert (None, "Your profile has been saved.") in strings  # gettext() in Python
    assert (None, "%(count)d comment approved.") in strings  # ngettext() in Python
    assert ("comment status", "Spam") in strings  # pgettext_lazy() in Python
    assert not any(msgid.startswith("test ") for _context, msgid in strings)
    scripts = script_strings()
    assert (None, "Bold added") in scripts  # gettext() in static/js
    assert (None, "The upload failed (%s). Please try again.") in scripts


@pytest.fixture
def untranslated_lookups(monkeypatch):
    """Record every lookup, in a language's own catalogue, of a string the catalogue does not translate.

    Django's DjangoTranslation answers gettext, and pgettext as a gettext of "context\\x04message"; ngettext
    and npgettext likewise. A string it does not have goes on to the English fallback, whose lookups are not
    the ones recorded here."""
    lookups: dict[str, set[str]] = {}

    def record(translation, message: str) -> None:
        lookups.setdefault(translation.language(), set()).add(message)

    real_gettext = trans_real.DjangoTranslation.gettext
    real_ngettext = trans_real.DjangoTranslation.ngettext

    def recording_gettext(self, message):
        if message and message not in self._catalog:
            record(self, message)
        return real_gettext(self, message)

    def recording_ngettext(self, msgid1, msgid2, n):
        try:
            self._catalog.plural(msgid1, n)
        except KeyError:
            record(self, msgid1)
        return real_ngettext(self, msgid1, msgid2, n)

    monkeypatch.setattr(trans_real.DjangoTranslation, "gettext", recording_gettext)
    monkeypatch.setattr(trans_real.DjangoTranslation, "ngettext", recording_ngettext)
    return lookups


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_and_mail_find_every_string_of_ours_translated(
    language, client, post, other_user, untranslated_lookups, django_capture_on_commit_callbacks
):
    """The front page, a post with a comment, the sign-in page and a notification mail, in `language`: each
    string of ours they look up is in its catalogue (Django's and allauth's own strings are theirs to
    translate)."""
    from comments import services
    from posts.models import Blog

    catalogue, _nplurals = read_po(catalogue_folder(language) / "django.po")
    ours = catalogue.keys() | marked_strings()
    post.author.language = language
    post.author.save(update_fields=["language"])
    other_user.language = language
    other_user.save(update_fields=["language"])
    Blog.objects.update_or_create(owner=post.author, defaults={"comment_policy": Blog.CommentPolicy.OPEN})
    with django_capture_on_commit_callbacks(execute=True):
        services.post_comment(post=post, author=other_user, body="Lovely post")
    assert [message.to for message in mail.outbox] == [[post.author.email]]

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert client.get("/accounts/login/").status_code == 200
    client.force_login(other_user)
    for address in ["/", post.get_absolute_url()]:
        response = client.get(address)
        assert response.status_code == 200
        assert "Lovely post" in response.text or address == "/"

    looked_up = untranslated_lookups.get(language, set())
    keys = {tuple(message.split("\x04", 1)) if "\x04" in message else (None, message) for message in looked_up}
    missing = keys & ours
    assert not missing, f"looked up without a {language} translation: {_show(missing)}"


# Apps whose admin shows labels of their own: their choices' labels and their admin's action descriptions and
# column titles are checked in each language through the objects the admin shows, so that a label left a plain
# string (which no catalogue can translate, and which the scan of marked strings cannot see) fails.
ADMIN_APPS = ["mentions", "federation"]


def admin_words(app_label: str) -> dict[str, object]:
    """Where → text for each choice label of the app's models, and each description of an action or a column
    of their admin pages."""
    from django.apps import apps
    from django.contrib import admin

    words = {}
    for model in apps.get_app_config(app_label).get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "choices", None) or []:
                words[f"{model.__name__}.{field.name}={value}"] = label
        if not admin.site.is_registered(model):
            continue
        model_admin = admin.site.get_model_admin(model)
        for name in [*(model_admin.actions or []), *model_admin.list_display]:
            function = name if callable(name) else getattr(model_admin, name, None)
            if hasattr(function, "short_description"):
                words[f"{type(model_admin).__name__}.{getattr(function, '__name__', name)}"] = (
                    function.short_description
                )
    return words


@pytest.mark.parametrize("app_label", ADMIN_APPS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_labels_and_actions_are_marked_and_translated(language, app_label):
    """Each label is a lazy translation, and in `language` it reads as its catalogue translates it."""
    from django.utils import translation
    from django.utils.functional import Promise

    catalogue, _nplurals = read_po(catalogue_folder(language) / "django.po")
    translated: dict[str, set[str]] = {}
    for (_context, msgid), entry in catalogue.items():
        translated.setdefault(msgid, set()).update(entry.msgstrs)
    words = admin_words(app_label)
    unmarked = sorted(where for where, text in words.items() if not isinstance(text, Promise))
    with translation.override("en"):
        english = {where: str(text) for where, text in words.items()}
    with translation.override(language):
        shown = {where: str(text) for where, text in words.items()}
    untranslated = sorted(where for where in words if shown[where] not in translated.get(english[where], set()))
    assert not unmarked, f"not marked for translation: {unmarked}"
    assert not untranslated, f"not translated in {language}: {[(where, english[where]) for where in untranslated]}"


def test_the_admin_labels_are_found():
    """The scan sees choice labels, action descriptions and column titles of both apps."""
    mentions, federation = admin_words("mentions"), admin_words("federation")
    assert "Outgoing.status=no_endpoint" in mentions
    assert "MentionAdmin.approved" in mentions
    assert "ReceiptAdmin.why" in mentions
    assert "Delivery.status=given_up" in federation
    assert "InstanceAdmin.block" in federation


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_apps_name_is_marked_and_translated(language):
    """The admin's index heads each section with its app's name: ours are lazy translations, said in `language`."""
    from django.apps import apps
    from django.utils import translation
    from django.utils.functional import Promise

    ours = [config for config in apps.get_app_configs() if Path(config.path).parent == settings.BASE_DIR]
    assert {"posts", "transfer", "moderation", "mentions"} <= {config.label for config in ours}
    catalogue, _nplurals = read_po(catalogue_folder(language) / "django.po")
    unmarked = sorted(config.label for config in ours if not isinstance(config.verbose_name, Promise))
    with translation.override(language):
        untranslated = sorted(
            config.label
            for config in ours
            if not any(str(config.verbose_name) in entry.msgstrs for entry in catalogue.values())
        )
    assert not unmarked, f"app names not marked for translation: {unmarked}"
    assert not untranslated, f"app names not translated in {language}: {untranslated}"


def our_models():
    """The models of the project's own apps (those whose folder is directly under BASE_DIR)."""
    from django.apps import apps

    return [model for model in apps.get_models() if Path(model._meta.app_config.path).parent == settings.BASE_DIR]


def test_our_models_include_every_admin_registered_one():
    """The scan below covers each model the admin lists for our apps, and the ones named in its pages."""
    from django.contrib import admin

    labels = {model._meta.label for model in our_models()}
    registered = {
        model._meta.label for model in admin.site._registry if Path(model._meta.app_config.path).parent == ROOT
    }
    assert {"mentions.Outgoing", "mentions.Receipt", "federation.Instance", "posts.Post"} <= registered <= labels


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_models_name_is_marked_and_translated(language):
    """The admin names our models (index, change lists, deletion summaries) by their verbose names: each one is
    set in Meta as a lazy translation, in the singular and the plural, and reads as the catalogue translates it."""
    from django.utils import translation
    from django.utils.functional import Promise

    catalogue, _nplurals = read_po(catalogue_folder(language) / "django.po")
    translated: dict[str, set[str]] = {}
    for (_context, msgid), entry in catalogue.items():
        translated.setdefault(msgid, set()).update(entry.msgstrs)
    unmarked, untranslated = [], []
    for model in our_models():
        for option in ("verbose_name", "verbose_name_plural"):
            where = f"{model._meta.label}.{option}"
            text = getattr(model._meta, option)
            if option not in model._meta.original_attrs or not isinstance(text, Promise):
                unmarked.append(where)
                continue
            with translation.override("en"):
                english = str(text)
            with translation.override(language):
                shown = str(text)
            if shown not in translated.get(english, set()):
                untranslated.append((where, english))
    assert not unmarked, f"model names not set as lazy translations in Meta: {unmarked}"
    assert not untranslated, f"model names not translated in {language}: {untranslated}"
