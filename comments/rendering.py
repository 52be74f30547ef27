"""The reply tree as HTML, written out in Python.

A page of threads can hold thousands of comments. Rendering each through the template engine cost about
1 ms a comment (5 s for 5,000; measured with `render_thread` on SQLite), mostly variable lookups, `{% url %}`
and the `date` filter; this writer takes a few microseconds each. It emits exactly the markup the
contract describes: each comment an element with id="c<pk>" and class "comment", replies inside it.
Every value is escaped except `body_html`, which was sanitized when it was stored.

The markup is the same for every reader, so one rendering of a page of threads is cached and shared (see
`comments.templatetags.comments`). What belongs to one reader is added to it afterwards by `personalise`:
the edit and remove links a reader may use, and the reader's own comments awaiting moderation. The shared
markup carries two kinds of marker for that, HTML comments that `personalise` replaces in one pass:
`<!--a<pk>:<author id>-->` where a comment's own links go, and `<!--r<pk>-->` / `<!--l<pk>-->` at the end
of a comment's replies (`l`: it has none yet), `<!--r0-->` at the end of the page's top-level comments.
"""

import re
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from accounts.avatars import avatar_html, avatar_source
from accounts.policy import can_remove_comment, is_comment_author

from .models import HELD_BECAUSE, Comment

_SENTINEL = 987654321

# The sixth level of replies and below stop moving right (see comments.css), while staying nested; a reply
# below that level says whom it answers.
CAPPED_DEPTH = 6
# How wide a commenter's avatar is drawn, in pixels.
COMMENT_AVATAR_SIZE = 40

NOTICE = '<p class="comment-notice alert alert-success py-1 px-2 mb-1" role="status">{}</p>'

MARKER = re.compile(r"<!--([alr])(\d+)(?::(\d*))?-->")


def _url_pattern(name: str) -> str:
    return reverse(name, args=[_SENTINEL]).replace(str(_SENTINEL), "{}")


class _Urls:
    def __init__(self):
        self.reply = _url_pattern("comments:reply")
        self.edit = _url_pattern("comments:edit")
        self.delete = _url_pattern("comments:delete")
        self.authors: dict[int, str] = {}

    def author(self, user) -> str:
        url = self.authors.get(user.pk)
        if url is None:
            url = self.authors[user.pk] = escape(reverse("accounts:about", kwargs={"username": user.username}))
        return url


def _when(moment) -> tuple[str, str]:
    local = timezone.localtime(moment)
    return local.isoformat(), date_format(local, "DATETIME_FORMAT")


def _author_mark() -> str:
    title = escape(gettext("The post's author"))
    # Translators: a badge beside the name of a commenter who wrote the post.
    label = escape(pgettext("comment badge", "Author"))
    return f' <span class="comment-author-mark badge text-bg-secondary" title="{title}">{label}</span>'


def _avatar(comment, avatars: dict) -> str:
    """The commenter's avatar (`accounts.avatars`), drawn once a page for each picture or letter."""
    author = comment.author
    # A reply from another site shows the copy of its author's picture kept here (accounts/remote_avatars.py).
    remote = comment.remote_avatar if author is None and comment.remote_avatar_id else None
    if author is not None and author.avatar:
        key = author.pk
    elif remote is not None and remote.image:
        key = f"r{remote.pk}"
    else:
        key = "i" + comment.author_name[:1].upper()  # a letter, the same for every name it begins
    html = avatars.get(key)
    if html is None:
        source = (
            avatar_source(author) if author is not None else avatar_source(picture=remote, name=comment.author_name)
        )
        html = avatars[key] = avatar_html(source, size=COMMENT_AVATAR_SIZE, base="comment-avatar")
    return html


def _opening(comment, *, urls: _Urls, avatars: dict, comments_open: bool, names: dict, post_author_id=None) -> str:
    pk = comment.pk
    classes = "comment"
    if comment.is_placeholder:
        classes += " comment-removed"
    if comment.is_awaiting_moderation:
        classes += " comment-pending"
    if comment.depth >= CAPPED_DEPTH:
        classes += " comment-deep"
    parts = [f'<article class="{classes}" id="c{pk}">']
    if comment.is_placeholder:
        removed = escape(gettext("This comment was removed."))
        parts.append(f'<p class="comment-placeholder text-body-secondary fst-italic">{removed}</p>')
    else:
        if comment.author is not None:
            name = f'<a class="comment-author" href="{urls.author(comment.author)}">{escape(comment.author.name)}</a>'
        elif comment.remote_url:
            profile = escape(comment.guest_url or comment.remote_url)
            name = (
                f'<a class="comment-author comment-remote" href="{profile}" rel="nofollow ugc noopener">'
                f"{escape(comment.author_name)}</a>"
            )
            if comment.remote_handle:
                name += (
                    f' <span class="comment-handle small text-body-secondary">{escape(comment.remote_handle)}</span>'
                )
        else:
            name = f'<span class="comment-author comment-guest">{escape(comment.author_name)}</span>'
        iso, shown = _when(comment.created_at)
        if comment.author_id is not None and comment.author_id == post_author_id:
            name += _author_mark()
        # Translators: %(name)s is the commenter's name, linked to their profile.
        byline = escape(gettext("%(name)s said…")) % {"name": name}
        meta = [
            _avatar(comment, avatars),
            f'<span class="comment-byline">{byline}</span>',
            f'<a class="comment-permalink" href="#c{pk}"><time datetime="{iso}">{shown}</time></a>',
        ]
        if comment.remote_url:
            # Calls inside f-strings are invisible to makemessages: each string is looked up before its f-string.
            original = escape(gettext("original on the fediverse"))
            meta.append(
                f'<a class="comment-original small" href="{escape(comment.remote_url)}" rel="nofollow ugc noopener">'
                f"{original}</a>"
            )
        if comment.edited_at:
            edited = escape(pgettext("comment was changed", "edited"))
            meta.append(f'<span class="comment-edited" title="{_when(comment.edited_at)[1]}">{edited}</span>')
        if comment.is_awaiting_moderation:
            awaiting = escape(gettext("awaiting moderation"))
            meta.append(f'<span class="comment-status badge text-bg-warning">{awaiting}</span>')
        if comment.depth > CAPPED_DEPTH and comment.parent_id in names:
            in_reply_to = escape(gettext("in reply to"))
            meta.append(
                f'<a class="comment-in-reply-to" href="#c{comment.parent_id}">'
                f'<span aria-hidden="true">↪</span><span class="visually-hidden">{in_reply_to}</span> '
                f"{escape(names[comment.parent_id])}</a>"
            )
        actions = []
        if comment.status == Comment.Status.APPROVED and comments_open:
            reply = escape(pgettext("verb: answer a comment", "Reply"))
            actions.append(
                f'<a class="comment-reply-link" href="{urls.reply.format(pk)}" data-parent="{pk}">{reply}</a>'
            )
        actions.append(f"<!--a{pk}:{comment.author_id or ''}-->")
        parts.append(f'<header class="comment-meta">{" ".join(meta)}</header>')
        if comment.is_awaiting_moderation and comment.held_reason:
            # Only ever rendered for the comment's author: held comments are never part of shared markup.
            held = escape(HELD_BECAUSE[Comment.HeldReason(comment.held_reason)])
            parts.append(f'<p class="comment-held-reason small">{held}</p>')
        parts.append(f'<div class="comment-body">{comment.body_html}</div>')
        parts.append(f'<footer class="comment-actions small">{" ".join(actions)}</footer>')
    if comment.children:
        parts.append('<div class="comment-replies">')
    return "\n".join(parts)


def _closing(comment) -> str:
    if comment.children:
        return f"<!--r{comment.pk}--></div></article>"
    return f"<!--l{comment.pk}--></article>"


def render_items(items, *, comments_open: bool, post_author_id: int | None = None) -> SafeString:
    """HTML for a flattened tree (see comments.tree.flatten): nested <article class="comment"> elements,
    with the markers `personalise` fills in for each reader. Comments by `post_author_id` carry the
    "Author" mark."""
    urls = _Urls()
    avatars: dict[int | str, str] = {}
    names: dict[int, str] = {}
    out = ['<div class="comment-list">']
    for opening, comment in items:
        if opening:
            out.append(
                _opening(
                    comment,
                    urls=urls,
                    avatars=avatars,
                    comments_open=comments_open,
                    names=names,
                    post_author_id=post_author_id,
                )
            )
            if not comment.is_placeholder:
                names[comment.pk] = comment.author_name
        else:
            out.append(_closing(comment))
    out.append("<!--r0--></div>")
    html = "\n".join(out)
    return mark_safe(html)  # noqa: S308  # nosec B308, B703 # values escaped above; body_html sanitized


class Unplaceable(Exception):
    """A held comment answers a comment that is not in the shared markup: render the page for the reader."""


def personalise(html: str, *, viewer, post, held=(), notice: tuple[int, str] | None = None) -> SafeString:
    """The shared markup of a page of threads as `viewer` sees it (no query): their links on the comments
    they may edit or remove, and `held`, their comments awaiting moderation on this page, each at the end
    of what it answers. `notice` is (comment id, text): a message shown inside that comment, where the
    reader's eyes are after posting it; when the comment is not on the page, it comes first. Every marker
    goes, whoever reads. Raises Unplaceable when a held comment answers a comment the markup lacks.
    """
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    urls = _Urls()
    removes_any = viewer_id is not None and can_remove_comment(viewer, author_id=None, post=post)
    by_parent: dict[int, list] = defaultdict(list)
    for comment in held:
        by_parent[comment.parent_id or 0].append(comment)
    names: dict[int, str] = {c.parent_id: c.parent.author_name for c in held if c.parent_id and c.parent}

    notice_html = ""
    if notice is not None:
        notice_html = NOTICE.format(escape(notice[1]))
    placed = []
    edit = escape(pgettext("verb", "Edit"))
    remove = escape(pgettext("button: remove a comment", "Remove"))

    def links(pk: int, author_id: int | None) -> str:
        out = []
        if notice_html and notice[0] == pk and not placed:
            placed.append(pk)
            out.append(notice_html)
        if viewer_id is None:
            return " ".join(out)
        own = is_comment_author(viewer_id, author_id)
        if own:
            out.append(f'<a href="{urls.edit.format(pk)}">{edit}</a>')
        if own or removes_any:
            out.append(f'<a href="{urls.delete.format(pk)}">{remove}</a>')
        return " ".join(out)

    def held_under(pk: int) -> str:
        out = []
        for comment in by_parent.pop(pk, ()):
            comment.children = []
            comment.is_placeholder = False
            comment.is_awaiting_moderation = True
            # Held comments take no replies yet: no reply link, whether comments are open or not.
            opening = _opening(
                comment, urls=urls, avatars={}, comments_open=False, names=names, post_author_id=post.author_id
            )
            out.append(opening.replace(f"<!--a{comment.pk}:{comment.author_id}-->", links(comment.pk, viewer_id)))
            out.append("</article>")
        return "\n".join(out)

    def replace(match) -> str:
        kind, pk = match[1], int(match[2])
        if kind == "a":
            return links(pk, int(match[3]) if match[3] else None)
        added = held_under(pk)
        if added and kind == "l":
            return f'<div class="comment-replies">{added}</div>'
        return added

    result = MARKER.sub(replace, html)
    if by_parent:
        raise Unplaceable(sorted(by_parent))
    if notice_html and not placed:
        result = notice_html + result
    return mark_safe(result)  # noqa: S308  # nosec B308, B703 # the shared markup was escaped; added values too
