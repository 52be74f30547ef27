"""What an import did, and why one stopped, kept as data and put into words only when someone reads it.

An import stores its outcome as codes with their parameters and counts (`ImportJob.report`,
`ImportJob.failure`), never as sentences: the import page, the mail and the command each build the sentences
in their reader's language, which may differ from the language of whoever ran the import and may change
later. Every sentence an import can say about itself is listed here, once, so that the catalogues hold it.

A `Notice` is one thing worth saying ("a page was skipped", "a reply was moved up"): a code and its
parameters, counted in a `Counter` while the import runs and stored as
`{"code": …, "params": {…}, "count": n}`. A code this version doesn't know (from a newer one, say) is shown
as the code itself rather than failing the page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.utils.translation import gettext, ngettext, pgettext

from blogsite.sentences import Message, Reasons, say
from blogsite.sentences import number as _number


class Notice(NamedTuple):
    """One kind of thing an import says about itself: a code and its parameters (hashable, so countable)."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, code: str, **params):
        return cls(code, tuple(sorted(params.items())))

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.params)


# Why part of a file was left out. Each takes the count; the number itself is `%(count)s`.
SKIPPED: dict[str, Message] = {
    "page": lambda n: ngettext("%(count)s page: pages are not imported", "%(count)s pages: pages are not imported", n),
    "attachment": lambda n: ngettext(
        "%(count)s attachment: attachments (media files) are not imported",
        "%(count)s attachments: attachments (media files) are not imported",
        n,
    ),
    # Translators: %(type)s is a WordPress item type as the file names it, such as nav_menu_item.
    "wp_item": lambda n: ngettext(
        "%(count)s %(type)s item: WordPress %(type)s items are not posts",
        "%(count)s %(type)s items: WordPress %(type)s items are not posts",
        n,
    ),
    "wp_trash": lambda n: ngettext(
        "%(count)s post: in WordPress's trash (status %(status)s)",
        "%(count)s posts: in WordPress's trash (status %(status)s)",
        n,
    ),
    "wp_auto_draft": lambda n: ngettext(
        "%(count)s post: an automatic draft (status %(status)s)",
        "%(count)s posts: automatic drafts (status %(status)s)",
        n,
    ),
    "wp_revision": lambda n: ngettext(
        "%(count)s post: a revision (status %(status)s)", "%(count)s posts: revisions (status %(status)s)", n
    ),
    "pingback": lambda n: ngettext(
        "%(count)s pingback: pingbacks are not imported", "%(count)s pingbacks: pingbacks are not imported", n
    ),
    "trackback": lambda n: ngettext(
        "%(count)s trackback: trackbacks are not imported", "%(count)s trackbacks: trackbacks are not imported", n
    ),
    # Translators: %(type)s is a WordPress comment type as the file names it.
    "wp_comment_type": lambda n: ngettext(
        "%(count)s comment of type %(type)s: only ordinary comments are imported",
        "%(count)s comments of type %(type)s: only ordinary comments are imported",
        n,
    ),
    "comment_on_skipped_post": lambda n: ngettext(
        "%(count)s comment: on a post that was not imported (a page, or a post in the trash)",
        "%(count)s comments: on a post that was not imported (a page, or a post in the trash)",
        n,
    ),
    "blogger_settings": lambda n: ngettext(
        "%(count)s settings entry: blog settings are not imported",
        "%(count)s settings entries: blog settings are not imported",
        n,
    ),
    "blogger_template": lambda n: ngettext(
        "%(count)s template: templates are not imported", "%(count)s templates: templates are not imported", n
    ),
    # Translators: %(kind)s is the kind of entry as Blogger's file names it.
    "blogger_other": lambda n: ngettext(
        "%(count)s entry of kind %(kind)s: not a Blogger post or comment",
        "%(count)s entries of kind %(kind)s: not a Blogger post or comment",
        n,
    ),
    "blogger_unknown": lambda n: ngettext(
        "%(count)s entry: not a Blogger post or comment", "%(count)s entries: not a Blogger post or comment", n
    ),
    "blogger_trash": lambda n: ngettext(
        "%(count)s post: in Blogger's trash (status %(status)s)",
        "%(count)s posts: in Blogger's trash (status %(status)s)",
        n,
    ),
    "blogger_no_reply_to": lambda n: ngettext(
        "%(count)s comment: without thr:in-reply-to (no post to attach it to)",
        "%(count)s comments: without thr:in-reply-to (no post to attach them to)",
        n,
    ),
    "blogger_no_parent": lambda n: ngettext(
        "%(count)s comment: without blogger:parent (no post to attach it to)",
        "%(count)s comments: without blogger:parent (no post to attach them to)",
        n,
    ),
    "post_twice": lambda n: ngettext(
        "%(count)s post: its id appears twice in the file (only the first was imported)",
        "%(count)s posts: their ids appear twice in the file (only the first of each was imported)",
        n,
    ),
    "comment_on_post_twice": lambda n: ngettext(
        "%(count)s comment: on a post whose id appears twice in the file (only the first was imported)",
        "%(count)s comments: on a post whose id appears twice in the file (only the first was imported)",
        n,
    ),
    "comment_twice": lambda n: ngettext(
        "%(count)s comment: the same comment id appears twice in the file",
        "%(count)s comments: the same comment id appears twice in the file",
        n,
    ),
}

# What an import decided for the blogger, worth knowing.
NOTES: dict[str, Message] = {
    "wp_password": lambda n: ngettext(
        "%(count)s post with a password on WordPress was imported as a draft, not public",
        "%(count)s posts with a password on WordPress were imported as drafts, not public",
        n,
    ),
    "wp_private": lambda n: ngettext(
        "%(count)s private post on WordPress was imported as a draft, not public",
        "%(count)s private posts on WordPress were imported as drafts, not public",
        n,
    ),
    "wp_pending": lambda n: ngettext(
        "%(count)s post pending review on WordPress was imported as a draft",
        "%(count)s posts pending review on WordPress were imported as drafts",
        n,
    ),
    "too_many_labels": lambda n: ngettext(
        "%(count)s post with more than %(max)s labels kept its first %(max)s",
        "%(count)s posts with more than %(max)s labels kept their first %(max)s",
        n,
    ),
    "reply_loop": lambda n: ngettext(
        "%(count)s reply loop in the file was cut: one comment became top-level",
        "%(count)s reply loops in the file were cut: in each, one comment became top-level",
        n,
    ),
    "orphan_reply": lambda n: ngettext(
        "%(count)s reply whose parent is not in the file was kept as a top-level comment",
        "%(count)s replies whose parents are not in the file were kept as top-level comments",
        n,
    ),
    "reply_across_posts": lambda n: ngettext(
        "%(count)s reply to a comment on another post was kept as a top-level comment",
        "%(count)s replies to comments on other posts were kept as top-level comments",
        n,
    ),
    "too_deep": lambda n: ngettext(
        "%(count)s reply deeper than %(max)s levels was moved up",
        "%(count)s replies deeper than %(max)s levels were moved up",
        n,
    ),
}

# What became of WordPress markup this site can't show as it was (`%(name)s` is the shortcode's name).
CONVERSIONS: dict[str, Message] = {
    "caption": lambda n: ngettext(
        "%(count)s [%(name)s]: made a figure with its caption",
        "%(count)s [%(name)s]: made figures with their captions",
        n,
    ),
    "media_link": lambda n: ngettext(
        "%(count)s [%(name)s]: made a link to the media", "%(count)s [%(name)s]: made links to the media", n
    ),
    "media_removed": lambda n: ngettext(
        "%(count)s [%(name)s]: removed (no address to link to)",
        "%(count)s [%(name)s]: removed (no address to link to)",
        n,
    ),
    "gallery_removed": lambda n: ngettext(
        "%(count)s [%(name)s]: removed (its files stay in the old site's media library)",
        "%(count)s [%(name)s]: removed (their files stay in the old site's media library)",
        n,
    ),
    "shortcode_removed": lambda n: ngettext(
        "%(count)s [%(name)s]: removed, its text kept", "%(count)s [%(name)s]: removed, their text kept", n
    ),
    # Translators: %(service)s is YouTube or Vimeo.
    "video_link": lambda n: ngettext(
        "%(count)s %(service)s player: made a link to the video",
        "%(count)s %(service)s players: made links to the videos",
        n,
    ),
}

# Why a picture stayed at its old address: the import's own codes, and those of `blogsite.fetch.FetchError`, said
# by `blogsite.sentences.FETCH_ERRORS` after the count.
PICTURE_FAILURES = Reasons(
    {
        "answered": lambda n: ngettext(
            "%(count)s picture: the old site answered %(status)s",
            "%(count)s pictures: the old site answered %(status)s",
            n,
        ),
        "library_full": lambda n: ngettext(
            "%(count)s picture: the media library is full", "%(count)s pictures: the media library is full", n
        ),
        "not_a_picture": lambda n: ngettext(
            "%(count)s picture: not a JPEG, PNG, GIF or WebP picture the media library takes",
            "%(count)s pictures: not JPEG, PNG, GIF or WebP pictures the media library takes",
            n,
        ),
        "fetch_failed": lambda n: ngettext(
            "%(count)s picture: it could not be fetched", "%(count)s pictures: they could not be fetched", n
        ),
    },
    # Translators: %(reason)s says why, such as "its host name does not resolve" or "they took too long".
    not_fetched=lambda n: ngettext("%(count)s picture: %(reason)s", "%(count)s pictures: %(reason)s", n),
)

# Why a file is refused (`transfer.xmlstream.ImportFileError`). `%(detail)s` is the parser's own words.
FILE_ERRORS: dict[str, Message] = {
    "empty": lambda n: gettext("the file is empty"),
    "not_an_export": lambda n: gettext("not an export file: neither XML (WordPress, Blogger) nor Blogsite's JSON"),
    "xml_malformed": lambda n: gettext("not well-formed XML (%(detail)s)"),
    "xml_no_root": lambda n: gettext("not well-formed XML (no root element)"),
    "xml_entities": lambda n: gettext(
        "the file declares entities or external references, which are refused (%(detail)s)"
    ),
    "rss_not_wordpress": lambda n: gettext("an RSS feed but not a WordPress export (no wp: export namespace)"),
    "unknown_root": lambda n: gettext(
        "unknown file: the root element is <%(root)s>, expected a WordPress export (<rss>) or a Blogger "
        "export (Atom <feed>)"
    ),
    "wp_no_channel": lambda n: gettext("a WordPress export without a <channel>"),
    # Translators: %(post)s is the post's title in quotes, or its number as #123.
    "wp_post_no_id": lambda n: gettext("post %(post)s has no wp:post_id"),
    "wp_post_no_date": lambda n: gettext("post %(post)s is %(status)s but has no date"),
    "wp_comment_no_id": lambda n: gettext("a comment on post #%(post)s has no wp:comment_id"),
    "atom_no_id": lambda n: gettext("an Atom feed without an <id> before its entries: not a Blogger export"),
    "atom_not_blogger": lambda n: gettext("an Atom feed whose id (%(id)s) is not a Blogger blog's"),
    "blogger_post_no_date": lambda n: gettext('post "%(title)s" (%(id)s) has no <published> date'),
    "json_not_utf8": lambda n: gettext("not UTF-8 text (%(detail)s)"),
    "json_malformed": lambda n: gettext("not well-formed JSON (%(detail)s)"),
    "json_not_blogsite": lambda n: gettext('a JSON file but not a Blogsite export (no "format": "%(format)s")'),
    "json_version": lambda n: gettext("a Blogsite export of version %(version)s; this site reads version 1"),
    "json_no_posts": lambda n: gettext('a Blogsite export without a "posts" list'),
    "json_post_no_id": lambda n: gettext("post number %(index)s in the file has no id"),
    "json_post_status": lambda n: gettext("post %(post)s has an unknown status %(status)s"),
    "json_post_no_date": lambda n: gettext("post %(post)s is %(status)s but has no published_at"),
    "json_comment_no_id": lambda n: gettext("a comment on post %(post)s has no id"),
    "json_too_large": lambda n: gettext(
        "a Blogsite JSON export larger than %(max_mb)s MB: JSON is read whole, so a blog this large moves with "
        "its WXR export (Export → WordPress file) instead"
    ),
    "zip_damaged": lambda n: gettext("a damaged zip file (%(detail)s)"),
    "zip_outside": lambda n: gettext("the zip names a file outside its folder (%(name)s); nothing was unpacked"),
    "zip_no_export": lambda n: gettext("the zip holds no export file (feed.atom, .xml or .json)"),
    "zip_several": lambda n: ngettext(
        "the zip holds %(count)s export file (%(names)s…): upload one blog's at a time",
        "the zip holds %(count)s export files (%(names)s…): upload one blog's at a time",
        n,
    ),
    "zip_encrypted": lambda n: gettext("the export file in the zip is encrypted"),
    "zip_too_large": lambda n: gettext(
        "the export file in the zip unpacks to %(size_mb)s MB, more than the %(max_mb)s MB allowed"
    ),
    "zip_bomb": lambda n: gettext(
        "the export file in the zip unpacks to far more than it claims (a zip bomb?); nothing was imported"
    ),
}

# Why a job stopped, when not for a fault of its file.
JOB_FAILURES: dict[str, Message] = {
    "cancelled": lambda n: gettext("You cancelled the import; nothing was imported."),
    "cancelled_before_start": lambda n: gettext("You cancelled the import before it started."),
    "unexpected": lambda n: gettext("The import stopped on an unexpected error; nothing was imported."),
    "abandoned": lambda n: gettext("The import was left unfinished, and what it had brought in was removed."),
}

FORMATS: dict[str, Callable[[], str]] = {
    "wxr": lambda: gettext("WordPress (WXR)"),
    "blogsite_wxr": lambda: gettext("Blogsite's own export (WXR)"),
    "blogsite_json": lambda: gettext("Blogsite's own export (JSON)"),
    "blogger_classic": lambda: gettext("Blogger (classic Atom export)"),
    "blogger_takeout": lambda: gettext("Blogger (Takeout feed.atom)"),
}

COMMENT_STATUSES: dict[str, Message] = {
    "approved": lambda n: ngettext("%(count)s approved", "%(count)s approved", n),
    "pending": lambda n: ngettext("%(count)s pending", "%(count)s pending", n),
    "spam": lambda n: ngettext("%(count)s spam", "%(count)s spam", n),
    "removed": lambda n: ngettext("%(count)s removed", "%(count)s removed", n),
}


def _list(items: Iterable[str]) -> str:
    # Translators: what separates the items of a list in a sentence ("5 approved, 1 pending").
    return pgettext("list separator", ", ").join(items)


def counted(counter: Counter) -> list[dict[str, Any]]:
    """A Counter of `Notice`s as stored: a list of {"code", "params", "count"} in a fixed order."""
    return [
        {"code": notice.code, "params": notice.kwargs, "count": count}
        for notice, count in sorted(counter.items(), key=lambda item: (item[0].code, str(item[0].params)))
    ]


def _counted_lines(messages: dict[str, Message], entries: list[dict], indent: str = "    ") -> list[str]:
    return [
        indent + say(messages, entry.get("code", ""), entry.get("params"), entry.get("count", 1)) for entry in entries
    ]


def summary_lines(report: dict[str, Any]) -> list[str]:
    """An import's `report` (see `transfer.importer.ImportSummary.as_data`) as a few lines for a person to
    read, in the active language."""
    n = report.get
    name = FORMATS.get(n("format", ""), lambda: n("format", ""))()
    posts = _list(
        [
            ngettext("%(count)s published or scheduled", "%(count)s published or scheduled", n("posts", 0))
            % {"count": _number(n("posts", 0))},
            ngettext("%(count)s draft", "%(count)s drafts", n("drafts", 0)) % {"count": _number(n("drafts", 0))},
        ]
    )
    out = [
        gettext("Imported from %(format)s:") % {"format": name},
        "  " + gettext("posts: %(counts)s") % {"counts": posts},
        "  "
        + gettext("labels: %(count)s (%(new)s), attached %(times)s")
        % {
            "count": _number(n("labels", 0)),
            "new": ngettext("%(count)s new", "%(count)s new", n("new_labels", 0))
            % {"count": _number(n("new_labels", 0))},
            "times": ngettext("%(count)s time", "%(count)s times", n("labels_attached", 0))
            % {"count": _number(n("labels_attached", 0))},
        },
    ]
    comments = n("comments", {})
    line = gettext("comments: %(count)s") % {"count": _number(sum(comments.values()))}
    if comments:
        statuses = _list(say(COMMENT_STATUSES, status, count=count) for status, count in sorted(comments.items()))
        line = gettext("%(total)s (%(statuses)s)") % {"total": line, "statuses": statuses}
    out.append("  " + line)
    if n("from_blogsite"):
        came_back = gettext("a Blogsite export: posts and comments came back in the Markdown they were written in")
        out.append("  " + came_back)
    if n("already_posts") or n("already_comments"):
        already = _list(
            [
                ngettext("%(count)s post", "%(count)s posts", n("already_posts", 0))
                % {"count": _number(n("already_posts", 0))},
                ngettext("%(count)s comment", "%(count)s comments", n("already_comments", 0))
                % {"count": _number(n("already_comments", 0))},
            ]
        )
        out.append("  " + gettext("already imported before, left as they are: %(counts)s") % {"counts": already})
    skipped = n("skipped", [])
    if skipped:
        total = sum(entry.get("count", 1) for entry in skipped)
        out.append("  " + gettext("skipped: %(count)s") % {"count": _number(total)})
        out.extend(_counted_lines(SKIPPED, skipped))
    pictures = n("pictures") or {}
    failed = pictures.get("failed", [])
    if pictures.get("fetched") or failed:
        fetched, kept = pictures.get("fetched", 0), sum(entry.get("count", 1) for entry in failed)
        counts = _list(
            [
                ngettext("%(count)s brought into this site", "%(count)s brought into this site", fetched)
                % {"count": _number(fetched)},
                ngettext("%(count)s kept at its old address", "%(count)s kept at their old address", kept)
                % {"count": _number(kept)},
            ]
        )
        out.append("  " + gettext("pictures: %(counts)s") % {"counts": counts})
        out.extend("    " + PICTURE_FAILURES.text(entry, entry.get("count", 1)) for entry in failed)
    conversions = n("conversions", [])
    if conversions:
        out.append("  " + gettext("converted for this site:"))
        out.extend(_counted_lines(CONVERSIONS, conversions))
    notes = n("notes", [])
    if notes:
        out.append("  " + gettext("notes:"))
        out.extend(_counted_lines(NOTES, notes))
    return out


def file_error_text(code: str, params: dict[str, Any] | None = None, line: int | None = None) -> str:
    """Why a file was refused, in one line in the active language: "line 12: not well-formed XML (…)"."""
    reason = say(FILE_ERRORS, code, params, (params or {}).get("count", 1))
    if line:
        return gettext("line %(line)s: %(reason)s") % {"line": line, "reason": reason}
    return reason


def failure_text(failure: dict[str, Any], *, file_name: str = "") -> str:
    """Why a job stopped (`ImportJob.failure`), in one line in the active language, naming the file and the
    line for a fault of the file."""
    code = failure.get("code", "")
    if code in JOB_FAILURES:
        return say(JOB_FAILURES, code, failure.get("params"))
    if code not in FILE_ERRORS:
        return code
    reason = file_error_text(code, failure.get("params"), failure.get("line"))
    if file_name:
        return gettext("%(name)s: %(reason)s (nothing was imported)") % {"name": file_name, "reason": reason}
    return gettext("%(reason)s (nothing was imported)") % {"reason": reason}
