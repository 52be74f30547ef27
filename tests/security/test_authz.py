"""Who may do what, cell by cell, through HTTP.

The table below is the test's data: each row is an action (defined in ACTIONS), each column a person, and
each cell the expected outcome. Adding a row means adding a line here and an entry in ACTIONS.

    ok     done: a GET answers 200; a POST answers 2xx/3xx and its effect is in the database
    login  a redirect to the sign-in page (the admin's for admin pages); nothing changes
    403    refused with 403; nothing changes
    404    answered 404 (the thing is hidden); nothing changes

The post is the owner's; the comment is the reader's, approved, on the owner's published post. Exports
always give the signed-in person their own blog and data: the owner's draft is in the owner's and nobody
else's. Moderators
are staff in the group Moderators, which may moderate comments and ban readers but not edit posts (issue 5).

    action                              anonymous unverified reader blogger owner moderator superuser
    view published post                 ok        ok         ok     ok      ok    ok        ok
    view draft by permalink             404       404        404    404     ok    404       ok
    view draft by edit URL              login     404        404    404     ok    404       ok
    open editor of published post       login     403        403    403     ok    403       ok
    edit published post                 login     403        403    403     ok    403       ok
    edit draft                          login     404        404    404     ok    404       ok
    confirm deletion of post            login     403        403    403     ok    403       ok
    delete post                         login     403        403    403     ok    403       ok
    delete draft                        login     404        404    404     ok    404       ok
    open writing page                   login     403        ok     ok      ok    ok        ok
    create post                         login     403        ok     ok      ok    ok        ok
    comment on post                     login     403        ok     ok      ok    ok        ok
    reply to comment                    login     403        ok     ok      ok    ok        ok
    open comment editor                 login     403        ok     403     403   403       403
    edit comment                        login     403        ok     403     403   403       403
    remove comment                      login     403        ok     403     ok    ok        ok
    dashboard                           login     ok         ok     ok      ok    ok        ok
    comment moderation queue            login     ok         ok     ok      ok    ok        ok
    admin index                         login     login      login  login   login ok        ok
    admin comment queue                 login     login      login  login   login ok        ok
    admin approve comment               login     login      login  login   login ok        ok
    admin change post                   login     login      login  login   login 403       ok
    admin change user password          login     login      login  login   login 403       ok
    admin make user staff               login     login      login  login   login 403       ok
    export own blog as WXR              login     ok         ok     ok      ok    ok        ok
    export own blog as JSON             login     ok         ok     ok      ok    ok        ok
    download own data                   login     ok         ok     ok      ok    ok        ok
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from accounts.models import User
from comments.models import Comment
from comments.tests.factories import CommentFactory
from posts.models import Post
from posts.tests.factories import DraftFactory, PostFactory

from .site import Site, submit_form

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "unverified", "reader", "blogger", "owner", "moderator", "superuser"]


def _parse_table(doc: str) -> dict[str, dict[str, str]]:
    lines = doc.split("    action", 1)[1].splitlines()[1:]
    table = {}
    for line in lines:
        if not line.strip():
            continue
        words = line.split()
        name, cells = " ".join(words[: -len(ROLES)]), words[-len(ROLES) :]
        table[name] = dict(zip(ROLES, cells, strict=True))
    return table


MATRIX = _parse_table(__doc__)


@dataclass
class World:
    owner: User
    reader: User
    post: Post
    draft: Post
    comment: Comment
    site: Site
    actor: User | None = None


@dataclass
class Action:
    method: str
    run: Callable[[World, Client], object]
    # The state the action changes (a flag or a count): done means it differs afterwards. None for reads.
    effect: Callable[[World], object] | None = None
    admin: bool = False
    # A download of one's own things: it must hold the owner's draft for the owner, and for nobody else.
    own_data: bool = False


def _post_form(post: Post, **changes) -> dict:
    data = {"title": post.title, "body": post.body, "labels": "", "status": post.status}
    return {**data, **changes}


def _changed_title(world: World, post: Post) -> bool:
    return Post.objects.filter(pk=post.pk, title="Changed by someone").exists()


def _gone(post: Post) -> bool:
    return not Post.objects.filter(pk=post.pk).exists()


def _posts_by_actor(world: World) -> int:
    return Post.objects.filter(author=world.actor).count() if world.actor else 0


def _admin_change_post(world, client):
    return submit_form(
        client,
        f"/admin/posts/post/{world.post.pk}/change/",
        {"title": "Changed by someone", "_continue": None, "_addanother": None, "_save": ""},
        pick=lambda f: "csrfmiddlewaretoken" in f["fields"] and "title" in f["fields"],
    )


def _admin_make_staff(world, client):
    return submit_form(
        client,
        f"/admin/accounts/user/{world.reader.pk}/change/",
        {"is_staff": "on", "_continue": None, "_addanother": None, "_save": ""},
        pick=lambda f: "username" in f["fields"],
    )


ACTIONS: dict[str, Action] = {
    "view published post": Action("GET", lambda w, c: c.get(w.post.get_absolute_url())),
    "view draft by permalink": Action("GET", lambda w, c: c.get(w.draft.get_absolute_url())),
    "view draft by edit URL": Action("GET", lambda w, c: c.get(w.draft.get_edit_url())),
    "open editor of published post": Action("GET", lambda w, c: c.get(w.post.get_edit_url())),
    "edit published post": Action(
        "POST",
        lambda w, c: c.post(w.post.get_edit_url(), _post_form(w.post, title="Changed by someone")),
        lambda w: _changed_title(w, w.post),
    ),
    "edit draft": Action(
        "POST",
        lambda w, c: c.post(w.draft.get_edit_url(), _post_form(w.draft, title="Changed by someone")),
        lambda w: _changed_title(w, w.draft),
    ),
    "confirm deletion of post": Action("GET", lambda w, c: c.get(w.post.get_delete_url())),
    "delete post": Action("POST", lambda w, c: c.post(w.post.get_delete_url()), lambda w: _gone(w.post)),
    "delete draft": Action("POST", lambda w, c: c.post(w.draft.get_delete_url()), lambda w: _gone(w.draft)),
    "open writing page": Action("GET", lambda w, c: c.get("/write/")),
    "create post": Action(
        "POST",
        lambda w, c: c.post("/write/", {"title": "A new post", "body": "Words.", "labels": "", "status": "draft"}),
        _posts_by_actor,
    ),
    "comment on post": Action(
        "POST",
        lambda w, c: w.site.post_comment(c, w.post, "A fresh thought."),
        lambda w: Comment.objects.filter(post=w.post, body="A fresh thought.").exists(),
    ),
    "reply to comment": Action(
        "POST",
        lambda w, c: w.site.post_comment(c, w.post, "A fresh reply.", parent=w.comment.pk),
        lambda w: Comment.objects.filter(parent=w.comment, body="A fresh reply.").exists(),
    ),
    "open comment editor": Action("GET", lambda w, c: c.get(f"/comments/{w.comment.pk}/edit/")),
    "edit comment": Action(
        "POST",
        lambda w, c: c.post(f"/comments/{w.comment.pk}/edit/", {"body": "Changed by someone"}),
        lambda w: Comment.objects.filter(pk=w.comment.pk, body="Changed by someone").exists(),
    ),
    "remove comment": Action(
        "POST",
        lambda w, c: c.post(f"/comments/{w.comment.pk}/delete/"),
        lambda w: not Comment.objects.filter(pk=w.comment.pk).exclude(status="removed").exists(),
    ),
    "dashboard": Action("GET", lambda w, c: c.get("/dashboard/")),
    "comment moderation queue": Action("GET", lambda w, c: c.get("/dashboard/comments/")),
    "admin index": Action("GET", lambda w, c: c.get("/admin/"), admin=True),
    "admin comment queue": Action("GET", lambda w, c: c.get("/admin/comments/comment/"), admin=True),
    "admin approve comment": Action(
        "POST",
        lambda w, c: c.post(
            "/admin/comments/comment/",
            {"action": "approve", "_selected_action": [w.comment.pk], "index": "0"},
        ),
        lambda w: Comment.objects.filter(pk=w.comment.pk, status="approved").exists(),
        admin=True,
    ),
    "admin change post": Action("POST", _admin_change_post, lambda w: _changed_title(w, w.post), admin=True),
    "admin change user password": Action(
        "POST",
        lambda w, c: c.post(
            f"/admin/accounts/user/{w.reader.pk}/password/",
            {"password1": "a-new-Passw0rd-42", "password2": "a-new-Passw0rd-42", "usable_password": "true"},
        ),
        lambda w: User.objects.get(pk=w.reader.pk).check_password("a-new-Passw0rd-42"),
        admin=True,
    ),
    "admin make user staff": Action(
        "POST",
        _admin_make_staff,
        lambda w: User.objects.get(pk=w.reader.pk).is_staff,
        admin=True,
    ),
    "export own blog as WXR": Action("GET", lambda w, c: c.get("/dashboard/export/wxr/"), own_data=True),
    "export own blog as JSON": Action("GET", lambda w, c: c.get("/dashboard/export/json/"), own_data=True),
    "download own data": Action("GET", lambda w, c: c.get("/accounts/data/"), own_data=True),
}

# Preconditions for the pending comment used by the "admin approve comment" row.
PENDING_ROWS = {"admin approve comment"}


def test_the_matrix_covers_every_action_and_person():
    assert set(MATRIX) == set(ACTIONS)
    assert all(set(cells.values()) <= {"ok", "login", "403", "404"} for cells in MATRIX.values())


@pytest.fixture
def world(people, owner, reader, settings):
    settings.COMMENTS_RATE_PER_MINUTE = 10_000
    post = PostFactory(author=owner, title="The owner's post", slug="the-owners-post")
    draft = DraftFactory(author=owner, title="The owner's secret draft", slug="secret-draft")
    comment = CommentFactory(post=post, author=reader, body="First!")
    return World(owner=owner, reader=reader, post=post, draft=draft, comment=comment, site=Site(Client(), owner))


def _check_cell(world, people, row, role) -> str | None:
    """Run one cell; None when it behaves as the table says, else what happened instead."""
    action, expected = ACTIONS[row], MATRIX[row][role]
    if row in PENDING_ROWS:
        Comment.objects.filter(pk=world.comment.pk).update(status="pending")
    client = Client()
    world.actor = people[role]
    if world.actor is not None:
        client.force_login(world.actor)
    before = action.effect(world) if action.effect else None
    response = action.run(world, client)
    status = response.status_code
    location = response.get("Location", "")
    cell = f"{row} as {role}: expected {expected}, got {status} {location}".rstrip()
    after = action.effect(world) if action.effect else None
    if expected == "ok":
        if action.method == "GET" and status != 200:
            return cell
        if action.own_data:
            content = b"".join(response.streaming_content) if response.streaming else response.content
            if (world.draft.title.encode() in content) != (role == "owner"):
                return f"{cell}, but the owner's draft is {'missing' if role == 'owner' else 'in it'}"
        if action.method == "POST" and (status >= 400 or after == before):
            return f"{cell}; changed: {after != before}"
        return None
    if expected == "login":
        login_page = "/admin/login/" if action.admin else "/accounts/login/"
        if status != 302 or login_page not in location:
            return cell
    elif status != int(expected):
        return cell
    if after != before:
        return f"{cell}, yet the change was made"
    return None


@pytest.mark.parametrize("row", list(MATRIX))
def test_authorization_row(world, people, row):
    """Every person in the row, each in a savepoint rolled back afterwards, so each starts from the same world."""
    wrong = []
    for role in ROLES:
        with transaction.atomic():
            problem = _check_cell(world, people, row, role)
            transaction.set_rollback(True)
        cache.clear()
        if problem:
            wrong.append(problem)
    assert wrong == []
