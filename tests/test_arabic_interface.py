"""The Arabic interface in context: the comment thread's own links come from the catalogue (its strings are
looked up outside f-strings, where makemessages finds them), and a date with its time is written in Arabic
order rather than Django's American fallback."""

from datetime import UTC, datetime

from django.utils import formats, translation

from comments.tests.factories import CommentFactory


def test_the_links_on_a_comment_are_in_arabic(client, post, user):
    CommentFactory(post=post, author=user, body="My own remark.")
    client.force_login(user)

    page = client.get(post.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert 'data-parent="' in page
    assert ">ردّ</a>" in page
    assert ">تعديل</a>" in page
    assert ">Reply</a>" not in page
    assert ">Edit</a>" not in page


def test_a_date_with_its_time_is_in_arabic_order():
    moment = datetime(2026, 12, 3, 20, 5, tzinfo=UTC)
    with translation.override("ar"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "3 ديسمبر، 2026، 8:05 م"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "03\u200f/12\u200f/2026، 8:05 م"
    with translation.override("en"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "3 December 2026, 20:05"
