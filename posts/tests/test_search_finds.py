"""Search finds what readers look for, with the same results on SQLite (FTS5) and PostgreSQL.

The suite runs on both databases (`make test`, and with DATABASE_URL as CI does); every case here is the
same on each, so a difference between the engines fails one of the two runs.
"""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from posts.search import parse_query, search_posts

from .factories import LabelFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(db):
    karen = UserFactory(username="karen", display_name="Karen Holt")
    marguerite = UserFactory(username="marguerite", display_name="Marguerite")
    kitchen = LabelFactory(name="Kitchen garden")
    travel = LabelFactory(name="Travel")
    posts = {
        "plot": PostFactory(
            author=karen, title="Our allotment", body="We dug the plot on Saturday.", labels=[kitchen]
        ),
        "beans": PostFactory(
            author=karen, title="Spring sowing", body="Broad beans went in early; the leeks will follow."
        ),
        "leeks": PostFactory(author=karen, title="Winter vegetables", body="Leeks and parsnips, mostly."),
        "scattered": PostFactory(
            author=marguerite, title="Notes", body="Beans, as ever, were broad in their appeal at the allotments."
        ),
        "lyon": PostFactory(author=marguerite, title="A week in Lyon", body="Markets and rain.", labels=[travel]),
        "tomatoes": PostFactory(author=marguerite, title="Tomatoes again", body="Blight, of course."),
    }
    return posts


def titles(results) -> set[str]:
    return {post.title for post in results.posts}


CASES = [
    # Word forms: a singular finds plurals and back, on both engines.
    ("allotment", {"Our allotment", "Notes"}),
    ("allotments", {"Our allotment", "Notes"}),
    ("sowed", {"Spring sowing"}),
    ("vegetable", {"Winter vegetables"}),
    # Every word is required.
    ("beans leeks", {"Spring sowing"}),
    # A quoted phrase keeps its words together and in order.
    ('"broad beans"', {"Spring sowing"}),
    ("broad beans", {"Spring sowing", "Notes"}),
    # OR between two terms, and -word to exclude.
    ("parsnips OR tomatoes", {"Winter vegetables", "Tomatoes again"}),
    ("beans -leeks", {"Notes"}),
    ('beans -"broad beans"', {"Notes"}),
    ("leeks OR beans -parsnips", {"Spring sowing", "Notes"}),
    ("-leeks", set()),
    # A label's name or a blogger's name finds their posts.
    ("kitchen garden", {"Our allotment"}),
    ('"Kitchen garden"', {"Our allotment"}),
    ("travel", {"A week in Lyon"}),
    ("Marguerite", {"Notes", "A week in Lyon", "Tomatoes again"}),
    ("karen holt", {"Our allotment", "Spring sowing", "Winter vegetables"}),
    ("marguerite tomatoes", {"Tomatoes again"}),
    ("karen OR lyon", {"Our allotment", "Spring sowing", "Winter vegetables", "A week in Lyon"}),
    # Letter case and accents don't matter.
    ("LEEKS", {"Spring sowing", "Winter vegetables"}),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_search_finds_the_same_posts_on_every_database(corpus, query, expected):
    results = search_posts(query)
    assert titles(results) == expected, (connection.vendor, query)
    assert not results.partial or not expected


def test_titles_rank_above_bodies(corpus):
    ranked = [post.title for post in search_posts("allotment").posts]
    assert ranked == ["Our allotment", "Notes"]


def test_a_partial_word_is_found_by_its_letters_when_no_word_matches(corpus):
    results = search_posts("lotmen")
    assert results.partial
    assert titles(results) == {"Our allotment", "Notes"}
    shown = {str(r["title_html"]) for r in results.with_snippets(results.posts)}
    assert "Our al<mark>lotment</mark>" in shown
    assert search_posts("vegetab").partial
    assert titles(search_posts("vegetab")) == {"Winter vegetables"}


def test_partial_words_keep_the_query_syntax(corpus):
    assert titles(search_posts("lotmen -plot")) == {"Notes"}
    assert titles(search_posts("arsnip OR omatoe")) == {"Winter vegetables", "Tomatoes again"}


def test_a_search_that_finds_nothing_suggests_the_nearest_label_or_spelling(corpus, client):
    assert "Travel" in search_posts("travle").suggestions
    assert "tomatoes" in search_posts("tomahtoes").suggestions
    assert search_posts("Kitchen gardne").suggestions[0] == "Kitchen garden"
    html = client.get(reverse("posts:search"), {"q": "travle"}).content.decode()
    assert "Did you mean" in html
    assert 'href="?q=Travel"' in html


def test_a_search_that_finds_something_suggests_nothing(corpus):
    assert search_posts("leeks").suggestions == []


def test_results_can_be_narrowed_to_one_blog_and_one_label(corpus, client):
    url = reverse("posts:search")
    found = client.get(url, {"q": "allotment", "blog": "marguerite"}).context["results"]
    assert [r["post"].title for r in found] == ["Notes"]
    found = client.get(url, {"q": "allotment", "label": "kitchen-garden"}).context["results"]
    assert [r["post"].title for r in found] == ["Our allotment"]
    response = client.get(url, {"q": "allotment"})
    html = response.content.decode()
    assert 'href="?q=allotment&amp;blog=marguerite"' in html
    assert 'href="?q=allotment&amp;label=kitchen-garden"' in html


def test_an_unknown_blog_or_label_filter_finds_nothing_and_says_so(corpus, client):
    response = client.get(reverse("posts:search"), {"q": "allotment", "blog": "nobody"})
    assert response.status_code == 200
    assert response.context["count"] == 0
    assert "No blog or label of that name" in response.content.decode()


def test_a_blog_page_has_a_search_box_for_that_blog(corpus, client):
    html = client.get(reverse("posts:blog", args=["karen"])).content.decode()
    assert 'name="blog" value="karen"' in html
    assert f'action="{reverse("posts:search")}"' in html


def test_the_query_syntax_is_read_as_websearch_does():
    parsed = parse_query('"broad beans" leeks OR parsnips -"blight" -rust')
    assert [[term.words for term in group] for group in parsed.groups] == [
        [("broad", "beans")],
        [("leeks",), ("parsnips",)],
    ]
    assert [term.words for term in parsed.excluded] == [("blight",), ("rust",)]
    assert not parse_query("-only -exclusions")
    assert not parse_query('OR "" -')
    assert [[t.words for t in g] for g in parse_query("OR leeks OR").groups] == [[("leeks",)]]


# PostgreSQL asks which text search configurations posts have (posts.search.configs_in_use).
CONFIGS_QUERY = 1 if connection.vendor == "postgresql" else 0


@pytest.mark.parametrize("n", [1, 15])
def test_search_page_queries_do_not_grow_with_results(client, n, index_tables_known, django_assert_num_queries):
    author = UserFactory(username="karen")
    label = LabelFactory(name="Garden")
    for i in range(n):
        PostFactory(author=author, title=f"Garden note {i}", body="Beans and leeks.", labels=[label])
    # Names (labels, bloggers), whether anything matches, the results and their count, and the blogs and
    # labels to filter by.
    with django_assert_num_queries(7 + CONFIGS_QUERY):
        response = client.get(reverse("posts:search"), {"q": "beans"})
    assert response.context["count"] == n


def test_a_search_that_finds_nothing_costs_a_fixed_number_of_queries(
    client, index_tables_known, django_assert_num_queries
):
    PostFactory(author=UserFactory(username="karen"), title="Leeks", labels=[LabelFactory(name="Garden")])
    # Names, nothing found (the exact search, then partial words and their count), and the suggestions.
    with django_assert_num_queries(6 + CONFIGS_QUERY):
        response = client.get(reverse("posts:search"), {"q": "zzzzqqq"})
    assert response.context["count"] == 0


@pytest.mark.parametrize(
    ("language", "suggestions", "sentence"),
    [
        ("en", ["Travel"], 'Did you mean <a href="?q=Travel">Travel</a>?'),
        ("de", ["a", "b"], 'Meintest du <a href="?q=a">a</a> oder <a href="?q=b">b</a>?'),
        (
            "fr",
            ["a", "b", "c"],
            'Vouliez-vous dire <a href="?q=a">a</a>, <a href="?q=b">b</a> ou <a href="?q=c">c</a>\u202f?',
        ),
    ],
)
def test_the_suggestions_are_one_sentence_each_language_words_as_it_needs(
    client, monkeypatch, language, suggestions, sentence
):
    """A sentence made of pieces ("Did you mean" + " or …" + "?") cannot be reordered or punctuated by a
    translator: each number of suggestions is one message."""
    found = search_posts("x")
    found.suggestions = suggestions
    monkeypatch.setattr("posts.views.search_posts", lambda *args, **kwargs: found)
    # The page's language is the browser's; the override puts the tests' own back afterwards.
    with translation.override(language):
        html = client.get(reverse("posts:search"), {"q": "x"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert sentence in html
