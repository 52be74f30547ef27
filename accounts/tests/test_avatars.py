"""One way to draw an avatar: the pages' `{% avatar %}` tag and the comment thread both ask accounts.avatars."""

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template

from accounts.avatars import AvatarSource, avatar_html
from accounts.tests.factories import UserFactory
from comments.rendering import _avatar
from comments.tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def tag(person, size):
    return Template("{% load accounts %}{% avatar person size classes='extra' %}").render(
        Context({"person": person, "size": size})
    )


def test_a_person_without_a_picture_is_drawn_as_the_first_letter_of_their_name(user):
    html = tag(user, 48)

    assert html == f'<span class="avatar avatar-initial extra" aria-hidden="true">{user.name[0].upper()}</span>'


def test_a_picture_is_a_round_image_of_the_size_asked_small_ones_marked_small():
    person = UserFactory()
    person.avatar.save("a.jpg", ContentFile(b"picture"), save=True)

    html = tag(person, 24)

    assert html == (
        f'<img class="avatar avatar-sm extra" src="{person.avatar.url}" alt="" width="24" height="24" loading="lazy">'
    )


def test_a_picture_from_another_site_carries_its_sizes_and_everything_is_escaped():
    source = AvatarSource(src='/media/r/a.jpg?x="1"', srcset="/media/r/a.jpg 96w, /media/r/b.jpg 192w", initial="<")

    assert avatar_html(source, size=40, base="comment-avatar") == (
        '<img class="comment-avatar" src="/media/r/a.jpg?x=&quot;1&quot;" '
        'srcset="/media/r/a.jpg 96w, /media/r/b.jpg 192w" sizes="40px" alt="" width="40" height="40" loading="lazy">'
    )
    letter = AvatarSource(initial="<")
    assert avatar_html(letter, size=40) == '<span class="avatar avatar-initial" aria-hidden="true">&lt;</span>'


def test_the_thread_draws_a_commenter_as_the_tag_does_and_each_picture_or_letter_once(post):
    person = UserFactory(username="karen")
    person.avatar.save("k.jpg", ContentFile(b"picture"), save=True)
    first, second = CommentFactory(post=post, author=person), CommentFactory(post=post, author=person)
    drawn: dict = {}

    html = _avatar(first, drawn)

    assert (
        html == f'<img class="comment-avatar" src="{person.avatar.url}" alt="" width="40" height="40" loading="lazy">'
    )
    assert _avatar(second, drawn) is html
    guest = CommentFactory(post=post, author=None, guest_name="kim")
    assert _avatar(guest, drawn) == '<span class="comment-avatar comment-avatar-initial" aria-hidden="true">K</span>'
    assert len(drawn) == 2
