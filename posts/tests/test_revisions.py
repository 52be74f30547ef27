"""Revisions: kept by the post services on each save that changes a post's words, and their diffs."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from posts import services
from posts.diffs import MAX_MATCH_CELLS, compare, diff_lines
from posts.models import Post, Revision

from .factories import PostFactory

pytestmark = pytest.mark.django_db


def _kinds(lines):
    return [line.kind for line in lines]


def test_creating_a_post_keeps_its_first_revision_with_who_wrote_it(user):
    post = services.create_post(author=user, title="Hello", body="One.", labels="b, a", excerpt="Short")
    (revision,) = post.revisions.all()
    assert (revision.title, revision.body, revision.labels, revision.excerpt) == ("Hello", "One.", "b, a", "Short")
    assert revision.editor == user


def test_each_save_that_changes_the_words_keeps_a_revision_and_one_that_does_not_keeps_none(user, admin_user):
    post = services.create_post(author=user, title="Hello", body="One.")
    services.update_post(post=post, body="Two.", editor=admin_user)
    services.update_post(post=post, body="Two.", title="Hello")  # the same words again
    services.update_post(post=post, status=Post.Status.PUBLISHED)  # publishing alone
    services.update_post(post=post, labels="new label")
    revisions = list(post.revisions.newest_first())
    assert [r.body for r in revisions] == ["Two.", "Two.", "One."]
    assert [r.labels for r in revisions] == ["new label", "", ""]
    assert revisions[1].editor == admin_user


def test_a_post_written_before_revisions_keeps_its_old_words_on_its_first_change(user):
    post = PostFactory(author=user, body="The original.")
    assert not post.revisions.exists()
    services.update_post(post=post, body="The change.")
    assert [r.body for r in post.revisions.newest_first()] == ["The change.", "The original."]


def test_only_the_newest_revisions_are_kept(user, settings):
    settings.POST_REVISIONS_KEEP = 3
    post = services.create_post(author=user, title="Hello", body="v0")
    for n in range(1, 6):
        services.update_post(post=post, body=f"v{n}")
    assert [r.body for r in post.revisions.newest_first()] == ["v5", "v4", "v3"]


def test_restoring_a_revision_brings_back_its_words_as_a_new_revision_and_keeps_the_status(user):
    post = services.create_post(author=user, title="First", body="Old words.", labels="x", status="published")
    old = post.revisions.get()
    services.update_post(post=post, title="Second", body="New words.", labels="y", excerpt="e")
    post = services.restore_revision(revision=old, editor=user)
    post.refresh_from_db()
    assert (post.title, post.body, post.excerpt, post.status) == ("First", "Old words.", "", "published")
    assert [label.name for label in post.labels.all()] == ["x"]
    assert post.revisions.count() == 3
    assert post.revisions.newest_first().first().body == "Old words."


def test_a_failed_save_keeps_no_revision(user):
    post = services.create_post(author=user, title="Hello", body="One.", status="published")
    with pytest.raises(ValidationError):
        services.update_post(post=post, body="Two.", status="scheduled", publish_at=timezone.now())
    assert post.revisions.count() == 1


def test_revisions_go_with_their_post(user):
    post = services.create_post(author=user, title="Hello", body="One.")
    services.delete_post(post=post)
    assert not Revision.objects.exists()


# Diffs


def test_a_diff_marks_removed_and_added_lines_and_shortens_long_unchanged_runs():
    old = "\n".join(f"line {n}" for n in range(30))
    new = old.replace("line 15", "line fifteen")
    lines = diff_lines(old, new)
    assert [(line.kind, line.text) for line in lines if line.kind in ("added", "removed")] == [
        ("removed", "line 15"),
        ("added", "line fifteen"),
    ]
    assert _kinds(lines).count("gap") == 2
    assert [line.text for line in lines if line.kind == "same"] == [f"line {n}" for n in (12, 13, 14, 16, 17, 18)]
    removed = next(line for line in lines if line.kind == "removed")
    assert removed.old_number == 16


def test_equal_texts_have_no_diff():
    assert diff_lines("same\ntext", "same\ntext") == []


def test_two_long_texts_rewritten_throughout_are_shown_whole_instead_of_matched_line_by_line():
    """The cost stays linear: the middle that differs is too large to match (see MAX_MATCH_CELLS)."""
    n = int(MAX_MATCH_CELLS**0.5) + 10
    old = "same start\n" + "\n".join(f"a{i}" for i in range(n)) + "\nsame end"
    new = "same start\n" + "\n".join(f"b{i}" for i in range(n)) + "\nsame end"
    kinds = _kinds(diff_lines(old, new))
    assert kinds.count("removed") == n and kinds.count("added") == n
    assert kinds.count("same") == 2


def test_compare_lists_only_the_fields_that_changed():
    old = {"title": "T", "body": "a\nb", "labels": "x", "excerpt": ""}
    new = {**old, "body": "a\nc"}
    (change,) = compare(old, new)
    assert change["name"] == "body" and change["label"] == "Text"


def test_revisions_are_listed_newest_first_even_when_saved_within_the_same_second(user):
    post = services.create_post(author=user, title="Hello", body="One.")
    when = post.revisions.get().created_at
    Revision.objects.create(post=post, title="Hello", body="Two.", created_at=when)
    Revision.objects.create(post=post, title="Hello", body="Zero.", created_at=when - datetime.timedelta(1))
    assert [r.body for r in post.revisions.newest_first()] == ["Two.", "One.", "Zero."]
