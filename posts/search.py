"""Ranked full-text search over public posts, with one query syntax and the same results on both databases,
but for the word forms of languages other than English (see below).

The syntax is the one PostgreSQL's `websearch_to_tsquery` reads: words are all required, `"quoted words"`
are a phrase, `OR` between two terms makes either do, and `-word` (or `-"a phrase"`) excludes. It is parsed
here, once, into a `ParsedQuery`, which each database then gets in its own form:

- PostgreSQL: the generated, GIN-indexed `posts_post.search_vector` (migrations 0002 and 0012) matched
  with tsqueries built from the parsed terms;
- SQLite: the FTS5 table `posts_post_fts` (Porter stemmer over unicode61, migration 0005) matched with
  FTS5 expressions built from the same terms (every term quoted, so nothing the reader types is syntax);
  without FTS5, a LIKE search.

Posts with the words in their title come first, then the newest (see `_rank`), alike on both.

Each post is stemmed in its blog's language on PostgreSQL: the post keeps the text search configuration of
that language (`Post.search_config`: `french` for a French blog, `simple` for a language PostgreSQL has no
stemmer for), its search vector is built with it, and a query matches each post in the post's own
configuration, so that one search over every blog finds "jardin" in a French post from "jardins" and
"gardens" in an English one from "garden" (see `_in_own_config`). SQLite's FTS5 has one stemmer, Porter's,
which knows English only: there every post is stemmed by English rules (which still join many plurals in
-s of other Latin-script languages, and leave other scripts as they are). A term also matches a post when
it is the name of one of the post's labels or of its author, so searching a label or a blogger finds their
posts. When nothing matches, partial words are looked for with trigrams (pg_trgm on PostgreSQL, FTS5's
trigram tokenizer on SQLite: "lotmen" finds "allotments"), and the nearest label, blogger or title word is
suggested. Snippets are made here, from the rendered text, the same on both databases.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact, SearchVectorField
from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.expressions import Expression, RawSQL
from django.db.models.functions import Lower
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from .markup import html_to_text
from .models import Label, Post

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_LENGTH = 240
# Trigrams need three characters to match anything.
MIN_PARTIAL_LENGTH = 3
# Filters offered beside the results: the blogs and labels most of them are in.
FACETS = 8
# Where suggestions for a search that found nothing come from, besides labels and bloggers: the words of
# the titles of this many recent posts.
SUGGESTION_TITLES = 500


FTS_TABLE = "posts_post_fts"
TRIGRAM_TABLE = "posts_post_trigram"
SQLITE_FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"


# Kept here as well as in migrations 0002 and 0005: Django rebuilds a SQLite table (dropping its triggers)
# whenever a later migration alters `posts_post`, so `ensure_sqlite_index` puts them back after every
# migrate. "{table}" stands for the FTS5 table's name, one of the constants above.
_TRIGGER_TEMPLATES = {
    "{table}_insert": """
            CREATE TRIGGER IF NOT EXISTS {table}_insert AFTER INSERT ON posts_post BEGIN
                INSERT INTO {table}(rowid, title, body) VALUES (new.id, new.title, new.body);
            END""",
    "{table}_delete": """
            CREATE TRIGGER IF NOT EXISTS {table}_delete AFTER DELETE ON posts_post BEGIN
                DELETE FROM {table} WHERE rowid = old.id;
            END""",
    "{table}_update": """
            CREATE TRIGGER IF NOT EXISTS {table}_update AFTER UPDATE OF title, body ON posts_post BEGIN
                DELETE FROM {table} WHERE rowid = old.id;
                INSERT INTO {table}(rowid, title, body) VALUES (new.id, new.title, new.body);
            END""",
}
# What fills an FTS5 table from scratch, in the same form.
_REFILL_TEMPLATES = (
    "DELETE FROM {table}",
    "INSERT INTO {table}(rowid, title, body) SELECT id, title, body FROM posts_post",
)


def _index_triggers(table: str) -> dict[str, str]:
    """The triggers that keep the FTS5 table `table` in step with posts_post's title and body."""
    return {name.format(table=table): sql.format(table=table) for name, sql in _TRIGGER_TEMPLATES.items()}


SQLITE_TRIGGERS = {**_index_triggers(FTS_TABLE), **_index_triggers(TRIGRAM_TABLE)}


def clean_query(raw: str) -> str:
    """The query as searched: NULs and control characters gone, whitespace collapsed, length bounded."""
    raw = re.sub(r"[\x00-\x1f\x7f]", " ", raw or "")
    return " ".join(raw.split())[:MAX_QUERY_LENGTH]


# The parsed query


@dataclass(frozen=True)
class Term:
    """A word, or several that must come together (a phrase: quoted, or joined like `re-use`)."""

    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class ParsedQuery:
    """Every group must match; a group matches when any of its terms does; no excluded term may match."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]

    @property
    def words(self) -> list[str]:
        return [word for term in self.terms for word in term.words]

    def __bool__(self) -> bool:
        return bool(self.groups)


TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse_query(query: str) -> ParsedQuery:
    """The query's terms as `websearch_to_tsquery` reads them; at most MAX_TERMS words, never an error."""
    parsed = ParsedQuery()
    joined = False  # the previous token was OR, with a term before it
    budget = MAX_TERMS
    for match in TOKEN.finditer(query):
        negated, quoted, plain = match[1], match[2], match[3]
        if plain is not None and plain.upper() == "OR":
            joined = bool(parsed.groups)
            continue
        if plain is not None and plain.startswith("-") and len(plain) > 1:
            negated, plain = "-", plain[1:]
        words = tuple(re.findall(r"\w+", quoted if quoted is not None else plain))[:budget]
        if not words:
            continue
        budget -= len(words)
        term = Term(words)
        if negated:
            parsed.excluded.append(term)
        elif joined:
            parsed.groups[-1].append(term)
        else:
            parsed.groups.append([term])
        joined = False
        if budget <= 0:
            break
    return parsed


def _fts_string(term: Term) -> str:
    # Words hold letters, digits and underscores only: quoted, they are always one FTS5 string.
    return f'"{term.text}"'


def fts_expression(parsed: ParsedQuery, *, min_length: int = 1) -> str | None:
    """The query as an FTS5 expression, keeping only terms of at least `min_length` characters (None when
    no group is left)."""
    groups = []
    for group in parsed.groups:
        kept = [_fts_string(t) for t in group if len(t.text) >= min_length]
        if kept:
            groups.append(kept[0] if len(kept) == 1 else "(" + " OR ".join(kept) + ")")
    if not groups:
        return None
    excluded = [f" NOT {_fts_string(t)}" for t in parsed.excluded if len(t.text) >= min_length]
    return " AND ".join(groups) + "".join(excluded)


def any_term_expression(parsed: ParsedQuery) -> str:
    """Any of the query's terms, as an FTS5 expression: what ranking weighs."""
    return " OR ".join(_fts_string(t) for t in parsed.terms)


def ts_query(parsed: ParsedQuery, config: str, *, any_term: bool = False) -> SearchQuery:
    """The query as a PostgreSQL tsquery in configuration `config`: every group, or with `any_term` any term,
    with no exclusions."""

    def one(term: Term) -> SearchQuery:
        return SearchQuery(term.text, search_type="phrase" if len(term.words) > 1 else "plain", config=config)

    if any_term:
        terms = [one(t) for t in parsed.terms]
        combined = terms[0]
        for term in terms[1:]:
            combined |= term
        return combined
    combined = None
    for group in parsed.groups:
        either = one(group[0])
        for term in group[1:]:
            either |= one(term)
        combined = either if combined is None else combined & either
    for term in parsed.excluded:
        combined &= ~one(term)
    return combined


# Names: labels and bloggers


@dataclass
class Names:
    """The labels and bloggers named by the query's terms (matched whole, in any case)."""

    labels: dict[str, set[int]] = field(default_factory=dict)  # term text → label ids
    authors: dict[str, set[int]] = field(default_factory=dict)  # term text → user ids

    def q(self, text: str) -> Q | None:
        """Posts labelled or written by what `text` names."""
        condition = None
        if ids := self.labels.get(text.casefold()):
            condition = Q(labels__in=ids)
        if ids := self.authors.get(text.casefold()):
            condition = Q(author__in=ids) if condition is None else condition | Q(author__in=ids)
        return condition


def find_names(parsed: ParsedQuery) -> Names:
    """Labels and active bloggers whose name (or slug, or username) is one of the query's terms, or all its
    words together (two queries)."""
    from .services import label_slug

    texts = {t.text.casefold() for t in parsed.terms}
    texts.add(" ".join(parsed.words).casefold())
    names = Names()
    label_q = Q(name_lower__in=texts) | Q(slug__in={label_slug(t) for t in texts})
    for pk, name, slug in (
        Label.objects.alias(name_lower=Lower("name")).filter(label_q).values_list("pk", "name", "slug")
    ):
        for text in texts:
            if text in (name.casefold(), slug) or label_slug(text) == slug:
                names.labels.setdefault(text, set()).add(pk)
    users = get_user_model().objects.filter(is_active=True)
    user_q = Q(username_lower__in=texts) | Q(display_lower__in=texts)
    found = users.alias(username_lower=Lower("username"), display_lower=Lower("display_name")).filter(user_q)
    for pk, username, display in found.values_list("pk", "username", "display_name"):
        for text in texts:
            if text in (username.casefold(), display.casefold()):
                names.authors.setdefault(text, set()).add(pk)
    return names


# Searching


@dataclass
class SearchResults:
    query: str
    terms: list[str]
    posts: object  # a Post queryset, best match first
    engine: str
    # No post has the words: these have them as parts of words (trigrams).
    partial: bool = False
    suggestions: list[str] = field(default_factory=list)
    parsed: ParsedQuery = field(default_factory=ParsedQuery)

    def with_snippets(self, posts) -> list[dict]:
        """Each post with its highlighted title and a highlighted snippet of its text (safe HTML)."""
        pattern = _highlight_pattern(self.terms, partial=self.partial)
        return [
            {
                "post": post,
                "title_html": highlight(post.title, pattern),
                "snippet_html": snippet(html_to_text(post.body_html), pattern),
            }
            for post in posts
        ]


def _engine() -> str:
    if connection.vendor == "postgresql":
        return "postgresql"
    if connection.vendor == "sqlite" and _sqlite_has_fts():
        return "fts5"
    return "like"


# Whether a database has an index table: asked once per database, since only a migration changes it.
_tables_found: dict[tuple[str, str], bool] = {}


def _sqlite_has_table(name: str) -> bool:
    key = (str(connection.settings_dict["NAME"]), name)
    if key not in _tables_found:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [name])
            _tables_found[key] = cursor.fetchone() is not None
    return _tables_found[key]


def _sqlite_has_fts() -> bool:
    return _sqlite_has_table(FTS_TABLE)


def search_posts(raw_query: str, *, blog=None, label: Label | None = None) -> SearchResults:
    """Public posts matching the query, best first, within one blog (its owner) and one label if given.

    The queryset runs one query per page plus one to count; finding the names costs two queries, listing the
    text search configurations in use one more on PostgreSQL, and a search that finds nothing one more for
    partial words and two for suggestions.
    """
    query = clean_query(raw_query)
    parsed = parse_query(query)
    # Results show the title, the author and a snippet: no labels to prefetch.
    public = Post.objects.published().select_related("author")
    if blog is not None:
        public = public.by(blog)
    if label is not None:
        public = public.filter(labels=label)
    engine = _engine()
    if not parsed:
        return SearchResults(query, [], public.none(), "none", parsed=parsed)
    names = find_names(parsed)
    configs = configs_in_use() if engine == "postgresql" else []
    posts = _matching(public, parsed, names, engine, configs)
    results = SearchResults(query, parsed.words, posts, engine, parsed=parsed)
    if not posts.exists():
        partial = _matching(public, parsed, names, engine, configs, partial=True)
        results.posts, results.partial = partial, True
        results.suggestions = suggest(parsed, public)
    return results


def _matching(public, parsed: ParsedQuery, names: Names, engine: str, configs: list[str], *, partial: bool = False):
    """`public` narrowed to the posts the query finds, best first (a queryset)."""
    text = _text_matcher(engine, configs, partial=partial)
    condition = Q()
    for group in parsed.groups:
        either = Q(pk__in=[])
        for term in group:
            either |= text(term)
            if named := names.q(term.text):
                either |= named
        condition &= either
    everything = names.q(" ".join(parsed.words))
    if everything is not None:
        condition |= everything
    for term in parsed.excluded:
        condition &= ~text(term)
    posts = public.filter(pk__in=Post.objects.filter(condition).values("pk"))
    return posts.annotate(rank=_rank(parsed, engine, configs, partial=partial)).order_by(
        "-rank", "-published_at", "-pk"
    )


FTS_MATCH = "SELECT rowid FROM posts_post_fts WHERE posts_post_fts MATCH %s"
TRIGRAM_MATCH = "SELECT rowid FROM posts_post_trigram WHERE posts_post_trigram MATCH %s"
NOTHING = Q(pk__in=[])


def _fts_matches(query: str, *, trigram: bool = False) -> Q:
    """The Q of the posts whose row in the SQLite FTS5 index (words, or with `trigram` parts of words) matches
    the FTS5 query string `query`, which is passed as a parameter."""
    rowids = RawSQL(TRIGRAM_MATCH if trigram else FTS_MATCH, [query])  # noqa: S611  # nosec B611 # constant SQL
    return Q(pk__in=rowids)


class SearchVectorColumn(Expression):
    """The `search_vector` column PostgreSQL generates on posts_post (Django has no field for it), under
    whatever alias the query gives the table, subqueries included."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name('search_vector')}", []


def _search_vector():
    return SearchVectorColumn()


# The text search configurations posts have: a loose index scan, one step through the index on search_config
# (migration 0014) for each, where SELECT DISTINCT would read every post.
CONFIGS_IN_USE = """
    WITH RECURSIVE configs(config) AS (
        (SELECT search_config FROM posts_post ORDER BY search_config LIMIT 1)
        UNION ALL
        SELECT (
            SELECT p.search_config FROM posts_post p WHERE p.search_config > configs.config
            ORDER BY p.search_config LIMIT 1
        ) FROM configs WHERE configs.config IS NOT NULL
    )
    SELECT config::text FROM configs WHERE config IS NOT NULL
"""


def configs_in_use() -> list[str]:
    """The text search configurations posts are indexed with, on PostgreSQL (one query, whatever the number
    of posts)."""
    with connection.cursor() as cursor:
        cursor.execute(CONFIGS_IN_USE)
        return [row[0] for row in cursor.fetchall()]


def _in_own_config(tsquery, configs: list[str]) -> Q:
    """Posts whose search vector matches `tsquery(config)` in the post's own configuration (one subquery).

    The vector must match the query made in every configuration posts have (`configs`, from
    `configs_in_use`), OR'ed, which the GIN index answers, and then, on the posts that one finds, the query
    made in theirs: one branch per configuration, each a comparison and a match against a tsquery made
    once for the whole query. (A tsquery made from each row's own configuration would be made again for
    every row; the OR'ed query alone would let the `run` of a French post answer "running", which is `run`
    in `english` only.)"""
    if not configs:
        return NOTHING
    every = tsquery(configs[0])
    for config in configs[1:]:
        every |= tsquery(config)
    own = Q()
    for config in configs:
        own |= Q(search_config=config, document=tsquery(config))
    found = Post.objects.alias(document=_search_vector()).filter(document=every).filter(own)
    return Q(pk__in=found.values("pk"))


def _title_in_own_config(tsquery, configs: list[str]) -> Q:
    """Posts whose title matches `tsquery(config)` in the post's own configuration (no query of its own)."""
    if not configs:
        return NOTHING
    own = Q()
    for config in configs:
        own |= Q(Q(search_config=config), SearchVectorExact(SearchVector("title", config=config), tsquery(config)))
    return own


def _text_matcher(engine: str, configs: list[str], *, partial: bool):
    """A function from a term to the Q of the posts whose title or body has it: as a word (any form of
    it), or with `partial` as a part of a word, at least MIN_PARTIAL_LENGTH characters long."""
    if partial and engine == "fts5" and _sqlite_has_table(TRIGRAM_TABLE):
        return lambda term: (
            _fts_matches(_fts_string(term), trigram=True) if len(term.text) >= MIN_PARTIAL_LENGTH else NOTHING
        )
    if partial or engine == "like":
        # On PostgreSQL the trigram indexes of migration 0005 serve these (UPPER(…) LIKE UPPER(…)).
        return lambda term: (
            Q(title__icontains=term.text) | Q(body__icontains=term.text)
            if not partial or len(term.text) >= MIN_PARTIAL_LENGTH
            else NOTHING
        )
    if engine == "fts5":
        return lambda term: _fts_matches(_fts_string(term))
    return lambda term: _in_own_config(lambda config: ts_query(ParsedQuery([[term]]), config), configs)


TITLE_WEIGHT = 10


def _rank(parsed: ParsedQuery, engine: str, configs: list[str], *, partial: bool):
    """Higher for better matches, the same on both databases: TITLE_WEIGHT when the title has any of the
    terms, plus one when the post has any of them anywhere; 0 for a post found by a label or its author's
    name alone. (Per-row scoring such as FTS5's bm25 in a correlated subquery costs a full-text search for
    every row: seconds for a common word over 10,000 posts. These are two set look-ups, whatever the
    number of rows.)"""
    if partial or engine == "like":
        in_title = Q()
        anywhere = Q()
        for term in parsed.terms:
            in_title |= Q(title__icontains=term.text)
            anywhere |= Q(title__icontains=term.text) | Q(body__icontains=term.text)
    elif engine == "fts5":
        terms = any_term_expression(parsed)
        in_title = _fts_matches(f"title : ({terms})")
        anywhere = _fts_matches(terms)
    else:
        in_title = _title_in_own_config(lambda config: ts_query(parsed, config, any_term=True), configs)
        anywhere = _in_own_config(lambda config: ts_query(parsed, config, any_term=True), configs)
    return Case(When(in_title, then=Value(TITLE_WEIGHT)), default=Value(0), output_field=IntegerField()) + Case(
        When(anywhere, then=Value(1)), default=Value(0), output_field=IntegerField()
    )


# Suggestions


def suggest(parsed: ParsedQuery, public) -> list[str]:
    """What the reader may have meant when nothing matched: the labels, bloggers and title words nearest
    to their words or to the whole query (two queries; the same on both databases)."""
    label_names = list(Label.objects.with_counts_for(public).values_list("name", flat=True))
    titles = public.order_by("-published_at", "-pk").values_list("title", "author__username", "author__display_name")
    vocabulary: dict[str, str] = {}
    for name in label_names:
        vocabulary.setdefault(name.casefold(), name)
    for title, username, display in titles[:SUGGESTION_TITLES]:
        for word in re.findall(r"\w{3,}", title):
            vocabulary.setdefault(word.casefold(), word.lower())
        vocabulary.setdefault(username.casefold(), username)
        if display:
            vocabulary.setdefault(display.casefold(), display)
    candidates = list(vocabulary)
    suggestions: list[str] = []
    whole = " ".join(parsed.words).casefold()
    for text in dict.fromkeys([whole, *(w.casefold() for w in parsed.words)]):
        if text in vocabulary and text != whole:
            continue
        for found in difflib.get_close_matches(text, candidates, n=2, cutoff=0.75):
            if found != text and vocabulary[found] not in suggestions:
                suggestions.append(vocabulary[found])
    return suggestions[:3]


def facets(posts) -> dict:
    """The blogs and labels most of `posts` are in, each with its number of results (two queries)."""
    found = posts.order_by().values("pk")
    blogs = (
        get_user_model()
        .objects.filter(posts__in=found)
        .annotate(result_count=Count("posts"))
        .order_by("-result_count", "username")[:FACETS]
    )
    labels = (
        Label.objects.filter(posts__in=found).annotate(result_count=Count("posts")).order_by("-result_count", "name")
    )
    return {"blogs": list(blogs), "labels": list(labels[:FACETS])}


# Highlighting


def _highlight_pattern(terms: list[str], *, partial: bool = False) -> re.Pattern | None:
    if not terms:
        return None
    words = sorted({re.escape(term) for term in terms}, key=len, reverse=True)
    start = "" if partial else r"(?<!\w)"
    return re.compile(rf"{start}(?:{'|'.join(words)})\w*", re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    """`text` escaped, with the words matching `pattern` inside `<mark>`."""
    if pattern is None:
        return escape(text)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append((text[last : match.start()], match.group(0)))
        last = match.end()
    return format_html("{}{}", format_html_join("", "{}<mark>{}</mark>", pieces), text[last:])


def snippet(text: str, pattern: re.Pattern | None, length: int = SNIPPET_LENGTH) -> SafeString:
    """About `length` characters of `text` around the first match, escaped and highlighted."""
    match = pattern.search(text) if pattern else None
    start = 0
    if match and match.start() > length // 3:
        start = text.rfind(" ", 0, match.start() - length // 3) + 1
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    piece = text[start:end]
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return format_html("{}{}{}", prefix, highlight(piece, pattern), suffix)


def sqlite_has_trigram_tokenizer(cursor) -> bool:
    """Whether this SQLite's FTS5 has the trigram tokenizer (3.34 and later)."""
    from django.db import OperationalError

    try:
        cursor.execute("CREATE VIRTUAL TABLE temp.posts_trigram_probe USING fts5(x, tokenize = 'trigram')")
    except OperationalError:
        return False
    cursor.execute("DROP TABLE temp.posts_trigram_probe")
    return True


def ensure_sqlite_index(using=None, **kwargs) -> None:
    """Put back the SQLite FTS triggers (and refill the indexes) if a table rebuild dropped them."""
    from django.db import connections

    conn = connections[using or "default"]
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        names = {row[0] for row in cursor.fetchall()}
        if FTS_TABLE not in names or "posts_post" not in names:
            return
        wanted = {
            name: sql for name, sql in SQLITE_TRIGGERS.items() if TRIGRAM_TABLE not in sql or TRIGRAM_TABLE in names
        }
        if all(name in names for name in wanted):
            return
        for sql in wanted.values():
            cursor.execute(sql)
        for table in (FTS_TABLE, TRIGRAM_TABLE):
            if table in names:
                for sql in _REFILL_TEMPLATES:
                    cursor.execute(sql.format(table=table))
