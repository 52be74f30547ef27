import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from posts.markup import COMMENT_HTML, render_markdown
from posts.models import Post
from posts.services import create_post
from transfer.exporter import export_wxr
from transfer.xmlstream import XMLStream

pytestmark = pytest.mark.django_db


@pytest.fixture
def blog(user, other_user, fixture_path):
    """karen's blog: an imported WordPress blog plus posts written here, with account comments."""
    call_command("import_blog", str(fixture_path("wordpress.xml")), "--author", "karen", stdout=StringIO())
    written = create_post(
        author=user,
        title="Written here & now",
        body="# Heading\n\nSome *Markdown* with a [link](https://example.org/) and `code`.\n\n- one\n- two\n",
        labels="Travel, Notes, Ünïcödé",
        status=Post.Status.PUBLISHED,
        published_at=datetime(2024, 2, 29, 23, 30, 15, 123456, tzinfo=UTC),
        excerpt="Written here.",
    )
    create_post(author=user, title="A draft of mine", body="Unfinished *thoughts*", labels="Notes")
    create_post(
        author=user,
        title="Later",
        body="Soon.",
        status=Post.Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(days=30),
    )
    body = "I **agree** — with `this` ]]> and <script>x</script>"
    top = CommentFactory(
        post=written, author=other_user, body=body, body_html=render_markdown(body, allow=COMMENT_HTML)
    )
    reply = CommentFactory(
        post=written, author=user, parent=top, body="Thanks!", body_html=render_markdown("Thanks!", allow=COMMENT_HTML)
    )
    gone = CommentFactory(
        post=written,
        author=other_user,
        parent=reply,
        body="Regret",
        body_html=render_markdown("Regret", allow=COMMENT_HTML),
        status="removed",
    )
    CommentFactory(
        post=written, author=None, guest_name="Old Guest", parent=gone, body="Under a removed one", status="pending"
    )
    return user


def export(username, fmt, tmp_path):
    path = tmp_path / f"export.{fmt}"
    call_command("export_blog", username, "--format", fmt, "-o", str(path), stdout=StringIO())
    return path


def snapshot(author, *, seconds_only=False):
    def when(value):
        if value is None:
            return None
        return value.replace(microsecond=0) if seconds_only else value

    def text(comment):
        # Removed comments travel as empty placeholders.
        if comment.status == Comment.Status.REMOVED:
            return ("", "")
        return (comment.body, comment.body_html)

    posts = []
    for post in Post.objects.filter(author=author).order_by("title"):
        comments = [
            (
                c.depth,
                c.author_name,
                c.author.username if c.author else "",
                *text(c),
                c.status,
                when(c.created_at),
            )
            for c in post.comments.select_related("author").order_by("path")
        ]
        posts.append(
            (
                post.title,
                post.slug,
                post.status,
                when(post.published_at),
                when(post.publish_at),
                post.body_format,
                post.body,
                post.body_html,
                post.excerpt,
                post.comments_enabled,
                post.word_count,
                sorted(label.name for label in post.labels.all()),
                sorted(post.legacy_paths.values_list("path", flat=True)),
                comments,
            )
        )
    return posts


@pytest.mark.parametrize("fmt", ["json", "wxr"])
def test_an_exported_blog_imports_into_another_account_without_loss(blog, fmt, tmp_path):
    path = export("karen", fmt, tmp_path)
    newcomer = UserFactory(username="newcomer")
    out = StringIO()
    call_command("import_blog", str(path), "--author", "newcomer", "--map-users", stdout=out)
    seconds_only = fmt == "wxr"
    assert snapshot(newcomer, seconds_only=seconds_only) == snapshot(blog, seconds_only=seconds_only)
    assert "posts: 4 published or scheduled, 3 drafts" in out.getvalue()


@pytest.mark.parametrize("fmt", ["json", "wxr"])
def test_reimporting_an_export_changes_nothing(blog, fmt, tmp_path):
    path = export("karen", fmt, tmp_path)
    newcomer = UserFactory(username="newcomer")
    call_command("import_blog", str(path), "--author", "newcomer", stdout=StringIO())
    before = snapshot(newcomer)
    out = StringIO()
    call_command("import_blog", str(path), "--author", "newcomer", stdout=out)
    assert snapshot(newcomer) == before
    assert "already imported before, left as they are: 7 posts, 11 comments" in out.getvalue()


@pytest.mark.parametrize("fmt", ["json", "wxr"])
def test_comment_authors_are_linked_to_accounts_only_with_map_users(blog, other_user, fmt, tmp_path):
    path = export("karen", fmt, tmp_path)
    newcomer = UserFactory(username="newcomer")
    call_command("import_blog", str(path), "--author", "newcomer", "--map-users", stdout=StringIO())
    post = Post.objects.get(author=newcomer, slug="written-here-now")
    assert [c.author for c in post.comments.order_by("path")] == [other_user, blog, other_user, None]


@pytest.mark.parametrize("fmt", ["json", "wxr"])
def test_by_default_an_export_makes_comments_the_importers_or_guests(blog, other_user, fmt, tmp_path):
    """The blog's own comments become the importing blogger's; other accounts' are shown by name."""
    path = export("karen", fmt, tmp_path)
    newcomer = UserFactory(username="newcomer")
    call_command("import_blog", str(path), "--author", "newcomer", stdout=StringIO())
    post = Post.objects.get(author=newcomer, slug="written-here-now")
    rows = [(c.author, c.guest_name) for c in post.comments.order_by("path")]
    assert rows == [(None, "sp"), (newcomer, ""), (None, "sp"), (None, "Old Guest")]


def test_a_removed_comment_leaves_the_site_only_as_an_empty_placeholder(blog, tmp_path):
    data = json.loads(export("karen", "json", tmp_path).read_text(encoding="utf-8"))
    post = next(p for p in data["posts"] if p["slug"] == "written-here-now")
    removed = next(c for c in post["comments"] if c["status"] == "removed")
    assert removed["body"] == "" and removed["body_html"] == ""
    assert "Regret" not in export("karen", "wxr", tmp_path).read_text(encoding="utf-8")


def test_the_json_export_follows_the_documented_shape(blog, tmp_path):
    data = json.loads(export("karen", "json", tmp_path).read_text(encoding="utf-8"))
    assert data["format"] == "blogsite-export" and data["version"] == 1
    assert data["blog"]["owner"] == "karen"
    assert {"name": "Travel", "slug": "travel"} in data["labels"]
    post = next(p for p in data["posts"] if p["slug"] == "written-here-now")
    assert post["published_at"] == "2024-02-29T23:30:15.123456Z"
    assert sorted(post["labels"]) == ["Notes", "Travel", "Ünïcödé"]
    top = post["comments"][0]
    assert top["parent"] is None and top["author_username"] == "sp" and top["author_email"] == ""
    assert post["comments"][1]["parent"] == top["id"]


def test_the_wxr_export_is_wordpress_shaped_and_well_formed(blog, tmp_path):
    path = export("karen", "wxr", tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "<wp:wxr_version>1.2</wp:wxr_version>" in text
    tags = {elem.tag for _, elem in XMLStream(path).events(("end",))}
    for tag in (
        "{http://wordpress.org/export/1.2/}post_id",
        "{http://wordpress.org/export/1.2/}post_date_gmt",
        "{http://wordpress.org/export/1.2/}comment_parent",
        "{http://purl.org/rss/1.0/modules/content/}encoded",
        "{http://wordpress.org/export/1.2/excerpt/}encoded",
        "{http://purl.org/dc/elements/1.1/}creator",
    ):
        assert tag in tags
    assert "sp@example.com" not in text, "account commenters' addresses stay private"
    assert "]]]]><![CDATA[>" in text


def test_export_streams_in_chunks(blog):
    chunks = list(export_wxr(author=blog, site_url="https://blogs.example.org"))
    assert len(chunks) == 2 + Post.objects.filter(author=blog).count()
    assert "https://blogs.example.org/@karen/" in "".join(chunks)


def test_exporting_an_unknown_user_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="no user named"):
        export("nobody", "json", tmp_path)


def test_export_to_standard_output_goes_through_the_commands_stdout(blog):
    out = StringIO()
    call_command("export_blog", "karen", "--format", "json", "-o", "-", stdout=out)
    document = json.loads(out.getvalue())
    assert document["blog"]["owner"] == "karen"
    assert document["posts"]


def test_the_wxr_export_gives_labels_as_categories_with_nicenames(blog, tmp_path):
    text = export("karen", "wxr", tmp_path).read_text(encoding="utf-8")
    assert '<category domain="category" nicename="travel"><![CDATA[Travel]]></category>' in text
    assert "<wp:category_nicename><![CDATA[travel]]></wp:category_nicename>" in text
    assert 'domain="post_tag"' not in text


def test_the_wxr_export_names_account_commenters_as_authors(blog, other_user, tmp_path):
    text = export("karen", "wxr", tmp_path).read_text(encoding="utf-8")
    entry = f"<wp:author><wp:author_id>{other_user.pk}</wp:author_id><wp:author_login><![CDATA[sp]]></wp:author_login>"
    assert entry in text
    assert f"<wp:comment_user_id>{other_user.pk}</wp:comment_user_id>" in text
    assert f"<wp:comment_user_id>{blog.pk}</wp:comment_user_id>" in text


def test_an_account_commenter_in_a_wxr_file_without_blogsite_meta_is_linked_by_author_entry(
    blog, other_user, tmp_path
):
    """What WordPress would keep of our file (no `_blogsite_username`) still links with --map-users."""
    path = export("karen", "wxr", tmp_path)
    text = path.read_text(encoding="utf-8")
    text = text.replace("<generator>Blogsite</generator>", "<generator>https://wordpress.org/?v=6.4</generator>")
    text = text.replace("_blogsite_username", "_other")
    path.write_text(text, encoding="utf-8")
    newcomer = UserFactory(username="newcomer")
    call_command("import_blog", str(path), "--author", "newcomer", "--map-users", stdout=StringIO())
    post = Post.objects.get(author=newcomer, slug="written-here-now")
    assert [c.author for c in post.comments.order_by("path")][:2] == [other_user, blog]


@pytest.mark.parametrize("fmt", ["json", "wxr"])
def test_reimporting_our_own_export_says_so(blog, fmt, tmp_path):
    out = StringIO()
    call_command("import_blog", str(export("karen", fmt, tmp_path)), "--author", "karen", stdout=out)
    assert f"Imported from Blogsite's own export ({fmt.upper()}):" in out.getvalue()
    assert "a Blogsite export: posts and comments came back in the Markdown they were written in" in out.getvalue()


def test_a_wordpress_blog_goes_round_the_wxr_export_with_its_labels_trees_and_statuses(user, fixture_path, tmp_path):
    call_command("import_blog", str(fixture_path("wordpress.xml")), "--author", "karen", stdout=StringIO())
    call_command("import_blog", str(fixture_path("wordpress-fidelity.xml")), "--author", "karen", stdout=StringIO())
    path = export("karen", "wxr", tmp_path)
    newcomer = UserFactory(username="newcomer")
    call_command("import_blog", str(path), "--author", "newcomer", stdout=StringIO())

    def shape(author):
        return sorted(
            (
                p.slug,
                p.status,
                sorted(label.name for label in p.labels.all()),
                [
                    (c.depth, c.author_name if c.author_id is None else "(blogger)", c.status)
                    for c in p.comments.order_by("path")
                ],
            )
            for p in Post.objects.filter(author=author)
        )

    assert shape(newcomer) == shape(user)
    assert "Baking" in str(shape(newcomer)) and "Café" in str(shape(newcomer))
