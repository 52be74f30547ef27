"""Ranked full-text search over public posts.

PostgreSQL: the generated, GIN-indexed `posts_post.search_vector` column (migration 0002) matched with
`websearch_to_tsquery` and ranked with `ts_rank` (title weighted above body). SQLite: the FTS5 table
`posts_post_fts` kept in step by triggers, ranked with `bm25`; where SQLite lacks FTS5, a LIKE search
ranked by where the words occur. Snippets are made here, from the rendered text, the same on both.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .markup import html_to_text
from .models import Post

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_LENGTH = 240
SEARCH_CONFIG = "english"

FTS_TABLE = "posts_post_fts"
# Kept here as well as in migration 0002: Django rebuilds a SQLite table (dropping its triggers) whenever a
# later migration alters `posts_post`, so `ensure_sqlite_index` puts them back after every migrate.
SQLITE_TRIGGERS = {
    "posts_post_fts_insert": """
        CREATE TRIGGER IF NOT EXISTS posts_post_fts_insert AFTER INSERT ON posts_post BEGIN
            INSERT INTO posts_post_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
        END""",
    "posts_post_fts_delete": """
        CREATE TRIGGER IF NOT EXISTS posts_post_fts_delete AFTER DELETE ON posts_post BEGIN
            DELETE FROM posts_post_fts WHERE rowid = old.id;
        END""",
    "posts_post_fts_update": """
        CREATE TRIGGER IF NOT EXISTS posts_post_fts_update AFTER UPDATE OF title, body ON posts_post BEGIN
            DELETE FROM posts_post_fts WHERE rowid = old.id;
            INSERT INTO posts_post_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
        END""",
}


def clean_query(raw: str) -> str:
    """The query as searched: NULs and control characters gone, whitespace collapsed, length bounded."""
    raw = re.sub(r"[\x00-\x1f\x7f]", " ", raw or "")
    return " ".join(raw.split())[:MAX_QUERY_LENGTH]


def query_terms(query: str) -> list[str]:
    """The words of a query (letters and digits only), at most MAX_TERMS of them."""
    return re.findall(r"\w+", query)[:MAX_TERMS]


def _sqlite_has_fts() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE])
        return cursor.fetchone() is not None


@dataclass
class SearchResults:
    query: str
    terms: list[str]
    posts: object  # a Post queryset, best match first
    engine: str

    def with_snippets(self, posts) -> list[dict]:
        """Each post with its highlighted title and a highlighted snippet of its text (safe HTML)."""
        pattern = _highlight_pattern(self.terms)
        return [
            {
                "post": post,
                "title_html": highlight(post.title, pattern),
                "snippet_html": snippet(html_to_text(post.body_html), pattern),
            }
            for post in posts
        ]


def search_posts(raw_query: str) -> SearchResults:
    """Public posts matching the query, best first (the queryset runs one query per page)."""
    query = clean_query(raw_query)
    terms = query_terms(query)
    # Results show the title, the author and a snippet: no labels to prefetch.
    public = Post.objects.published().select_related("author")
    if not terms:
        return SearchResults(query, terms, public.none(), "none")
    if connection.vendor == "postgresql":
        return SearchResults(query, terms, _postgres(public, query), "postgresql")
    if connection.vendor == "sqlite" and _sqlite_has_fts():
        return SearchResults(query, terms, _sqlite_fts(public, terms), "fts5")
    return SearchResults(query, terms, _like(public, terms), "like")


def _postgres(public, query: str):
    vector = RawSQL('"posts_post"."search_vector"', [], output_field=SearchVectorField())
    ts_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    return (
        public.alias(document=vector)
        .filter(document=ts_query)
        .annotate(rank=SearchRank(vector, ts_query))
        .order_by("-rank", "-published_at", "-pk")
    )


def _fts_match(terms: list[str]) -> str:
    # Every word as a quoted FTS5 string (a word cannot contain a quote), all required: no operator,
    # column filter or syntax error can come from the user's text.
    return " ".join(f'"{term}"' for term in terms)


def _sqlite_fts(public, terms: list[str]):
    match = _fts_match(terms)
    matching = RawSQL("SELECT rowid FROM posts_post_fts WHERE posts_post_fts MATCH %s", [match])
    rank = RawSQL(
        "(SELECT bm25(posts_post_fts, 10.0, 1.0) FROM posts_post_fts"
        ' WHERE posts_post_fts MATCH %s AND rowid = "posts_post"."id")',
        [match],
    )
    return public.filter(pk__in=matching).annotate(rank=rank).order_by("rank", "-published_at", "-pk")


def _like(public, terms: list[str]):
    condition = Q()
    score = Value(0)
    for term in terms:
        condition &= Q(title__icontains=term) | Q(body__icontains=term)
        score = (
            score
            + Case(When(title__icontains=term, then=Value(10)), default=Value(0), output_field=IntegerField())
            + Case(When(body__icontains=term, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
    return public.filter(condition).annotate(rank=score).order_by("-rank", "-published_at", "-pk")


def _highlight_pattern(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    words = sorted({re.escape(term) for term in terms}, key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(words)})\w*", re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    """`text` escaped, with the words matching `pattern` inside `<mark>`."""
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703 - every piece is escaped above


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
    return mark_safe(escape(prefix) + highlight(piece, pattern) + escape(suffix))  # noqa: S308  # nosec B308 B703 - both ends and the match are escaped


def ensure_sqlite_index(using=None, **kwargs) -> None:
    """Put back the SQLite FTS triggers (and refill the index) if a table rebuild dropped them."""
    from django.db import connections

    conn = connections[using or "default"]
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        names = {row[0] for row in cursor.fetchall()}
        if FTS_TABLE not in names or "posts_post" not in names:
            return
        missing = [name for name in SQLITE_TRIGGERS if name not in names]
        if not missing:
            return
        for sql in SQLITE_TRIGGERS.values():
            cursor.execute(sql)
        cursor.execute("DELETE FROM posts_post_fts")
        cursor.execute("INSERT INTO posts_post_fts(rowid, title, body) SELECT id, title, body FROM posts_post")
