"""Members get a post page made of the parts every reader shares (the post, the thread, the comment form),
cached once, with what is theirs added to it for each request: never another reader's."""

import pickle
import re

import pytest
from django.core.cache import cache
from django.middleware.csrf import _unmask_cipher_token
from django.template import RequestContext, Template, TemplateSyntaxError
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.services import post_comment
from comments.tests.factories import CommentFactory
from community.models import Notification
from moderation.services import moderate_comments
from posts.models import Blog
from posts.services import update_post
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def comment_policy():
    """A newcomer's first comment waits for Karen (see the held comment tests)."""
    return Blog.CommentPolicy.HOLD_FIRST


@pytest.fixture
def scene(author, post):
    """Karen's post with Ana's and Ben's comments, approved and held, and an unread reply in Ana's inbox."""
    ana, ben = UserFactory(username="ana", display_name="Ana"), UserFactory(username="ben", display_name="Ben")
    ana_said = CommentFactory(post=post, author=ana, body="Ana approved.")
    ben_said = CommentFactory(post=post, author=ben, body="Ben approved.")
    ana_held = CommentFactory(post=post, author=ana, parent=ben_said, body="Ana held.", status=Comment.Status.PENDING)
    ben_held = CommentFactory(post=post, author=ben, parent=ana_said, body="Ben held.", status=Comment.Status.PENDING)
    Notification.objects.create(recipient=ana, kind=Notification.Kind.REPLY, actor=ben, post=post, comment=ben_said)
    return {
        "post": post,
        "owner": author,
        "ana": ana,
        "ben": ben,
        "ana_said": ana_said,
        "ben_said": ben_said,
        "ana_held": ana_held,
        "ben_held": ben_held,
    }


def client_for(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def page(client, post) -> str:
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def edit_link(comment) -> str:
    return f'href="{reverse("comments:edit", args=[comment.pk])}"'


def remove_link(comment) -> str:
    return f'href="{reverse("comments:delete", args=[comment.pk])}"'


def comment_form(html: str) -> str:
    start = html.index('id="comment-form"')
    return html[start : html.index("</form>", start)]


def inbox_badge(html: str) -> str | None:
    found = re.search(r'id="inbox-link">[^<]*(?:<span class="badge[^"]*">(\d+)</span>)?', html)
    return found and found[1]


def shared_parts() -> list[str]:
    """The markup of every shared part cached (the tests' cache is this process's local memory)."""
    parts = []
    for key, value in cache._cache.items():
        if ":pagecache:shared-" in key:
            value = pickle.loads(value)  # noqa: S301  # nosec B301 # the test's own cache
            parts.append(value[1] if isinstance(value, tuple) else value)
    return parts


def test_two_members_and_a_visitor_each_get_only_their_own_parts_of_one_cached_page(scene):
    post, ana, ben, owner = scene["post"], scene["ana"], scene["ben"], scene["owner"]
    readers = {"anonymous": client_for(), "ana": client_for(ana), "ben": client_for(ben), "owner": client_for(owner)}
    # Each reads twice: whoever comes first fills the shared parts, and every later page comes from them.
    pages = {}
    for _ in range(2):
        for name, client in readers.items():
            pages[name] = page(client, post)

    ana_page, ben_page, anonymous_page, owner_page = pages["ana"], pages["ben"], pages["anonymous"], pages["owner"]
    assert "Ana held." in ana_page and "Ben held." not in ana_page
    assert "Ben held." in ben_page and "Ana held." not in ben_page
    assert "Ana held." not in anonymous_page and "Ben held." not in anonymous_page
    # Their own comments' edit and remove links, nobody else's; the blog's owner may remove any.
    assert edit_link(scene["ana_said"]) in ana_page and edit_link(scene["ben_said"]) not in ana_page
    assert edit_link(scene["ben_said"]) in ben_page and edit_link(scene["ana_said"]) not in ben_page
    assert "/edit/" not in anonymous_page.split('id="comments"')[1]
    assert remove_link(scene["ben_said"]) in owner_page and edit_link(scene["ben_said"]) not in owner_page
    # The header: each member's own unread count (Ana has one), and the visitor's sign-in link.
    assert inbox_badge(ana_page) == "1"
    assert inbox_badge(ben_page) is None
    assert 'id="inbox-link"' not in anonymous_page
    assert "(ana)" in ana_page and "(ben)" not in ana_page and "(ana)" not in ben_page
    # The post's own actions for its author only; the follow button for everyone else.
    assert post.get_edit_url() in owner_page
    assert post.get_edit_url() not in ana_page and post.get_edit_url() not in anonymous_page
    assert "Follow this blog" in ana_page and "Follow this blog" not in owner_page
    # The comment form for members, the sign-in link for the visitor, no CSRF token in the visitor's page.
    assert 'id="comment-form"' in ana_page and 'id="comment-form"' in ben_page
    assert 'id="comment-form"' not in anonymous_page and "to leave a comment" in anonymous_page
    assert "csrfmiddlewaretoken" not in anonymous_page


def test_each_members_page_carries_their_own_csrf_token_and_their_comment_goes_through(scene):
    post, ana, ben = scene["post"], scene["ana"], scene["ben"]
    clients = {"ana": client_for(ana), "ben": client_for(ben)}
    secrets = {}
    for name, client in clients.items():
        page(client, post)  # fills the shared parts, or takes them
        html = page(client, post)
        tokens = TOKEN.findall(html)
        # The comment form's, and the header's and footer's forms', all of this member's secret.
        assert TOKEN.search(comment_form(html))
        secret = {_unmask_cipher_token(token) for token in tokens}
        assert secret == {clients[name].cookies["csrftoken"].value}
        secrets[name] = secret
    assert secrets["ana"] != secrets["ben"]
    # Ben's token from his page posts his comment; Ana's page token would not do for him.
    create = reverse("comments:create", kwargs=post.permalink_kwargs())
    ana_token = TOKEN.search(comment_form(page(clients["ana"], post)))[1]
    refused = clients["ben"].post(create, {"body": "Borrowed token.", "csrfmiddlewaretoken": ana_token})
    assert refused.status_code == 403
    ben_token = TOKEN.search(comment_form(page(clients["ben"], post)))[1]
    posted = clients["ben"].post(create, {"body": "My own token.", "csrfmiddlewaretoken": ben_token})
    assert posted.status_code == 302
    assert Comment.objects.filter(author=ben, body="My own token.").exists()


def test_nothing_shared_in_the_cache_carries_a_token_a_held_comment_or_someones_links(scene):
    post = scene["post"]
    for user in (scene["ana"], scene["ben"], scene["owner"], None):
        page(client_for(user), post)
    stored = shared_parts()
    assert len(stored) == 3  # the post's head and body, and its thread
    shared = "".join(stored)
    for private in ("csrfmiddlewaretoken", "Ana held.", "Ben held.", "/edit/", "Follow this blog", 'id="inbox-link"'):
        assert private not in shared
    # The comment form is shared once, with room for each reader's token.
    assert 'id="comment-form"' in shared and "<!--csrf-->" in shared


def test_a_member_who_may_not_comment_gets_no_form_from_the_shared_page(scene, unverified_user):
    post = scene["post"]
    page(client_for(scene["ana"]), post)
    html = page(client_for(unverified_user), post)
    assert 'id="comment-form"' not in html
    assert "Please verify your email address" in html


def test_without_javascript_a_member_has_a_link_to_reply_to_edit_and_to_remove_their_comment(scene):
    post, ana, said = scene["post"], scene["ana"], scene["ana_said"]
    client = client_for(ana)
    page(client_for(scene["ben"]), post)
    html = page(client, post)
    for link in (f'href="{reverse("comments:reply", args=[said.pk])}"', edit_link(said), remove_link(said)):
        assert link in html
        target = re.search(r'href="([^"]+)"', link)[1]
        assert client.get(target).status_code == 200


def test_a_change_to_the_post_or_its_blog_shows_to_members_at_once(scene):
    post, owner, ana = scene["post"], scene["owner"], scene["ana"]
    client = client_for(ana)
    assert "Spring at last" in page(client, post)
    update_post(post=post, editor=owner, title="Spring, finally", body="New words.", labels=["garden"])
    html = page(client, post)
    assert "Spring, finally" in html and "New words." in html and "garden" in html
    newer = PostFactory(author=owner, title="Summer already")
    assert "Summer already" in page(client, post)
    newer.delete()
    assert "Summer already" not in page(client, post)


def test_a_draft_its_author_previews_is_never_cached(scene):
    owner = scene["owner"]
    draft = PostFactory(author=owner, title="Not yet", status="draft", published_at=None)
    client = client_for(owner)
    assert "only you can see it" in page(client, draft)
    assert not [key for key in cache._cache if ":pagecache:shared-post:" in key]


def test_a_thread_cached_before_the_form_was_shared_still_gets_each_reader_their_form(scene, rf):
    """Markup cached by the previous release has the form's slot alone: the form is rendered for the reader."""
    request = rf.get("/")
    request.user = scene["ana"]
    old = Template("{% load comments %}{% comment_thread post %}<!--comment-form-->{% endcomment_thread %}")
    html = old.render(RequestContext(request, {"post": scene["post"], "user": scene["ana"]}))
    assert 'id="comment-form"' in html and "<!--comment-form-->" not in html


def test_a_members_new_held_comment_and_its_approval_show_at_once_on_a_page_they_read_before(scene):
    post, ben = scene["post"], scene["ben"]
    newcomer = UserFactory(username="cleo", display_name="Cleo")
    client = client_for(newcomer)
    assert "Cleo waits." not in page(client, post)
    assert "Cleo waits." not in page(client, post)
    held = post_comment(post=post, author=newcomer, body="Cleo waits.")
    assert held.status == Comment.Status.PENDING
    html = page(client, post)
    assert "Cleo waits." in html and "awaiting moderation" in html.split("Cleo waits.")[0].rsplit("<article", 1)[1]
    assert "Cleo waits." not in page(client_for(ben), post)
    moderate_comments(comments=[held], action="approve", moderator=scene["owner"])
    html = page(client, post)
    assert "Cleo waits." in html
    assert "awaiting moderation" not in html.split("Cleo waits.")[0].rsplit("<article", 1)[1]
    assert "Cleo waits." in page(client_for(ben), post)


def test_a_readers_own_part_in_a_template_the_shared_part_includes_is_refused_not_shared(scene, rf):
    """Its markup would otherwise go into what every reader is served."""
    request = rf.get("/")
    request.user = scene["ana"]
    inner = Template("{% load pagecache %}{% own %}{{ user.username }}{% endown %}")
    outer = Template('{% load pagecache %}{% cache_post post "part" %}{% include inner %}{% endcache_post %}')
    with pytest.raises(TemplateSyntaxError):
        outer.render(RequestContext(request, {"post": scene["post"], "user": scene["ana"], "inner": inner}))
    assert not shared_parts()
