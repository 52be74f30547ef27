import pytest

from comments.models import PATH_SEGMENT_WIDTH, Comment, path_ids, tree_path

from .factories import CommentFactory


def test_path_segments_sort_in_the_order_comments_were_written():
    ids = [1, 9, 10, 35, 36, 1295, 1296, 10**9]
    segments = [tree_path(pk) for pk in ids]
    assert sorted(segments) == segments
    assert all(len(s) == PATH_SEGMENT_WIDTH for s in segments)


def test_a_path_is_the_ids_from_the_thread_root_in_eight_base_36_digits_each():
    """The stored format: changing it would misplace every comment already written."""
    assert tree_path(1) == "00000001"
    assert tree_path(36, "00000001") == "0000000100000010"
    assert tree_path(10**9, tree_path(36, "00000001")) == "000000010000001000gjdgxs"
    assert path_ids("0000000100000010") == [1, 36]
    assert path_ids(tree_path(10**9, tree_path(7))) == [7, 10**9]
    assert path_ids("") == []


@pytest.mark.django_db
def test_display_order_puts_replies_under_their_parent_before_later_threads(post):
    """Comments come in thread order by default (their path): no query needs to ask for it."""
    first = CommentFactory(post=post)
    second = CommentFactory(post=post)
    late_reply = CommentFactory(post=post, parent=first)
    assert list(Comment.objects.filter(post=post)) == [first, late_reply, second]


@pytest.mark.django_db
def test_author_name_is_the_display_name_or_the_guest_name(post, other_user):
    assert CommentFactory(post=post, author=other_user).author_name == "sp"
    assert CommentFactory(post=post, author=None, guest_name="Old Friend").author_name == "Old Friend"
    assert CommentFactory(post=post, author=None, guest_name="").author_name == "Anonymous"


@pytest.mark.django_db
def test_comment_permalink_is_the_post_page_with_its_fragment(post):
    comment = CommentFactory(post=post)
    assert comment.get_absolute_url() == f"{post.get_absolute_url()}#c{comment.pk}"
