"""Writing posts: creating, changing, deleting and publishing them, with their labels and slugs.

The person a function acts for (`editor`, `user`) is checked against accounts.policy, and refused with
`PermissionDenied`; the site's own callers (the admin after its permission check, moderation, imports) name
nobody. They validate the content itself and raise `ValidationError` with a message a writer can act on.
"""

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext

from accounts.policy import can_edit_post, can_write
from background.queue import enqueue_on_commit
from library.html import pictures_in

from .models import Autosave, Blog, GonePost, Label, Post, Revision
from .signals import post_published, post_updated, post_withdrawn

TITLE_MAX_LENGTH = Post._meta.get_field("title").max_length
BODY_MAX_LENGTH = 100_000
EXCERPT_MAX_LENGTH = Post._meta.get_field("excerpt").max_length
COVER_ALT_MAX_LENGTH = Post._meta.get_field("cover_alt").max_length
LABEL_MAX_LENGTH = Label._meta.get_field("name").max_length
MAX_LABELS = 20
# The labels as typed in the form's one field, comma-separated.
LABELS_MAX_LENGTH = 2000
SLUG_BASE_MAX_LENGTH = 80
# An imported post keeps its old slug whole (up to what the field holds), so its old address maps cleanly.
IMPORTED_SLUG_MAX_LENGTH = 190
# A blog whose language changes has up to this many posts indexed again in the request; more, on the queue.
REINDEX_IN_REQUEST = 200
REINDEX_BATCH = 500

_UNCHANGED = object()

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _one_line(text: str) -> str:
    """A title or name: control characters (line breaks included) become spaces, runs of spaces one."""
    return " ".join(_LINE_CONTROL.sub(" ", text).split())


def _text(text: str) -> str:
    """Body text: control characters other than tab and line breaks removed."""
    return _CONTROL.sub("", text)


def parse_labels(text: str | Iterable[str]) -> list[str]:
    """Label names from comma-separated text (or a list of names): trimmed, blank ones dropped, duplicates
    (same slug) kept once in first-seen order. Raises `ValidationError` for too many or too long labels."""
    names = text.split(",") if isinstance(text, str) else list(text)
    result: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = _one_line(str(raw))
        if not name:
            continue
        if len(name) > LABEL_MAX_LENGTH:
            raise ValidationError(
                ngettext(
                    "The label “%(start)s…” is too long: labels have at most %(limit)s character.",
                    "The label “%(start)s…” is too long: labels have at most %(limit)s characters.",
                    LABEL_MAX_LENGTH,
                )
                % {"start": name[:20], "limit": LABEL_MAX_LENGTH},
                code="label_too_long",
            )
        key = label_slug(name)
        if key in seen:
            continue
        seen.add(key)
        result.append(name)
    if len(result) > MAX_LABELS:
        raise ValidationError(
            ngettext(
                "A post can have at most %(limit)s label; this one has %(count)s.",
                "A post can have at most %(limit)s labels; this one has %(count)s.",
                MAX_LABELS,
            )
            % {"limit": MAX_LABELS, "count": len(result)},
            code="too_many_labels",
        )
    return result


def label_slug(name: str) -> str:
    """The label's address part: a unicode slug, or (for names made only of symbols) a stable hash."""
    slug = slugify(name, allow_unicode=True)[:80].strip("-")
    if slug:
        return slug
    return "label-" + hashlib.sha1(name.casefold().encode(), usedforsecurity=False).hexdigest()[:10]


def get_or_create_labels(names: Iterable[str]) -> list[Label]:
    """Label rows for these names (already parsed), created when new; the first spelling of a name wins."""
    labels = []
    for name in names:
        label, _ = Label.objects.get_or_create(slug=label_slug(name), defaults={"name": name})
        labels.append(label)
    return labels


def unique_slug(
    *, author, text: str, exclude_pk: int | None = None, max_length: int = SLUG_BASE_MAX_LENGTH, fallback="post"
) -> str:
    """A slug for `text` that none of the author's other posts has: `-2`, `-3`… added when needed. Imports
    pass a longer `max_length`, so that old addresses' slugs survive whole."""
    base = slugify(text, allow_unicode=True)[:max_length].strip("-") or slugify(fallback)
    taken = set(
        Post.objects.filter(author=author, slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _was_public(post: Post, now: datetime) -> bool:
    """Whether the post has been public: published, or scheduled and come due, at least once. Its slug and
    date are then fixed. (A draft keeps `published_at` only if it was public before; see `_apply_status`.)"""
    return post.pk is not None and post.published_at is not None and post.published_at <= now


def _validate(*, title: str, body: str, status: str, publish_at: datetime | None, excerpt: str) -> None:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [gettext("Please give the post a title.")]
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [
            ngettext(
                "Titles have at most %(limit)s character (this one has %(count)s).",
                "Titles have at most %(limit)s characters (this one has %(count)s).",
                TITLE_MAX_LENGTH,
            )
            % {"limit": TITLE_MAX_LENGTH, "count": len(title)}
        ]
    if len(body) > BODY_MAX_LENGTH:
        errors["body"] = [
            ngettext(
                "Posts have at most %(limit)s character (this one has %(count)s).",
                "Posts have at most %(limit)s characters (this one has %(count)s).",
                BODY_MAX_LENGTH,
            )
            % {
                "limit": number_format(BODY_MAX_LENGTH, force_grouping=True),
                "count": number_format(len(body), force_grouping=True),
            }
        ]
    if status not in Post.Status.values:
        errors["status"] = [gettext("Choose draft, scheduled or published.")]
    elif status == Post.Status.SCHEDULED and publish_at is None:
        errors["publish_at"] = [gettext("Give the date and time at which the post should appear.")]
    if len(excerpt) > EXCERPT_MAX_LENGTH:
        errors["excerpt"] = [
            ngettext(
                "Excerpts have at most %(limit)s character.",
                "Excerpts have at most %(limit)s characters.",
                EXCERPT_MAX_LENGTH,
            )
            % {"limit": EXCERPT_MAX_LENGTH}
        ]
    if errors:
        raise ValidationError(errors)


def _apply_status(post: Post, *, status: str, publish_at: datetime | None, now: datetime, published_at=None) -> bool:
    """Set status, publish_at and published_at; returns whether the post must be announced as newly public."""
    if _was_public(post, now):
        # A scheduled post that came due but was not switched yet is announced when it is switched.
        unannounced = post.status == Post.Status.SCHEDULED
        if status == Post.Status.SCHEDULED:
            if publish_at is not None and publish_at != post.publish_at:
                raise ValidationError(
                    {"status": [gettext("This post has already been published. To hide it, make it a draft.")]}
                )
            status = Post.Status.PUBLISHED
        post.status = status
        return unannounced and status == Post.Status.PUBLISHED
    post.status = status
    if status == Post.Status.PUBLISHED:
        post.publish_at = None
        post.published_at = published_at or now
        return True
    if status == Post.Status.SCHEDULED:
        post.publish_at = publish_at
        post.published_at = publish_at
    else:
        post.publish_at = None
        post.published_at = None
    return False


@transaction.atomic
def create_post(
    *,
    author,
    title: str,
    body: str,
    labels: str | Iterable[str] = "",
    status: str = Post.Status.DRAFT,
    publish_at: datetime | None = None,
    cover=None,
    cover_alt: str = "",
    excerpt: str = "",
    comments_enabled: bool = True,
    published_at: datetime | None = None,
    body_format: str = Post.BodyFormat.MARKDOWN,
    editor=None,
) -> Post:
    """A new post by `author` (whose blog is made if needed), rendered, slugged and labelled.

    For imports: `published_at` is the first-publication time of a post published elsewhere (with
    `status="published"`; otherwise publishing means now), and `body_format="html"` keeps an HTML body as
    the source (sanitized with `IMPORTED_HTML`). The first revision names `editor` (default: the author).
    Raises `PermissionDenied` if `editor` may not write, `ValidationError` on invalid content."""
    if editor is not None and not can_write(editor):
        raise PermissionDenied(gettext("You may not write posts."))
    title, body, excerpt = _one_line(title), _text(body), _text(excerpt)
    _validate(title=title, body=body, status=status, publish_at=publish_at, excerpt=excerpt)
    label_names = parse_labels(labels)
    now = timezone.now()
    blog, _ = Blog.objects.get_or_create(owner=author)
    post = Post(
        author=author,
        search_config=blog.search_config,
        title=title,
        body=body,
        body_format=body_format,
        excerpt=excerpt.strip(),
        comments_enabled=comments_enabled,
        cover_alt=_one_line(cover_alt)[:COVER_ALT_MAX_LENGTH],
    )
    if cover:
        post.cover = cover
    becomes_public = _apply_status(post, status=status, publish_at=publish_at, now=now, published_at=published_at)
    _save_with_unique_slug(post, exclude_pk=None)
    label_rows = get_or_create_labels(label_names)
    post.labels.set(label_rows)
    record_pictures(post=post, is_new=True)
    _record_revision(post, editor=editor or author, labels=[label.name for label in label_rows])
    if becomes_public:
        _announce(post)
    return post


@transaction.atomic
def import_post(
    *,
    author,
    search_config: str,
    title: str,
    body: str,
    body_format: str,
    excerpt: str = "",
    slug: str = "",
    slug_fallback: str = "post",
    published_at: datetime | None = None,
    publish_at: datetime | None = None,
    created_at: datetime | None = None,
    comments_enabled: bool = True,
    labels: Iterable[Label] = (),
) -> Post:
    """A post brought in from another blog, saved as a draft that keeps the dates it had there; returns it.

    The import gives it its status later, with the rest of its file (`transfer.importer`), so nothing is
    announced here: no `post_published`, no mail, webmention or fan-out. `search_config` is the blog's
    (`Blog.search_config`), asked once for a whole file. The slug is `slug` (else the title, else
    `slug_fallback`) kept whole up to IMPORTED_SLUG_MAX_LENGTH, so that an old address maps cleanly; a
    taken one gets `-2`, `-3`… as in `create_post`, the database deciding a race. `labels` are rows (see
    `import_labels`). Unlike `create_post`, the editor's limits are not checked: an old post is kept whole.

    Queries: the slug (one), the insert in two savepoints (five), `created_at` when given (one), the labels
    when there are any (two, whatever their number), and what the save's listeners ask; the post's pictures
    cost none when it shows none."""
    post = Post(author=author, search_config=search_config, title=_one_line(title)[:TITLE_MAX_LENGTH], body=body)
    post.body_format, post.excerpt, post.comments_enabled = body_format, excerpt, comments_enabled
    post.status, post.published_at, post.publish_at = Post.Status.DRAFT, published_at, publish_at
    _save_with_unique_slug(
        post, exclude_pk=None, text=slug or post.title, max_length=IMPORTED_SLUG_MAX_LENGTH, fallback=slug_fallback
    )
    if created_at is not None:
        # `auto_now_add` fills it on insert: the date the post was written elsewhere is set after.
        Post.objects.filter(pk=post.pk).update(created_at=created_at)
        post.created_at = created_at
    labels = list(labels)
    if labels:
        post.labels.add(*labels)
    record_pictures(post=post, is_new=True)
    return post


def import_labels(names: Iterable[str], *, known: dict[str, Label]) -> tuple[list[Label], list[Label]]:
    """Label rows for an imported post's label names (from `import_label_names`, cut to MAX_LABELS), made
    when new, the first spelling of a name winning as in `get_or_create_labels`: returns (the labels, those
    made now).

    `known` (slug -> label) is the caller's memo across a file, filled here, so that a label costs one
    query (two when it is new) the first time a file names it and none after."""
    labels, created = [], []
    for name in names:
        slug = label_slug(name)
        if slug not in known:
            known[slug], is_new = Label.objects.get_or_create(slug=slug, defaults={"name": name})
            if is_new:
                created.append(known[slug])
        labels.append(known[slug])
    return labels, created


def import_label_names(names: Iterable[str]) -> list[str]:
    """Label names from another blog as labels hold them: on one line, cut to LABEL_MAX_LENGTH, blank ones
    dropped, one per slug in first-seen order. Unlike `parse_labels`, never refuses: an old blog's labels
    come along, cut where they don't fit."""
    out: dict[str, str] = {}
    for raw in names:
        name = _one_line(str(raw))[:LABEL_MAX_LENGTH]
        if name and label_slug(name) and label_slug(name) not in out:
            out[label_slug(name)] = name
    return list(out.values())


@transaction.atomic
def update_post(
    *,
    post: Post,
    title=_UNCHANGED,
    body=_UNCHANGED,
    labels=_UNCHANGED,
    status=_UNCHANGED,
    publish_at=_UNCHANGED,
    cover=_UNCHANGED,
    cover_alt=_UNCHANGED,
    excerpt=_UNCHANGED,
    comments_enabled=_UNCHANGED,
    editor=None,
) -> Post:
    """Change what is given and leave the rest. The slug follows the title until the post is first
    public, then stays, so that its permalink never breaks. `cover=None` removes the cover.

    A change of title, body, labels or excerpt keeps a revision by `editor` (default: the author); a post
    that has none yet (written before revisions were kept) first gets one of what it said until now.
    `PermissionDenied` if `editor` may not edit the post."""
    if editor is not None and not can_edit_post(editor, post):
        raise PermissionDenied(gettext("Only the post's author may change it."))
    now = timezone.now()
    new_title = post.title if title is _UNCHANGED else _one_line(title)
    new_body = post.body if body is _UNCHANGED else _text(body)
    new_status = post.status if status is _UNCHANGED else status
    new_publish_at = post.publish_at if publish_at is _UNCHANGED else publish_at
    new_excerpt = post.excerpt if excerpt is _UNCHANGED else _text(excerpt).strip()
    _validate(title=new_title, body=new_body, status=new_status, publish_at=new_publish_at, excerpt=new_excerpt)
    label_names = None if labels is _UNCHANGED else parse_labels(labels)
    # A change of status alone (publishing, moderation) keeps no revision and costs no query for one.
    content_given = any(value is not _UNCHANGED for value in (title, body, labels, excerpt))
    changed = False
    if content_given:
        old_labels = [label.name for label in post.labels.all()]
        new_labels = old_labels if label_names is None else label_names
        changed = (post.title, post.body, post.excerpt, old_labels) != (new_title, new_body, new_excerpt, new_labels)
        if changed and not post.revisions.exists():
            _record_revision(post, editor=post.author, labels=old_labels, when=post.updated_at)

    post.title, post.body, post.excerpt = new_title, new_body, new_excerpt
    if comments_enabled is not _UNCHANGED:
        post.comments_enabled = comments_enabled
    if cover_alt is not _UNCHANGED:
        post.cover_alt = _one_line(cover_alt)[:COVER_ALT_MAX_LENGTH]
    if cover is not _UNCHANGED:
        _delete_file_on_commit(post.cover)
        post.cover = cover or ""
    status_changed = status is not _UNCHANGED or publish_at is not _UNCHANGED or post.status == Post.Status.SCHEDULED
    becomes_public = False
    was_public_now, was_withdrawn = post.pk is not None and post.is_public, post.was_withdrawn
    if status_changed:
        becomes_public = _apply_status(post, status=new_status, publish_at=new_publish_at, now=now)
    if _was_public(post, now):
        post.save()
    else:
        _save_with_unique_slug(post, exclude_pk=post.pk)
    if label_names is not None:
        label_rows = get_or_create_labels(label_names)
        post.labels.set(label_rows)
        new_labels = [label.name for label in label_rows]
    record_pictures(post=post)
    if content_given:
        _record_revision(post, editor=editor or post.author, labels=new_labels)
    if becomes_public:
        _announce(post)
    elif (changed or was_withdrawn) and post.is_public:
        transaction.on_commit(lambda: post_updated.send(sender=Post, post=post))
    elif was_public_now and post.was_withdrawn:
        transaction.on_commit(lambda: post_withdrawn.send(sender=Post, post=post))
    return post


def record_pictures(*, post: Post, is_new: bool = False) -> None:
    """Note which pictures of the media library the post shows, so that the library can say where each is
    used. No query when a new post shows none, one when an old one shows none and showed none before,
    three or four otherwise."""
    pictures = pictures_in(post.body_html)
    if pictures or (not is_new and post.pictures.exists()):
        post.pictures.set(pictures)


def _record_revision(post: Post, *, editor, labels: list[str], when: datetime | None = None) -> Revision | None:
    """Keep the post's title, body, labels and excerpt as a revision, unless the newest one says the same;
    then drop the oldest beyond `POST_REVISIONS_KEEP`. Three queries (one more when some are dropped)."""
    content = post.content(labels)
    newest = post.revisions.newest_first().first()
    if newest is not None and newest.content() == content:
        return None
    revision = Revision.objects.create(post=post, editor=editor, created_at=when or timezone.now(), **content)
    keep = settings.POST_REVISIONS_KEEP
    # Ids first: a sliced queryset cannot be deleted, and the slice is small (one save adds one).
    dropped = list(post.revisions.newest_first().values_list("pk", flat=True)[keep:])
    if dropped:
        Revision.objects.filter(pk__in=dropped).delete()
    return revision


def restore_revision(*, revision: Revision, editor) -> Post:
    """Give the revision's post that revision's title, body, labels and excerpt again (its status, date
    and cover stay); the save keeps a new revision. Raises `ValidationError` if the content no longer fits."""
    return update_post(
        post=revision.post,
        title=revision.title,
        body=revision.body,
        labels=revision.labels,
        excerpt=revision.excerpt,
        editor=editor,
    )


def save_autosave(*, author, post: Post | None, title: str, body: str, labels: str, excerpt: str) -> Autosave:
    """Keep what `author` is typing for `post` (None: a post not saved yet), replacing their previous
    autosave of it; the post itself is untouched. Two queries."""
    content = {
        "title": _one_line(title)[:TITLE_MAX_LENGTH],
        "body": _text(body),
        "labels": _one_line(labels),
        "excerpt": _text(excerpt),
        "updated_at": timezone.now(),
    }
    # One row per writer and post (a unique constraint); two tabs racing simply both write it.
    autosave, _ = Autosave.objects.update_or_create(author=author, post=post, defaults=content)
    return autosave


def discard_autosave(*, author, post: Post | None) -> int:
    """Delete `author`'s autosave of `post` (None: of a new post); returns how many went (0 or 1)."""
    deleted, _ = Autosave.objects.filter(author=author, post=post).delete()
    return deleted


def _delete_file_on_commit(file) -> None:
    """Delete a stored file once the change that drops it has committed; a failed change keeps it."""
    if file and file.name:
        name, storage = file.name, file.storage
        transaction.on_commit(lambda: storage.delete(name))


def _save_with_unique_slug(
    post: Post, *, exclude_pk: int | None, text: str = "", max_length: int = SLUG_BASE_MAX_LENGTH, fallback="post"
) -> None:
    # Two saves racing for the same slug: the database's unique constraint decides, and the loser retries.
    for _ in range(5):
        post.slug = unique_slug(
            author=post.author,
            text=text or post.title,
            exclude_pk=exclude_pk,
            max_length=max_length,
            fallback=fallback,
        )
        try:
            with transaction.atomic():
                post.save()
            return
        except IntegrityError:
            continue
    raise ValidationError(
        {"title": [gettext("Could not find a free address for this title; please change it a little.")]}
    )


@transaction.atomic
def delete_post(*, post: Post, user=None) -> None:
    """Delete the post with its comments and cover file (labels stay, for other posts). A post that was public
    here leaves a tombstone, so that its address answers 410 Gone. `PermissionDenied` if `user` may not."""
    if user is not None and not can_edit_post(user, post):
        raise PermissionDenied(gettext("Only the post's author may change it."))
    if post.is_public or post.was_withdrawn:
        GonePost.objects.update_or_create(
            author_id=post.author_id, slug=post.slug, defaults={"deleted_at": timezone.now()}
        )
    _delete_file_on_commit(post.cover)
    post.delete()


def publish_due_posts(*, now: datetime | None = None) -> list[Post]:
    """Mark scheduled posts whose time has come as published and announce each once; returns them.

    Safe to run at any time and concurrently: each post is switched by a conditional update, so only
    one run announces it. Public visibility does not wait for this (see `PostQuerySet.published`)."""
    now = now or timezone.now()
    published = []
    due = Post.objects.filter(status=Post.Status.SCHEDULED, published_at__lte=now).select_related("author")
    for post in due:
        with transaction.atomic():
            switched = Post.objects.filter(pk=post.pk, status=Post.Status.SCHEDULED).update(
                status=Post.Status.PUBLISHED
            )
            if switched:
                post.status = Post.Status.PUBLISHED
                _announce(post)
                published.append(post)
    return published


def _announce(post: Post) -> None:
    transaction.on_commit(lambda: post_published.send(sender=Post, post=post))


@transaction.atomic
def save_blog_settings(*, form) -> Blog:
    """Save a valid blog settings form; when the language changed, see `index_in_blog_language`."""
    language_changed = "language" in form.changed_data
    blog = form.save()
    if language_changed:
        index_in_blog_language(blog=blog)
    return blog


def index_in_blog_language(*, blog: Blog) -> None:
    """After the blog's language changed: index its posts again in the new language's text search
    configuration, in the caller's transaction when they are few (two queries), else on the queue
    (`posts.tasks.reindex_blog_posts`). Until the task has run, a search finds each post in the one it has."""
    from .tasks import reindex_blog_posts

    stale = _not_in_blog_language(blog)
    if stale[: REINDEX_IN_REQUEST + 1].count() <= REINDEX_IN_REQUEST:
        stale.update(search_config=blog.search_config)
    else:
        enqueue_on_commit(reindex_blog_posts, blog.owner_id)


def _not_in_blog_language(blog: Blog):
    """The blog's posts indexed in another configuration than its language's (a queryset)."""
    return Post.objects.filter(author_id=blog.owner_id).exclude(search_config=blog.search_config)


def reindex_posts(*, owner_id: int) -> int:
    """Give every post of the blog its language's text search configuration, REINDEX_BATCH posts an UPDATE
    (each its own transaction when run outside one); returns how many changed. Idempotent, and always to
    the language the blog has when it runs."""
    blog = Blog.objects.filter(owner_id=owner_id).first()
    if blog is None:
        return 0
    stale = _not_in_blog_language(blog)
    done = 0
    while ids := list(stale.values_list("pk", flat=True)[:REINDEX_BATCH]):
        done += Post.objects.filter(pk__in=ids).update(search_config=blog.search_config)
    return done
