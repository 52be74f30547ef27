import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.helpers import counted_thread_replies, stored_thread_replies
from posts.models import Label, Post
from posts.tests.factories import BlogFactory
from transfer.models import ImportedObject, LegacyPath

pytestmark = pytest.mark.django_db


def run_import(path, username="karen"):
    out = StringIO()
    call_command("import_blog", str(path), "--author", username, stdout=out)
    return out.getvalue()


def thread(post):
    """(depth, guest name or author, body start, status) in display order."""
    return [
        (c.depth, c.author_name, c.body_html[:30], c.status)
        for c in Comment.objects.filter(post=post).select_related("author").order_by("path")
    ]


# WordPress ---------------------------------------------------------------------------------------------


def test_wordpress_import_brings_posts_with_their_statuses_dates_and_slugs(user, fixture_path):
    run_import(fixture_path("wordpress.xml"))
    posts = {p.title: p for p in Post.objects.filter(author=user)}
    assert set(posts) == {"Ça marche: 日本 & friends", "Half-written thoughts", "Coming soon", "Only for me"}
    tokyo = posts["Ça marche: 日本 & friends"]
    assert tokyo.status == Post.Status.PUBLISHED
    assert tokyo.published_at == datetime(2011, 3, 14, 16, 30, tzinfo=UTC)
    assert tokyo.slug == "ca-marche-日本"
    assert posts["Half-written thoughts"].status == Post.Status.DRAFT
    assert posts["Half-written thoughts"].published_at is None
    assert posts["Half-written thoughts"].comments_enabled is False
    assert posts["Coming soon"].status == Post.Status.SCHEDULED
    assert posts["Coming soon"].published_at == datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
    assert posts["Only for me"].status == Post.Status.DRAFT


def test_imported_posts_are_indexed_in_the_blogs_language(user, fixture_path):
    BlogFactory(owner=user, language="de")
    run_import(fixture_path("wordpress.xml"))
    assert set(Post.objects.filter(author=user).values_list("search_config", flat=True)) == {"german"}


def test_wordpress_content_keeps_cdata_entities_and_unicode_but_loses_scripts(user, fixture_path):
    run_import(fixture_path("wordpress.xml"))
    post = Post.objects.get(author=user, slug="ca-marche-日本")
    assert "桜 everywhere &amp; “smart quotes”" in post.body_html
    assert "CDATA end inside: ]]&gt; and a <strong>bold</strong>" in post.body_html
    assert "<script" not in post.body_html and "alert" not in post.body_html
    assert "onclick" not in post.body_html
    assert post.excerpt == "Spring in Tokyo."


def test_wordpress_categories_and_tags_become_labels_without_uncategorized(user, fixture_path):
    run_import(fixture_path("wordpress.xml"))
    post = Post.objects.get(author=user, slug="ca-marche-日本")
    assert sorted(label.name for label in post.labels.all()) == ["Café", "Travel"]
    assert not Label.objects.filter(slug="uncategorized").exists()


def test_wordpress_comment_tree_is_linked_five_deep_even_when_a_reply_comes_first(user, fixture_path):
    run_import(fixture_path("wordpress.xml"))
    post = Post.objects.get(author=user, slug="ca-marche-日本")
    rows = thread(post)
    assert [(depth, name) for depth, name, _, _ in rows] == [
        (0, "Zoë Ángel"),
        (1, "Karen"),
        (2, "Zoë Ángel"),
        (3, "Karen"),
        (4, "Zoë Ángel"),
        (0, "Waiting Walter"),
        (0, "Cheap Pills"),
    ]
    deepest = Comment.objects.get(post=post, depth=4)
    assert deepest.body_html.startswith("<p>Fifth level, listed before its parent.")
    assert deepest.created_at == datetime(2011, 3, 14, 21, 0, tzinfo=UTC)
    chain = [deepest]
    while chain[-1].parent_id:
        chain.append(chain[-1].parent)
    assert [c.depth for c in chain] == [4, 3, 2, 1, 0]
    for c in chain[:-1]:
        assert c.path.startswith(c.parent.path) and len(c.path) == len(c.parent.path) + 8


@pytest.mark.parametrize("name", ["wordpress.xml", "blog-03-20-2011.xml", "feed.atom"])
def test_imported_comments_are_counted_on_their_threads_and_posts(user, fixture_path, name):
    """Replies are linked to their parents after they are written; each thread root still counts them."""
    run_import(fixture_path(name))
    posts = Post.objects.filter(author=user)
    assert Comment.objects.filter(post__in=posts, depth__gt=0).exists()
    for post in posts:
        assert stored_thread_replies(post) == counted_thread_replies(post)
        assert post.approved_comment_count == post.comments.filter(status=Comment.Status.APPROVED).count()


def test_wordpress_comment_statuses_and_guests_are_kept(user, fixture_path):
    run_import(fixture_path("wordpress.xml"))
    post = Post.objects.get(author=user, slug="ca-marche-日本")
    by_name = {c.guest_name: c for c in post.comments.filter(depth=0)}
    assert by_name["Zoë Ángel"].status == Comment.Status.APPROVED
    assert by_name["Zoë Ángel"].guest_email == "zoe@example.net"
    assert by_name["Zoë Ángel"].guest_url == "https://zoe.example.net/"
    assert by_name["Zoë Ángel"].body_html == "<p>First! Lovely photos.</p>\n<p>Second paragraph &amp; more.</p>\n"
    assert by_name["Waiting Walter"].status == Comment.Status.PENDING
    assert by_name["Cheap Pills"].status == Comment.Status.SPAM
    fourth = post.comments.get(depth=3)
    assert "onerror" not in fourth.body_html and "<em>with</em>" in fourth.body_html


def test_commenters_with_a_local_users_name_or_email_stay_guests(user, fixture_path):
    """zoe@example.net is a local user's address, but anyone could have typed it on WordPress."""
    zoe = UserFactory(username="zoe", email="zoe@example.net", display_name="Zoë Ángel")
    run_import(fixture_path("wordpress.xml"))
    assert not Comment.objects.filter(author=zoe).exists()
    assert Comment.objects.filter(author=None, guest_name="Zoë Ángel", guest_email="zoe@example.net").count() == 3


def test_wordpress_comments_by_the_posts_own_author_become_the_importers(other_user, fixture_path):
    """WordPress records the signed-in author of a comment (wp:comment_user_id); the post's author is the
    blogger moving in, whatever their username here."""
    run_import(fixture_path("wordpress.xml"), username="sp")
    mine = Comment.objects.filter(author=other_user)
    assert mine.count() == 2
    assert set(mine.values_list("guest_name", "guest_email")) == {("", "")}


def write_json_export(tmp_path, comments, owner="oldblog"):
    data = {
        "format": "blogsite-export",
        "version": 1,
        "site": "https://elsewhere.example",
        "blog": {"owner": owner, "title": "Elsewhere"},
        "posts": [
            {
                "id": 1,
                "title": "Hello",
                "slug": "hello",
                "status": "published",
                "published_at": "2020-01-01T00:00:00Z",
                "body": "Hi.",
                "comments": comments,
            }
        ],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def json_comment(pk, username, name, body="Nice.", parent=None):
    return {
        "id": pk,
        "parent": parent,
        "author_name": name,
        "author_username": username,
        "status": "approved",
        "created_at": "2020-01-02T00:00:00Z",
        "body": body,
        "body_html": f"<p>{body}</p>",
    }


def test_a_file_naming_the_superuser_as_commenter_does_not_speak_for_them(user, tmp_path):
    root = UserFactory(username="admin", display_name="The Admin", is_staff=True, is_superuser=True)
    path = write_json_export(tmp_path, [json_comment(1, "admin", "The Admin", "Approved by the boss.")])
    run_import(path)
    comment = Comment.objects.get()
    assert comment.author is None and comment.author_id != root.pk
    assert comment.guest_name == "The Admin"
    assert not Comment.objects.filter(author=root).exists()


def test_a_files_own_blogger_comments_as_the_importer(user, tmp_path):
    path = write_json_export(
        tmp_path, [json_comment(1, "reader", "A Reader"), json_comment(2, "oldblog", "Old Me", parent=1)]
    )
    UserFactory(username="oldblog")
    UserFactory(username="reader")
    run_import(path)
    assert [(c.author, c.guest_name) for c in Comment.objects.order_by("path")] == [(None, "A Reader"), (user, "")]


def test_map_users_links_usernames_to_existing_accounts_on_request(user, tmp_path):
    root = UserFactory(username="admin", is_superuser=True)
    reader = UserFactory(username="reader")
    path = write_json_export(
        tmp_path,
        [json_comment(1, "admin", "The Admin"), json_comment(2, "reader", "R"), json_comment(3, "ghost", "G")],
    )
    call_command("import_blog", str(path), "--author", "karen", "--map-users", stdout=StringIO())
    assert [(c.author, c.guest_name) for c in Comment.objects.order_by("pk")] == [
        (root, ""),
        (reader, ""),
        (None, "G"),
    ]


def test_wordpress_summary_counts_and_gives_reasons_for_what_was_skipped(user, fixture_path):
    out = run_import(fixture_path("wordpress.xml"))
    assert "posts: 2 published or scheduled, 2 drafts" in out
    assert "labels: 2 (2 new)" in out
    assert "comments: 7 (5 approved, 1 pending, 1 spam)" in out
    assert "page: pages are not imported" in out
    assert "attachment: attachments (media files) are not imported" in out
    assert "pingback: pingbacks are not imported" in out
    assert "post: in WordPress's trash (status trash)" in out
    assert "nav_menu_item" in out
    assert "on a post that was not imported" in out
    assert "1 private post on WordPress was imported as a draft, not public" in out


def test_importing_the_same_file_twice_changes_nothing(user, fixture_path):
    run_import(fixture_path("wordpress.xml"))
    before = (
        list(Post.objects.values_list("pk", "title", "status", "published_at", "slug")),
        list(Comment.objects.values_list("pk", "path", "status", "body_html")),
        Label.objects.count(),
        LegacyPath.objects.count(),
        ImportedObject.objects.count(),
    )
    out = run_import(fixture_path("wordpress.xml"))
    after = (
        list(Post.objects.values_list("pk", "title", "status", "published_at", "slug")),
        list(Comment.objects.values_list("pk", "path", "status", "body_html")),
        Label.objects.count(),
        LegacyPath.objects.count(),
        ImportedObject.objects.count(),
    )
    assert after == before
    assert "posts: 0 published or scheduled, 0 drafts" in out
    assert "already imported before, left as they are: 4 posts, 7 comments" in out


def test_wordpress_old_addresses_are_recorded(user, fixture_path):
    run_import(fixture_path("wordpress.xml"))
    post = Post.objects.get(author=user, slug="ca-marche-日本")
    assert set(LegacyPath.objects.filter(post=post).values_list("path", flat=True)) == {
        "/2011/03/14/ca-marche-日本",
        "/?p=101",
    }


# Blogger -----------------------------------------------------------------------------------------------


def test_blogger_classic_import_keeps_posts_drafts_labels_and_time_zones(user, fixture_path):
    out = run_import(fixture_path("blog-03-20-2011.xml"))
    post = Post.objects.get(author=user, title="Reading & writing in the margins")
    assert post.status == Post.Status.PUBLISHED
    assert post.published_at == datetime(2011, 3, 14, 16, 30, tzinfo=UTC)
    assert post.slug == "reading-writing"
    assert sorted(label.name for label in post.labels.all()) == ["books", "Ωmega & co"]
    assert "“notes” &amp; doodles — über alles" in post.body_html
    assert "<iframe" not in post.body_html
    draft = Post.objects.get(author=user, title="Unfinished draft")
    assert draft.status == Post.Status.DRAFT
    assert draft.created_at == datetime(2011, 3, 18, 21, 10, tzinfo=UTC)
    assert "posts: 1 published or scheduled, 1 draft" in out
    assert "2 settings entries: blog settings are not imported" in out
    assert "1 template: templates are not imported" in out
    assert "1 page: pages are not imported" in out
    assert set(LegacyPath.objects.values_list("path", flat=True)) == {"/2011/03/reading-writing.html"}


def test_blogger_classic_comments_follow_their_related_parent_links(user, fixture_path):
    run_import(fixture_path("blog-03-20-2011.xml"))
    post = Post.objects.get(author=user, slug="reading-writing")
    assert [(d, name) for d, name, _, _ in thread(post)] == [(0, "Kenji"), (1, "Marguerite"), (2, "Anonymous")]
    kenji = post.comments.get(guest_name="Kenji")
    assert kenji.guest_email == ""
    assert kenji.guest_url == "http://www.blogger.com/profile/0099"
    assert "素晴らしい &lt;3" in kenji.body_html


def test_blogger_takeout_import_reads_types_statuses_and_reply_links(user, fixture_path):
    out = run_import(fixture_path("feed.atom"))
    post = Post.objects.get(author=user, title="Żurek & sourdough")
    assert post.published_at == datetime(2019, 11, 2, 8, 15, tzinfo=UTC)
    assert post.slug == "zurek-sourdough"
    assert "<script" not in post.body_html and "Zażółć gęślą jaźń" in post.body_html
    assert sorted(label.name for label in post.labels.all()) == ["Polish food", "bread"]
    assert Post.objects.get(author=user, title="Rye experiments").status == Post.Status.DRAFT
    assert not Post.objects.filter(title__in=["Old", "Contact"]).exists()
    assert [(d, name, status) for d, name, _, status in thread(post)] == [
        (0, "Anonymous", "approved"),
        (1, "Ania", "approved"),
        (2, "Tomasz", "approved"),
        (0, "Bot", "spam"),
        (0, "Newcomer", "pending"),
    ]
    assert "post: in Blogger's trash (status SOFT_TRASHED)" in out
    assert "on a post that was not imported" in out
    assert LegacyPath.objects.filter(path="/2019/11/zurek-sourdough.html", post=post).exists()


# Bad files ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"just some text\n", "not an export file"),
        (b"<?xml version='1.0'?>\n<html><body/></html>", "unknown file: the root element is <html>"),
        (b'<rss version="2.0"><channel><title>x</title></channel></rss>', "not a WordPress export"),
        (b'{"hello": 1}', "not a Blogsite export"),
        (b'{"format": "blogsite-export", "version": 1, ', "line 1: not well-formed JSON"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'><id>urn:x</id><entry/></feed>", "not a Blogger blog's"),
    ],
)
def test_an_unknown_or_malformed_file_is_refused_with_one_line(user, tmp_path, content, message):
    path = tmp_path / "export.xml"
    path.write_bytes(content)
    with pytest.raises(CommandError) as excinfo:
        run_import(path)
    assert message in str(excinfo.value)
    assert "\n" not in str(excinfo.value)
    assert "nothing was imported" in str(excinfo.value)
    assert not Post.objects.exists()


def test_a_truncated_export_names_the_line_and_imports_nothing(user, fixture_path, tmp_path):
    text = fixture_path("wordpress.xml").read_text(encoding="utf-8")
    cut = text[: text.index("<title><![CDATA[Coming soon")]
    path = tmp_path / "truncated.xml"
    path.write_text(cut, encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        run_import(path)
    last_line = cut.count("\n") + 1
    assert f"line {last_line}: not well-formed XML (no element found)" in str(excinfo.value)
    assert not Post.objects.exists()
    assert not Comment.objects.exists()
    assert not ImportedObject.objects.exists()


def test_a_file_declaring_entities_is_refused(user, tmp_path):
    """A "billion laughs" file never gets its entities expanded."""
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;">\n]>\n'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&b;</title></channel></rss>'
    )
    with pytest.raises(CommandError) as excinfo:
        run_import(path)
    assert "declares entities" in str(excinfo.value)


def test_a_file_referring_to_an_external_entity_is_refused(user, tmp_path):
    path = tmp_path / "xxe.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&secret;</title></channel></rss>'
    )
    with pytest.raises(CommandError) as excinfo:
        run_import(path)
    assert "refused" in str(excinfo.value)
    assert not Post.objects.exists()


def test_a_failure_part_way_leaves_nothing_half_done(user, fixture_path, tmp_path):
    """The third post lacks its id: the two posts and their comments before it are rolled back."""
    text = fixture_path("wordpress.xml").read_text(encoding="utf-8")
    text = text.replace("<wp:post_id>103</wp:post_id>", "")
    path = tmp_path / "broken.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        run_import(path)
    assert 'post "Coming soon" has no wp:post_id' in str(excinfo.value)
    assert not Post.objects.exists()
    assert not Comment.objects.exists()
    assert not Label.objects.exists()
    assert not LegacyPath.objects.exists()


def test_importing_for_an_unknown_user_is_refused(db, fixture_path):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run_import(fixture_path("wordpress.xml"), username="nobody")


def test_a_missing_file_is_refused(user, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run_import(tmp_path / "missing.xml")


# Progress ----------------------------------------------------------------------------------------------


class Terminal(StringIO):
    def isatty(self):
        return True


def test_progress_is_counted_as_lines_when_not_on_a_terminal(user, fixture_path):
    out = run_import(fixture_path("wordpress.xml"))
    assert "100% read  posts 4  comments 7" in out


def test_progress_is_a_bar_redrawn_in_place_on_a_terminal(user, fixture_path):
    out = Terminal()
    call_command("import_blog", str(fixture_path("wordpress.xml")), "--author", "karen", stdout=out)
    text = out.getvalue()
    assert "\r[##############################] 100%  posts 4  comments 7" in text
    assert "Imported from WordPress (WXR):" in text


def test_a_blog_without_a_title_takes_the_imported_blogs(user, fixture_path):
    run_import(fixture_path("blog-03-20-2011.xml"))
    user.blog.refresh_from_db()
    assert (user.blog.title, user.blog.description) == ("Margins", "Notes in the margins")


def test_a_blog_with_a_title_keeps_it(user, fixture_path):
    from posts.models import Blog

    Blog.objects.create(owner=user, title="Karen's own")
    run_import(fixture_path("wordpress.xml"))
    user.blog.refresh_from_db()
    assert user.blog.title == "Karen's own"


def test_a_blogger_import_counts_both_of_its_passes(user, fixture_path):
    out = run_import(fixture_path("feed.atom"))
    assert "100% read  posts 2  comments 0" in out
    assert "100% read  posts 2  comments 5" in out


def test_an_imported_post_never_takes_the_slug_of_an_existing_one(user, fixture_path):
    from posts.tests.factories import PostFactory

    existing = PostFactory(author=user, slug="coming-soon", title="Already here")
    run_import(fixture_path("wordpress.xml"))
    imported = Post.objects.get(author=user, title="Coming soon")
    assert imported.slug == "coming-soon-2"
    assert Post.objects.get(pk=existing.pk).title == "Already here"


def test_an_imported_post_whose_slug_is_taken_during_its_insert_takes_the_next_free_one(
    user, fixture_path, monkeypatch
):
    """The database decides a race for a slug, as for a post written here: the insert runs in a savepoint
    and the loser takes the next free slug, rather than the whole import failing."""
    from posts import services as post_services
    from posts.tests.factories import PostFactory

    free_slug = post_services.unique_slug
    raced = []

    def slug_taken_in_between(**kwargs):
        slug = free_slug(**kwargs)
        if slug == "coming-soon" and not raced:
            raced.append(PostFactory(author=user, slug=slug, title="Written meanwhile"))
        return slug

    monkeypatch.setattr(post_services, "unique_slug", slug_taken_in_between)
    run_import(fixture_path("wordpress.xml"))
    assert raced
    assert Post.objects.get(author=user, title="Coming soon").slug == "coming-soon-2"
    assert Post.objects.get(pk=raced[0].pk).slug == "coming-soon"


def test_an_imported_title_is_one_line_as_a_written_one_is(user, tmp_path):
    path = tmp_path / "export.json"
    post = {"id": 1, "title": "Two\nlines,\tone  title", "status": "draft", "body": "Hi."}
    path.write_text(json.dumps({"format": "blogsite-export", "version": 1, "posts": [post]}), encoding="utf-8")
    run_import(path)
    imported = Post.objects.get(author=user)
    assert imported.title == "Two lines, one title"
    assert imported.slug == "two-lines-one-title"


def test_a_reply_chain_deeper_than_threads_go_is_flattened_at_the_bottom(user, tmp_path):
    from comments.models import PATH_MAX_DEPTH

    comments = "".join(
        f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>R</wp:comment_author>"
        f"<wp:comment_date_gmt>2011-01-01 00:00:{n % 60:02d}</wp:comment_date_gmt>"
        f"<wp:comment_content>Reply {n}</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
        f"<wp:comment_parent>{n - 1 if n > 1 else 0}</wp:comment_parent></wp:comment>"
        for n in range(PATH_MAX_DEPTH + 5, 0, -1)
    )
    path = tmp_path / "deep.xml"
    path.write_text(
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><link>https://x.example</link>'
        "<item><title>Deep</title><wp:post_id>1</wp:post_id><wp:post_date_gmt>2011-01-01 00:00:00</wp:post_date_gmt>"
        f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{comments}</item></channel></rss>",
        encoding="utf-8",
    )
    out = run_import(path)
    rows = list(Comment.objects.order_by("path"))
    assert len(rows) == PATH_MAX_DEPTH + 5
    assert max(c.depth for c in rows) == PATH_MAX_DEPTH - 1
    assert all(c.parent is None or c.path == c.parent.path + c.path[-8:] for c in rows)
    assert all(c.parent is None or c.depth == c.parent.depth + 1 for c in rows)
    assert "deeper than" in out


def test_comments_brought_in_by_a_later_run_show_at_once_on_cached_pages(user, fixture_path, tmp_path, settings):
    settings.PAGE_CACHE_SECONDS = 600
    run_import(fixture_path("wordpress.xml"))
    post = Post.objects.get(author=user, slug="ca-marche-日本")
    client = Client()
    assert "Written since the last export" not in client.get(post.get_absolute_url()).content.decode()
    assert client.get(post.get_absolute_url())["X-Page-Cache"] == "hit"

    newer = (
        fixture_path("wordpress.xml")
        .read_text(encoding="utf-8")
        .replace(
            "<wp:comment_id>201</wp:comment_id>",
            "<wp:comment_id>299</wp:comment_id>",
            1,
        )
        .replace("First! Lovely photos.", "Written since the last export.", 1)
    )
    export = tmp_path / "newer.xml"
    export.write_text(newer, encoding="utf-8")
    run_import(export)

    assert "Written since the last export" in client.get(post.get_absolute_url()).content.decode()


def test_comments_on_a_post_in_the_trash_are_counted_as_skipped(user, fixture_path, tmp_path):
    comment = (
        "<wp:comment><wp:comment_id>901</wp:comment_id><wp:comment_author>Ann</wp:comment_author>"
        "<wp:comment_date_gmt>2011-03-14 17:00:00</wp:comment_date_gmt>"
        "<wp:comment_content>Lost with its post.</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
        "<wp:comment_parent>0</wp:comment_parent></wp:comment>"
    )
    text = fixture_path("wordpress.xml").read_text(encoding="utf-8")
    trash = "<wp:status><![CDATA[trash]]></wp:status>"
    export = tmp_path / "trash.xml"
    export.write_text(text.replace(trash, trash + comment + comment.replace("901", "902")), encoding="utf-8")
    out = run_import(export)
    assert "3 comments: on a post that was not imported" in out
    assert not Comment.objects.filter(body__startswith="Lost with").exists()
