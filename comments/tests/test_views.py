import re

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.tests.factories import UserFactory
from comments.models import Comment
from posts.tests.factories import DraftFactory, PostFactory

from .factories import CommentFactory
from .helpers import create_url, render_thread

pytestmark = pytest.mark.django_db


# Posting


def test_anonymous_visitor_posting_a_comment_is_sent_to_sign_in(client, post):
    response = client.post(create_url(post), {"body": "Hi", "parent": ""})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Comment.objects.exists()


def test_unverified_user_cannot_comment_and_is_told_how_to_verify(client, post, unverified_user):
    client.force_login(unverified_user)
    response = client.post(create_url(post), {"body": "Hi", "parent": ""})
    assert response.status_code == 403
    assert reverse("account_email") in response.content.decode()
    assert not Comment.objects.exists()


def test_verified_reader_posts_a_comment_and_lands_on_it(client, open_post, other_user):
    client.force_login(other_user)
    response = client.post(create_url(open_post), {"body": "So sorry to hear it.", "parent": ""})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#c{comment.pk}")
    assert comment.author == other_user
    assert comment.status == Comment.Status.APPROVED
    assert comment.ip_address == "127.0.0.1"


def test_behind_a_trusted_proxy_the_readers_own_address_is_kept(client, open_post, other_user, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.force_login(other_user)
    client.post(create_url(open_post), {"body": "Via the proxy.", "parent": ""}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert Comment.objects.get().ip_address == "203.0.113.9"


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client, open_post, other_user):
    client.force_login(other_user)
    client.post(create_url(open_post), {"body": "Spoofed.", "parent": ""}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert Comment.objects.get().ip_address == "127.0.0.1"


def test_reader_replies_with_the_parent_field(client, open_post, other_user):
    parent = CommentFactory(post=open_post)
    client.force_login(other_user)
    client.post(create_url(open_post), {"body": "Me too.", "parent": str(parent.pk)})
    reply = Comment.objects.get(author=other_user)
    assert reply.parent == parent
    assert reply.depth == 1


def test_comment_form_requires_post(client, post, other_user):
    client.force_login(other_user)
    assert client.get(create_url(post)).status_code == 405


def test_comment_on_a_draft_is_not_found(client, user, other_user):
    draft = DraftFactory(author=user)
    client.force_login(other_user)
    url = reverse("comments:create", kwargs=draft.permalink_kwargs())
    assert client.post(url, {"body": "Early!"}).status_code == 404


def test_comment_form_posts_with_a_csrf_token(post, other_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(other_user)
    response = client.post(create_url(post), {"body": "No token", "parent": ""})
    assert response.status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("parent", "message"),
    [
        ("abc", "doesn&#x27;t exist"),
        ("999999", "doesn&#x27;t exist"),
        ("-1", "doesn&#x27;t exist"),
        ("99999999999999999999999", "doesn&#x27;t exist"),
    ],
)
def test_bad_parent_is_a_form_error_and_the_text_is_kept(client, post, other_user, parent, message):
    client.force_login(other_user)
    response = client.post(create_url(post), {"body": "My careful words", "parent": parent})
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "My careful words" in content
    assert not Comment.objects.exists()


def test_reply_to_a_comment_of_another_post_is_refused_with_the_text_kept(client, post, other_user):
    elsewhere = CommentFactory(post=PostFactory())
    client.force_login(other_user)
    response = client.post(create_url(post), {"body": "Cross-posting", "parent": str(elsewhere.pk)})
    assert response.status_code == 400
    assert "Cross-posting" in response.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REMOVED, Comment.Status.SPAM])
def test_reply_to_a_hidden_comment_is_refused_with_the_text_kept(client, post, other_user, status):
    parent = CommentFactory(post=post, status=status)
    client.force_login(other_user)
    response = client.post(create_url(post), {"body": "Replying anyway", "parent": str(parent.pk)})
    assert response.status_code == 400
    assert "awaiting moderation or was removed" in response.content.decode()
    assert "Replying anyway" in response.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_empty_comment_is_a_form_error(client, post, other_user, body):
    client.force_login(other_user)
    response = client.post(create_url(post), {"body": body, "parent": ""})
    assert response.status_code == 400
    assert "Please write something" in response.content.decode()
    assert not Comment.objects.exists()


def test_twenty_thousand_character_comment_is_a_form_error_with_the_text_kept(client, post, other_user):
    client.force_login(other_user)
    body = "word " * 4000
    response = client.post(create_url(post), {"body": body, "parent": ""})
    assert response.status_code == 400
    content = response.content.decode()
    assert "at most 10000 characters" in content
    assert body.strip() in content
    assert not Comment.objects.exists()


def test_missing_parent_field_means_a_top_level_comment(client, open_post, other_user):
    client.force_login(other_user)
    client.post(create_url(open_post), {"body": "No parent field at all"})
    assert Comment.objects.get().parent is None


def test_comment_on_a_closed_post_is_refused_with_the_text_kept(client, post, other_user):
    post.comments_enabled = False
    post.save()
    client.force_login(other_user)
    response = client.post(create_url(post), {"body": "Still want to say this", "parent": ""})
    assert response.status_code == 403
    assert "closed" in response.content.decode()
    assert "Still want to say this" in response.content.decode()
    assert not Comment.objects.exists()


def test_honeypot_filled_in_refuses_the_comment(client, post, other_user):
    client.force_login(other_user)
    response = client.post(create_url(post), {"body": "Buy now", "parent": "", "homepage": "http://spam.example"})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_double_submit_creates_one_comment_and_lands_on_it(client, post, other_user):
    client.force_login(other_user)
    client.post(create_url(post), {"body": "Clicked twice", "parent": ""})
    response = client.post(create_url(post), {"body": "Clicked twice", "parent": ""})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#c{comment.pk}")


@freeze_time(timezone.now().replace(second=1))
def test_commenting_too_fast_is_refused_with_429_and_the_text_kept(client, post, other_user, settings):
    settings.COMMENTS_RATE_PER_MINUTE = 2
    client.force_login(other_user)
    for n in range(2):
        client.post(create_url(post), {"body": f"Thought number {n}", "parent": ""})
    response = client.post(create_url(post), {"body": "One thought too many", "parent": ""})
    assert response.status_code == 429
    assert response["Retry-After"] == "59", "the seconds until the next minute's allowance"
    assert "One thought too many" in response.content.decode()
    assert Comment.objects.count() == 2


# The thread


def test_thread_nests_replies_inside_their_parent_element(post):
    root = CommentFactory(post=post, body_html="<p>root</p>")
    child = CommentFactory(post=post, parent=root, body_html="<p>child</p>")
    grandchild = CommentFactory(post=post, parent=child, body_html="<p>grandchild</p>")
    sibling = CommentFactory(post=post, body_html="<p>sibling</p>")
    html = render_thread(post)
    root_start = html.index(f'id="c{root.pk}"')
    child_start = html.index(f'id="c{child.pk}"')
    grandchild_start = html.index(f'id="c{grandchild.pk}"')
    sibling_start = html.index(f'id="c{sibling.pk}"')
    assert root_start < child_start < grandchild_start < sibling_start
    # Count open and closed <article> elements up to each point to find their nesting depth.
    assert _depth_at(html, child_start) == 2
    assert _depth_at(html, grandchild_start) == 3
    assert _depth_at(html, sibling_start) == 1


def _depth_at(html: str, position: int) -> int:
    before = html[:position]
    return before.count("<article") - before.count("</article>")


def test_comment_shows_name_said_date_permalink_and_edited_marker(post, other_user):
    comment = CommentFactory(post=post, author=other_user)
    Comment.objects.filter(pk=comment.pk).update(edited_at=comment.created_at)
    html = render_thread(post)
    assert f'id="c{comment.pk}"' in html
    assert re.search(r'class="comment[" ]', html)
    assert "sp</a> said…" in html
    assert f'href="#c{comment.pk}"' in html
    assert "edited" in html
    assert "<time datetime=" in html


def test_guest_comment_name_is_not_linked(post):
    CommentFactory(post=post, author=None, guest_name="Old Friend", guest_url="https://friend.example")
    html = render_thread(post)
    assert '<span class="comment-author comment-guest">Old Friend</span> said…' in html
    assert "friend.example" not in html


def test_pending_comment_is_shown_only_to_its_author_marked_awaiting_moderation(post, other_user):
    CommentFactory(post=post, author=other_user, status=Comment.Status.PENDING, body_html="<p>held back</p>")
    assert "held back" not in render_thread(post)
    assert "held back" not in render_thread(post, UserFactory())
    own = render_thread(post, other_user)
    assert "held back" in own
    assert "awaiting moderation" in own


def test_spam_comments_are_never_shown(post):
    CommentFactory(post=post, status=Comment.Status.SPAM, body_html="<p>cheap pills</p>")
    assert "cheap pills" not in render_thread(post)


def test_removed_comment_with_replies_stays_as_a_placeholder(post):
    root = CommentFactory(post=post, status=Comment.Status.REMOVED, body_html="<p>regretted words</p>")
    reply = CommentFactory(post=post, parent=root, body_html="<p>the reply</p>")
    html = render_thread(post)
    assert "regretted words" not in html
    assert "This comment was removed." in html
    assert html.index(f'id="c{root.pk}"') < html.index(f'id="c{reply.pk}"')


def test_removed_comment_without_replies_is_not_shown(post):
    root = CommentFactory(post=post, status=Comment.Status.REMOVED)
    assert f'id="c{root.pk}"' not in render_thread(post)


def test_reply_link_points_to_a_reply_page_that_works_without_javascript(client, post, other_user):
    comment = CommentFactory(post=post, body_html="<p>Worth answering</p>")
    html = render_thread(post, other_user)
    reply_url = reverse("comments:reply", args=[comment.pk])
    assert f'href="{reply_url}"' in html
    client.force_login(other_user)
    page = client.get(reply_url).content.decode()
    assert "Worth answering" in page
    assert f'name="parent" value="{comment.pk}"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert f'action="{create_url(post)}"' in page


def test_reply_page_for_an_anonymous_visitor_offers_sign_in(client, post):
    comment = CommentFactory(post=post)
    page = client.get(reverse("comments:reply", args=[comment.pk])).content.decode()
    assert reverse("account_login") in page
    assert 'name="body"' not in page


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REMOVED])
def test_reply_page_for_a_hidden_comment_is_not_found(client, post, status):
    comment = CommentFactory(post=post, status=status)
    assert client.get(reverse("comments:reply", args=[comment.pk])).status_code == 404


def test_comment_form_has_body_parent_csrf_and_honeypot_for_a_verified_reader(post, other_user):
    html = render_thread(post, other_user)
    assert 'name="body"' in html
    assert 'name="parent"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="homepage"' in html
    assert html.count('name="csrfmiddlewaretoken"') == 1


def test_anonymous_visitor_sees_comments_and_a_sign_in_link_instead_of_the_form(post):
    CommentFactory(post=post, body_html="<p>visible to all</p>")
    html = render_thread(post)
    assert "visible to all" in html
    assert 'name="body"' not in html
    assert reverse("account_login") in html


def test_unverified_user_is_told_to_verify_instead_of_the_form(post, unverified_user):
    html = render_thread(post, unverified_user)
    assert 'name="body"' not in html
    assert reverse("account_email") in html


def test_closed_post_says_comments_are_closed(post, other_user):
    post.comments_enabled = False
    post.save()
    html = render_thread(post, other_user)
    assert "closed" in html
    assert 'name="body"' not in html


def test_thread_markup_has_no_inline_script_or_style(post, other_user):
    CommentFactory(post=post)
    html = render_thread(post, other_user)
    assert "<script>" not in html
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


# Edit and delete


def test_author_edits_their_comment(client, post, other_user):
    comment = CommentFactory(post=post, author=other_user)
    client.force_login(other_user)
    url = reverse("comments:edit", args=[comment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "Better words"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Better words"
    assert comment.edited_at is not None


@pytest.mark.parametrize("who", ["other", "post_owner", "staff"])
def test_only_the_author_may_edit_a_comment(client, post, other_user, staff_user, who):
    comment = CommentFactory(post=post, author=other_user)
    client.force_login({"other": UserFactory(), "post_owner": post.author, "staff": staff_user}[who])
    response = client.post(reverse("comments:edit", args=[comment.pk]), {"body": "Hijacked"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body != "Hijacked"


def test_anonymous_edit_is_sent_to_sign_in(client, post):
    comment = CommentFactory(post=post)
    response = client.post(reverse("comments:edit", args=[comment.pk]), {"body": "Hijacked"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body != "Hijacked"


def test_empty_edit_is_a_form_error(client, post, other_user):
    comment = CommentFactory(post=post, author=other_user)
    client.force_login(other_user)
    response = client.post(reverse("comments:edit", args=[comment.pk]), {"body": "  "})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.body.strip()


@pytest.mark.parametrize("who", ["author", "post_owner", "staff"])
def test_author_post_owner_and_staff_may_remove_a_comment(client, post, other_user, staff_user, who):
    comment = CommentFactory(post=post, author=other_user)
    CommentFactory(post=post, parent=comment)
    client.force_login({"author": other_user, "post_owner": post.author, "staff": staff_user}[who])
    url = reverse("comments:delete", args=[comment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED


@pytest.mark.parametrize("who", ["author", "post_owner"])
def test_the_removal_page_tells_the_author_and_the_others_what_happens(client, post, other_user, who):
    comment = CommentFactory(post=post, author=other_user)
    client.force_login({"author": other_user, "post_owner": post.author}[who])
    html = client.get(reverse("comments:delete", args=[comment.pk])).content.decode()
    assert ("a note saying it was removed stays in its place" in html) is (who == "author")
    assert ("The comment disappears from" in html) is (who == "post_owner")


def test_another_reader_may_not_remove_a_comment(client, post):
    comment = CommentFactory(post=post)
    client.force_login(UserFactory())
    assert client.post(reverse("comments:delete", args=[comment.pk])).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_anonymous_remove_is_sent_to_sign_in(client, post):
    comment = CommentFactory(post=post)
    assert client.post(reverse("comments:delete", args=[comment.pk])).status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_remove_needs_post(client, post, other_user):
    comment = CommentFactory(post=post, author=other_user)
    client.force_login(other_user)
    client.get(reverse("comments:delete", args=[comment.pk]))
    assert Comment.objects.filter(pk=comment.pk, status=Comment.Status.APPROVED).exists()


def test_edit_and_remove_links_show_only_to_those_allowed(post, other_user, staff_user):
    comment = CommentFactory(post=post, author=other_user)
    edit_url = reverse("comments:edit", args=[comment.pk])
    delete_url = reverse("comments:delete", args=[comment.pk])
    assert edit_url in render_thread(post, other_user)
    assert edit_url not in render_thread(post, post.author)
    assert delete_url in render_thread(post, post.author)
    assert delete_url in render_thread(post, staff_user)
    assert delete_url not in render_thread(post, UserFactory())
    assert delete_url not in render_thread(post)


def test_unknown_comment_pages_are_not_found(client, other_user):
    client.force_login(other_user)
    for name in ("locate", "reply", "edit", "delete"):
        assert client.get(reverse(f"comments:{name}", args=[987654])).status_code == 404


def test_post_page_shows_the_thread_and_the_comment_form(client, post, other_user):
    comment = CommentFactory(post=post, body_html="<p>on the real page</p>")
    client.force_login(other_user)
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'id="c{comment.pk}"' in page
    assert "on the real page" in page
    assert f'action="{create_url(post)}"' in page
