"""Real export files, read as the platforms that wrote them show them."""

import gc
import time
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment
from posts.models import Label, Post
from transfer.wordpress import shortcodes, video_links, wpautop

pytestmark = pytest.mark.django_db


def run_import(path, username="karen"):
    out = StringIO()
    call_command("import_blog", str(path), "--author", username, stdout=out)
    return out.getvalue()


# Private and password-protected posts ---------------------------------------------------------------------


def test_a_password_protected_wordpress_post_becomes_a_draft_with_a_note(user, fixture_path):
    out = run_import(fixture_path("wordpress-fidelity.xml"))
    post = Post.objects.get(slug="secret-recipe")
    assert post.status == Post.Status.DRAFT and not post.is_public
    assert "1 post with a password on WordPress was imported as a draft, not public" in out


def test_a_private_wordpress_post_becomes_a_draft_with_a_note(user, fixture_path):
    out = run_import(fixture_path("wordpress-fidelity.xml"))
    assert Post.objects.get(slug="family-only").status == Post.Status.DRAFT
    assert "1 private post on WordPress was imported as a draft, not public" in out


def test_protected_posts_are_not_on_the_blog(client, user, fixture_path):
    run_import(fixture_path("wordpress-fidelity.xml"))
    page = client.get("/@karen/").content.decode()
    assert "Secret recipe" not in page and "Family only" not in page
    assert client.get("/@karen/2023/05/01/secret-recipe/").status_code == 404


# Paragraphs -----------------------------------------------------------------------------------------------


def test_wordpress_bodies_get_wordpress_paragraphs_around_block_tags(user, fixture_path):
    run_import(fixture_path("wordpress-fidelity.xml"))
    html = Post.objects.get(slug="bread").body_html
    assert "<p>Flour and water.<br>\nSalt, later.</p>" in html
    assert (
        "<div>A <strong>block</strong> in the middle</div>\n<p>A line after the block<br>\nand its second line.</p>"
        in html
    )


def test_block_editor_posts_are_left_as_written(user, fixture_path):
    run_import(fixture_path("wordpress-fidelity.xml"))
    html = Post.objects.get(slug="soup").body_html
    assert "<p>Leeks\nand potatoes.</p>" in html and "<br" not in html


def test_wxr_1_0_bodies_and_comments_get_paragraphs(user, fixture_path):
    run_import(fixture_path("wxr-1.0.xml"))
    post = Post.objects.get(slug="pruning-old-roses")
    assert "<p>March is the month.<br>\nCut above an outward bud.</p>" in post.body_html
    assert "<ul>\n<li>gloves</li>" in post.body_html and "<p>Then water.</p>" in post.body_html
    comment = Comment.objects.get(post=post)
    assert comment.body_html == "<p>Thank you!<br>\nMine are out already.</p>\n<p>Next year then.</p>\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello\nWorld\n\nNew", "<p>Hello<br />\nWorld</p>\n<p>New</p>\n"),
        ("<pre>a\n\nb</pre>\ntext", "<pre>a\n\nb</pre>\n<p>text</p>\n"),
        ("<blockquote>quote\n\nmore</blockquote>", "<blockquote><p>quote</p>\n<p>more</p></blockquote>\n"),
        ('<img src="x"\n alt="y">', '<p><img src="x"\n alt="y"></p>\n'),
        ("<h2>Title</h2>\nText", "<h2>Title</h2>\n<p>Text</p>\n"),
    ],
)
def test_wpautop_follows_wordpress(text, expected):
    assert wpautop(text) == expected


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "<p><li" * n + "</p>",
        lambda n: " " * n + "x\n",
        lambda n: "<pre " * n,
        lambda n: "[a]" * n + "[/b]" * n,
        lambda n: "[caption x=" + "a" * n,
        lambda n: "<iframe src=" * n,
        lambda n: "a\n" * n,
    ],
)
def test_the_wordpress_rules_take_linear_time(make):
    """Ten times the input costs about ten times the work; quadratic work would cost a hundred times.

    CPU time, the best of three runs at each size, sizes large enough that fixed costs and the processor's
    caches don't dominate the small one, and Python's cycle collector paused: its full passes grow with
    every object alive (200,000 shortcode matches here), which doubled the large run's time and measured
    the collector, not the rules. Another process busy on the machine then moves the ratio little, while
    the bound still stands far below what quadratic work would take.
    """

    def cost(n):
        text = make(n)
        runs = []
        for _ in range(3):
            gc.collect()
            gc.disable()
            try:
                start = time.process_time()
                wpautop(text)
                shortcodes(text, Counter())
                video_links(text, Counter())
                runs.append(time.process_time() - start)
            finally:
                gc.enable()
        return min(runs)

    small, large = cost(20_000), cost(200_000)
    assert large < max(small, 0.005) * 30


# Shortcodes -----------------------------------------------------------------------------------------------


def test_caption_shortcodes_become_figures(user, fixture_path):
    run_import(fixture_path("wxr-1.0.xml"))
    html = Post.objects.get(slug="pruning-old-roses").body_html
    assert "<figure><img " in html
    assert 'src="http://garden.example.com/wp-content/uploads/2010/03/rose-300x200.jpg"' in html
    assert "<figcaption>The <b>old</b> rose</figcaption></figure>" in html


def test_other_shortcodes_become_links_or_go_and_are_counted(user, fixture_path):
    out = run_import(fixture_path("wordpress-fidelity.xml"))
    html = Post.objects.get(slug="bread").body_html
    assert '<a href="https://www.youtube.com/watch?v=abcdefghijk" rel="nofollow noopener">Video on YouTube</a>' in html
    assert "/wp-content/uploads/2023/06/oven.mp3" in html
    assert "Knead for ten minutes." in html
    assert "[gallery" not in html and "[recipe" not in html and "[/" not in html
    assert "Footnote [1] stays, and so does [sic]." in html
    assert "1 [gallery]: removed (its files stay in the old site's media library)" in out
    assert "1 [recipe]: removed, its text kept" in out
    assert "1 [embed]: made a link to the media" in out


# Terms ----------------------------------------------------------------------------------------------------


def test_wxr_1_0_terms_are_read_as_wordpress_reads_them(user, fixture_path):
    out = run_import(fixture_path("wxr-1.0.xml"))
    post = Post.objects.get(slug="pruning-old-roses")
    assert sorted(label.name for label in post.labels.all()) == ["Pruning", "Roses"]
    assert not Label.objects.filter(slug="uncategorized").exists()
    assert "labels: 2 (2 new), attached 2 times" in out


def test_categories_and_tags_become_labels_but_post_formats_do_not(user, fixture_path):
    run_import(fixture_path("wordpress-fidelity.xml"))
    post = Post.objects.get(slug="bread")
    assert sorted(label.name for label in post.labels.all()) == ["Baking", "Bread", "Slow"]


def test_the_label_cap_applies_before_labels_are_made(user, tmp_path, fixture_path, settings):
    from posts.services import MAX_LABELS

    categories = "".join(
        f'<category domain="post_tag" nicename="t{n}"><![CDATA[Tag {n}]]></category>' for n in range(MAX_LABELS + 5)
    )
    text = fixture_path("wordpress-fidelity.xml").read_text(encoding="utf-8")
    text = text.replace('<category domain="category" nicename="baking">', categories + '<category domain="x">')
    path = tmp_path / "many.xml"
    path.write_text(text, encoding="utf-8")
    out = run_import(path)
    assert Label.objects.count() == MAX_LABELS
    assert Post.objects.get(slug="bread").labels.count() == MAX_LABELS
    assert f"labels: {MAX_LABELS} ({MAX_LABELS} new), attached {MAX_LABELS} times" in out


# Titles, duplicates ---------------------------------------------------------------------------------------


def test_html_in_titles_is_reduced_to_text(user, fixture_path):
    run_import(fixture_path("wordpress-fidelity.xml"))
    run_import(fixture_path("wxr-1.0.xml"))
    run_import(fixture_path("blog-video.xml"))
    titles = set(Post.objects.values_list("title", flat=True))
    assert {"Bread, slowly & well", "Pruning old roses", "Watching Metropolis again"} <= titles


def test_a_post_id_twice_in_one_file_is_reported_as_a_duplicate_in_the_file(user, fixture_path):
    out = run_import(fixture_path("wordpress-fidelity.xml"))
    assert Post.objects.filter(slug__startswith="soup").count() == 1
    assert "post: its id appears twice in the file (only the first was imported)" in out
    assert "comment: on a post whose id appears twice in the file" in out
    assert "already imported before" not in out
    assert not Comment.objects.exists()


# Video ----------------------------------------------------------------------------------------------------


def test_youtube_and_vimeo_players_become_links_to_the_video(user, fixture_path):
    run_import(fixture_path("wordpress-fidelity.xml"))
    html = Post.objects.get(slug="bread").body_html
    assert '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ" rel="nofollow noopener">Kneading by hand</a>' in html
    assert '<a href="https://vimeo.com/76979871" rel="nofollow noopener">Video on Vimeo</a>' in html
    assert "<iframe" not in html


def test_blogger_video_players_become_links_and_other_iframes_go(user, fixture_path):
    out = run_import(fixture_path("blog-video.xml"))
    html = Post.objects.get(slug="metropolis").body_html
    assert 'href="https://www.youtube.com/watch?v=Q0NzALRJifI"' in html
    assert 'href="https://www.youtube.com/watch?v=abcdefghijk"' in html
    assert "ads.example.com" not in html and "<iframe" not in html and "<embed" not in html
    assert "2 YouTube players: made links to the videos" in out


# Blogger's old addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old",
    [
        "/@karen/2011/03/reading-writing.html",
        "/@karen/blogspot/margins/2011/03/reading-writing.html",
        "/@karen/margins/2011/03/reading-writing.html",
    ],
)
def test_blogger_addresses_redirect_whatever_the_old_prefix(client, user, fixture_path, old):
    run_import(fixture_path("blog-03-20-2011.xml"))
    post = Post.objects.get(slug="reading-writing")
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


def test_a_blogger_comment_link_lands_on_that_comment(client, user, fixture_path):
    run_import(fixture_path("blog-03-20-2011.xml"))
    post = Post.objects.get(slug="reading-writing")
    comment = Comment.objects.get(post=post, body_html__startswith="Lovely")
    response = client.get("/@karen/2011/03/reading-writing.html", {"showComment": "1300122000000"})
    assert response.status_code == 301
    assert response["Location"] == f"{post.get_absolute_url()}?comment={comment.pk}#c{comment.pk}"
    page = client.get(response["Location"])
    assert f'id="c{comment.pk}"' in page.content.decode()


def test_a_blogger_comment_link_of_an_unknown_time_lands_on_the_post(client, user, fixture_path):
    run_import(fixture_path("blog-03-20-2011.xml"))
    post = Post.objects.get(slug="reading-writing")
    for value in ("1", "not-a-number", "9" * 40):
        response = client.get("/@karen/2011/03/reading-writing.html", {"showComment": value})
        assert response["Location"] == post.get_absolute_url()


# Files that are not well-formed ---------------------------------------------------------------------------


def _break(text: str, how: str) -> str:
    if how == "unbound prefix":
        return text.replace("<wp:post_id>22</wp:post_id>", "<wp:post_id>22</wp:post_id><media:x/>")
    if how == "mismatched tag":
        return text.replace("<wp:post_id>23</wp:post_id>", "<wp:post_id>23</wp:post_idx>", 1)
    lines = text.split("\n")
    # A control character deep in the file, after a thousand posts' worth of lines.
    return "\n".join(lines[:60] + ["<!-- padding -->"] * 8000 + ["<description>\x01</description>"] + lines[60:])


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("unbound prefix", "unbound prefix"),
        ("mismatched tag", "mismatched tag"),
        ("control character", "not well-formed (invalid token)"),
    ],
)
def test_a_file_not_well_formed_anywhere_gives_one_line_and_leaves_nothing(user, fixture_path, tmp_path, how, message):
    path = tmp_path / "broken.xml"
    path.write_text(_break(fixture_path("wordpress-fidelity.xml").read_text(encoding="utf-8"), how), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        run_import(path)
    text = str(excinfo.value)
    assert "\n" not in text and message in text and "(nothing was imported)" in text
    assert text.startswith(f"{path}: line ")
    if how == "control character":
        assert "line 8061:" in text
    assert not Post.objects.exists() and not Label.objects.exists()
