"""Leaving: a user's own data as one file, and deleting an account without breaking others' threads."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from comments.models import Comment
from comments.signals import comments_changed
from library.models import Picture
from library.services import delete_pictures_of
from posts.models import Autosave, Blog, Post
from posts.services import delete_post

from .exporter import GENERATOR, blog_posts, iso, json_document, post_json


def export_user_data(*, user, site_url: str) -> Iterator[str]:
    """Everything the site holds that `user` wrote or gave: profile, blog, posts with their threads, and
    their comments anywhere, their unsaved versions from the editor, as one JSON document in chunks. One query
    per 100 posts and per 500 comments."""
    blog = Blog.objects.filter(owner=user).first()
    emails = list(user.emailaddress_set.values("email", "verified", "primary"))
    head = {
        "format": "blogsite-personal-data",
        "version": 1,
        "generator": GENERATOR,
        "site": site_url.rstrip("/"),
        "exported_at": iso(timezone.now()),
        "profile": {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "email_addresses": emails,
            "bio": user.bio,
            "avatar": site_url.rstrip("/") + user.avatar.url if user.avatar else None,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
            "notify_replies": user.notify_replies,
            "notify_comments": user.notify_comments,
            "notify_moderation": user.notify_moderation,
        },
        "blog": {"title": blog.title, "description": blog.description, "comment_policy": blog.comment_policy}
        if blog
        else None,
        "pictures": [
            {
                "url": site_url.rstrip("/") + picture.url,
                "alt": picture.alt,
                "width": picture.width,
                "height": picture.height,
                "bytes": picture.bytes,
                "created_at": iso(picture.created_at),
            }
            for picture in Picture.objects.owned_by(user).order_by("pk")
        ],
    }
    comments = Comment.objects.filter(author=user).select_related("post", "post__author").order_by("pk").iterator(500)
    autosaves = Autosave.objects.filter(author=user).select_related("post", "post__author").order_by("pk")
    yield from json_document(
        head,
        posts=(post_json(post, site_url) for post in blog_posts(user)),
        comments=(
            {
                "id": comment.pk,
                "post": site_url.rstrip("/") + comment.post.get_absolute_url(),
                "post_title": comment.post.title,
                "parent": comment.parent_id,
                "status": comment.status,
                "created_at": iso(comment.created_at),
                "edited_at": iso(comment.edited_at),
                "body": comment.body,
                "body_html": comment.body_html,
            }
            for comment in comments
        ),
        # What the user typed in the editor and has not saved (one per post, one for a new post).
        unsaved_versions=(
            {
                "post": site_url.rstrip("/") + autosave.post.get_absolute_url() if autosave.post else None,
                "updated_at": iso(autosave.updated_at),
                **autosave.content(),
            }
            for autosave in autosaves
        ),
    )


def delete_account(*, user, keep_comments: bool) -> None:
    """Delete `user` with their blog and posts (and the threads under those posts).

    Their comments on other people's posts either stay, signed "Anonymous" (`keep_comments`), or go. A
    comment that others replied to never goes: it stays as an empty, removed placeholder so that the
    replies keep their place. One query per level of the user's own reply chains, plus one per post.
    """
    with transaction.atomic():
        theirs = Comment.objects.filter(author=user).exclude(post__author=user)
        touched = set(theirs.values_list("post_id", flat=True).distinct())
        if not keep_comments:
            # Leaves first: a comment whose replies were all the user's own becomes a leaf and goes too.
            while True:
                leaves = list(theirs.filter(replies__isnull=True).values_list("pk", flat=True))
                if not leaves:
                    break
                Comment.objects.filter(pk__in=leaves).delete()
            theirs.update(status=Comment.Status.REMOVED, body="", body_html="")
        theirs.update(author=None, guest_name="", guest_email="", guest_url="", ip_address=None, user_agent="")
        # Bulk deletes and updates send no per-comment signals worth having: the threads are told once.
        comments_changed.send(sender=Comment, post_ids=touched)
        for post in Post.objects.filter(author=user):
            delete_post(post=post)
        delete_pictures_of(owner=user)
        avatar = user.avatar.name if user.avatar else ""
        storage = user.avatar.storage if user.avatar else None
        user.delete()
        if avatar:
            transaction.on_commit(lambda: storage.delete(avatar))
